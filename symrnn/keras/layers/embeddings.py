"""Keras 1's Embedding: integer indices (N, T) → learned vectors (N, T, output_dim)."""
import pytensor.tensor as pt

from symrnn.errors import ConfigError
from symrnn.keras.engine import Layer


class Embedding(Layer):
    """Row ``i`` of ``W`` (input_dim, output_dim) for index ``i`` — the lesson's point that one-hot
    times a matrix is a lookup. Keras 1's default init 'uniform' (±0.05). ``mask_zero`` makes index 0
    padding: the recurrent layers after it skip those steps."""

    def __init__(self, input_dim, output_dim, init="uniform", input_length=None, W_regularizer=None,
                 activity_regularizer=None, W_constraint=None, mask_zero=False, weights=None, dropout=0.0, **kwargs):
        if dropout or activity_regularizer is not None or W_constraint is not None:
            raise ConfigError("Embedding: dropout, activity regularisers and constraints are not provided; "
                              "put a Dropout layer after it")
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        kwargs.setdefault("input_dtype", "int32")
        super().__init__(weights=weights, **kwargs)
        self.input_dim, self.output_dim, self.init = input_dim, output_dim, init
        self.input_length, self.mask_zero = input_length, mask_zero
        self.regularizers = [(W_regularizer, "W")]

    def build(self, input_shape):
        self.W = self.add_weight("W", (self.input_dim, self.output_dim), self.init)

    def output_shape_for(self, input_shape):
        return (*input_shape, self.output_dim)

    def call(self, x, mask=None, training=False):
        return self.W[pt.cast(x, "int32")]

    def compute_mask(self, x, mask):
        return pt.neq(x, 0) if self.mask_zero else None
