"""Keras 1's activations by name, on PyTensor tensors (the last axis is the softmax's)."""
import pytensor.tensor as pt

from symrnn.errors import ConfigError
from symrnn.keras.missing import missing_names
from symrnn.nn.cells import ACTIVATIONS


def softmax(x):
    return pt.special.softmax(x, axis=-1)


def softplus(x):
    return pt.softplus(x)


def softsign(x):
    return x / (1 + abs(x))


ACTIVATION_FUNCTIONS = {**ACTIVATIONS, "softmax": softmax, "softplus": softplus, "softsign": softsign}


def get(name):
    """The function Keras 1 calls ``name`` (None is 'linear'); a callable is returned as it is."""
    if callable(name):
        return name
    try:
        return ACTIVATION_FUNCTIONS[name or "linear"]
    except KeyError:
        raise ConfigError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATION_FUNCTIONS)}") from None


def activate(name, z):
    """``get(name)(z)``; a softmax's output remembers its logits ``z`` (``tag.keras_logits``), so that
    the cross-entropy is computed from them (``log_softmax``: finite where the probabilities underflow)."""
    out = get(name)(z)
    if name == "softmax":
        out.tag.keras_logits = z
    return out


__getattr__ = missing_names("keras.activations")
