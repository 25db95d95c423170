"""Layers applied outside the recurrence: input encodings and the per-step output.

``Dense`` applied to all time steps at once is Keras' TimeDistributed(Dense): one matrix product
over the (T·B, H) bag of states, which is the lesson's ``y = softmax(h·W_y + b_y)`` moved out of
the step so it runs as a single large product instead of T small ones.
"""
import pytensor.tensor as pt

from symrnn import init
from symrnn.errors import ConfigError


class OneHot:
    """Integer indices (...,) → one-hot rows (..., n_symbols): the lesson's input encoding."""

    def __init__(self, n_symbols, dtype):
        self.n_symbols, self.dtype, self.n_out = n_symbols, dtype, n_symbols
        self.params = []

    def __call__(self, indices):
        return pt.eye(self.n_symbols, dtype=self.dtype)[indices]


class Dense:
    """``x·W + b`` over the last axis of x (..., n_in) → (..., n_out), any leading axes."""

    def __init__(self, n_in, n_out, *, names=("W", "b"), W_init=init.he_normal, rng, dtype):
        if n_out <= 0:
            raise ConfigError(f"Dense layer needs a positive output size, got {n_out}")
        self.n_in, self.n_out = n_in, n_out
        self.W = init.param(names[0], (n_in, n_out), W_init, rng, dtype)
        self.b = init.param(names[1], (n_out,), init.zeros, rng, dtype)
        self.params = [self.W, self.b]

    def __call__(self, x):
        flat = x.reshape((-1, self.n_in))  # (T·B, n_in): one product for every step
        out = pt.dot(flat, self.W) + self.b
        return out.reshape((*[x.shape[i] for i in range(x.ndim - 1)], self.n_out), ndim=x.ndim)
