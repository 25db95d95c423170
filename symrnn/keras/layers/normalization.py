"""Keras 1's BatchNormalization (mode 0, the last axis)."""
from collections import OrderedDict

from symrnn.errors import ConfigError
from symrnn.keras.engine import FLOATX, Layer
from symrnn.nn import layers


class BatchNormalization(Layer):
    """Normalise each feature over every other axis (N, and T for sequences), as Keras 1's mode 0 on
    ``axis=-1``: batch statistics while training, running averages (``momentum`` 0.99) in predictions;
    ε = 1e-3. Weights: gamma, beta, running mean, running variance (4 per feature)."""

    def __init__(self, epsilon=1e-3, mode=0, axis=-1, momentum=0.99, weights=None, beta_init="zero",
                 gamma_init="one", gamma_regularizer=None, beta_regularizer=None, **kwargs):
        if mode != 0 or beta_init != "zero" or gamma_init != "one" or gamma_regularizer or beta_regularizer:
            raise ConfigError("BatchNormalization: only mode=0 with the default inits, no regularisers, is provided")
        super().__init__(weights=weights, **kwargs)
        self.epsilon, self.axis, self.momentum = epsilon, axis, momentum

    def build(self, input_shape):
        if self.axis not in (-1, len(input_shape) - 1):
            raise ConfigError(f"BatchNormalization: only the last axis is provided, got axis={self.axis}")
        self.norm = layers.BatchNormalization(input_shape[-1], momentum=self.momentum, epsilon=self.epsilon,
                                              name=self.name, dtype=FLOATX)
        self.params = list(self.norm.params)

    def apply(self, x, mask, training):
        out, updates = self.norm(x, deterministic=not training)
        return out, updates if training else OrderedDict()
