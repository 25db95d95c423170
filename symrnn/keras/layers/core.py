"""Keras 1's core layers: Dense, Activation, Dropout, Flatten, Reshape, Lambda."""
import math

import numpy as np

from symrnn.errors import ConfigError
from symrnn.keras import activations
from symrnn.keras.engine import Layer
from symrnn.keras.missing import not_provided_class
from symrnn.nn import layers


class Dense(Layer):
    """``activation(x·W + b)`` over the last axis: (N, ..., n_in) → (N, ..., output_dim).

    Keras 1's defaults: ``init='glorot_uniform'``, no activation, a bias.
    """

    def __init__(self, output_dim, init="glorot_uniform", activation=None, weights=None, W_regularizer=None,
                 b_regularizer=None, activity_regularizer=None, W_constraint=None, b_constraint=None, bias=True,
                 input_dim=None, **kwargs):
        if activity_regularizer is not None or W_constraint is not None or b_constraint is not None:
            raise ConfigError("Dense: activity regularisers and weight constraints are not provided")
        super().__init__(weights=weights, input_dim=input_dim, **kwargs)
        self.output_dim, self.init, self.activation, self.bias = output_dim, init, activation, bias
        self.regularizers = [(W_regularizer, "W"), (b_regularizer, "b")]

    def build(self, input_shape):
        self.W = self.add_weight("W", (input_shape[-1], self.output_dim), self.init)
        self.b = self.add_weight("b", (self.output_dim,), "zero") if self.bias else None

    def output_shape_for(self, input_shape):
        return (*input_shape[:-1], self.output_dim)

    def call(self, x, mask=None, training=False):
        z = x.dot(self.W)
        return activations.activate(self.activation, z + self.b if self.bias else z)


class Activation(Layer):
    """``activation(x)``: 'relu', 'tanh', 'sigmoid', 'hard_sigmoid', 'softmax' (over the last axis), …"""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        activations.get(activation)
        self.activation = activation

    def call(self, x, mask=None, training=False):
        return activations.activate(self.activation, x)


class Dropout(Layer):
    """Inverted dropout of rate ``p`` while training; the identity in predictions."""

    def __init__(self, p, **kwargs):
        super().__init__(**kwargs)
        self.p = p
        self.dropout = layers.Dropout(p, seed=int(np.random.randint(2 ** 31)))

    def apply(self, x, mask, training):
        return self.dropout(x, deterministic=not training)


class Flatten(Layer):
    """(N, a, b, …) → (N, a·b·…)."""

    accepts_mask = False

    def output_shape_for(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))

    def call(self, x, mask=None, training=False):
        return x.flatten(2)

    def compute_mask(self, x, mask):
        return None


class Reshape(Layer):
    """(N, …) → (N, *target_shape); one entry of ``target_shape`` may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def output_shape_for(self, input_shape):
        known = [s for s in self.target_shape if s != -1]
        if -1 not in self.target_shape or None in input_shape[1:]:
            return (input_shape[0], *(None if s == -1 else s for s in self.target_shape))
        missing = math.prod(input_shape[1:]) // math.prod(known)
        return (input_shape[0], *(missing if s == -1 else s for s in self.target_shape))

    def call(self, x, mask=None, training=False):
        return x.reshape((x.shape[0], *self.target_shape), ndim=1 + len(self.target_shape))


class Lambda(Layer):
    """``function(x, **arguments)`` on the PyTensor tensor; ``output_shape`` (without the batch, or a
    function of the input shape) when it changes the shape."""

    def __init__(self, function, output_shape=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function, self.shape_rule, self.arguments = function, output_shape, dict(arguments or {})

    def output_shape_for(self, input_shape):
        if self.shape_rule is None:
            return input_shape
        if callable(self.shape_rule):
            return tuple(self.shape_rule(input_shape))
        return (input_shape[0], *self.shape_rule)

    def call(self, x, mask=None, training=False):
        return self.function(x, **self.arguments)


Masking = not_provided_class("keras.layers.core.Masking", "use Embedding(..., mask_zero=True) for padded sequences")
RepeatVector = not_provided_class("keras.layers.core.RepeatVector", "no replacement")
Permute = not_provided_class("keras.layers.core.Permute", "use Lambda(lambda x: x.dimshuffle(...))")
Highway = not_provided_class("keras.layers.core.Highway", "no replacement")
MaxoutDense = not_provided_class("keras.layers.core.MaxoutDense", "no replacement")
