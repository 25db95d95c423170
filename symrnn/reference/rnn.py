"""The lesson's RNN step, forward and backward: ``h' = act(x·W_x + b_x + h·W_h + b_h)``.

Lesson 7's pure-Python version has no biases and updates ``W_h`` with ``h_{t-1} · dz`` — a dot
product of two vectors, a scalar — where the gradient is their outer product ``h_{t-1}ᵀ dz``
(below: ``h.T @ dz`` over the batch).
"""
from symrnn.reference.activations import ACTIVATIONS
from symrnn.reference.bptt import ReferenceCell


class SimpleRNN(ReferenceCell):
    """Twin of ``symrnn.nn.cells.SimpleRNN``; ``activation`` is "relu" or "tanh"."""

    param_names = ("W_h", "b_h", "W_x", "b_x")

    def __init__(self, activation="relu"):
        self.activation = activation
        self.act, self.act_backward = ACTIVATIONS[activation]

    @classmethod
    def from_cell(cls, cell):
        return cls(cell.activation_name)

    def step(self, p, x, h):
        z = x @ p["W_x"] + p["b_x"] + h @ p["W_h"] + p["b_h"]   # (1) pre-activation
        h_new = self.act(z)                                       # (2)
        return (h_new,), (x, h, z, h_new)

    def step_backward(self, p, d_new_states, cache, grads):
        (dh_new,) = d_new_states
        x, h, z, h_new = cache
        dz = self.act_backward(dh_new, z, h_new)                 # (2)
        grads["W_x"] += x.T @ dz                                  # (1)
        grads["b_x"] += dz.sum(axis=0)                            # (1)
        grads["W_h"] += h.T @ dz                                  # (1) the outer product, summed over the batch
        grads["b_h"] += dz.sum(axis=0)                            # (1)
        dh = dz @ p["W_h"].T                                      # (1)
        dx = dz @ p["W_x"].T                                      # (1)
        return dx, (dh,)

    def kink_distance(self, cache):
        """relu has a kink where a pre-activation is 0; tanh is smooth."""
        z = cache[2]
        return abs(z).min() if self.activation == "relu" else super().kink_distance(cache)

    def __repr__(self):
        return f"reference.SimpleRNN({self.activation!r})"
