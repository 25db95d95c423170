"""Keras 1's losses (``keras.objectives``), per sample and step: ``loss(y_true, y_pred)`` → (N, …).

A cross-entropy on a softmax's output is computed from the softmax's logits (``log_softmax``,
``symrnn.nn.losses``), exact where Keras 1 clipped the probabilities to [1e-7, 1 − 1e-7]; on any
other output Keras 1's way: normalised, clipped, then the log.
"""
import pytensor.tensor as pt

from symrnn.errors import ConfigError
from symrnn.keras.missing import missing_names
from symrnn.nn import losses

EPSILON = 1e-7


def _clipped(y_pred):
    y_pred = y_pred / y_pred.sum(axis=-1, keepdims=True)
    return pt.clip(y_pred, EPSILON, 1 - EPSILON)


def categorical_crossentropy(y_true, y_pred):
    """One-hot (or soft) targets (…, V)."""
    logits = getattr(y_pred.tag, "keras_logits", None)
    if logits is not None:
        return losses.categorical_crossentropy(logits, y_true)
    return -(y_true * pt.log(_clipped(y_pred))).sum(axis=-1)


def sparse_categorical_crossentropy(y_true, y_pred):
    """Integer targets (…), one fewer axis than the predictions."""
    logits = getattr(y_pred.tag, "keras_logits", None)
    if logits is not None:
        return losses.sparse_categorical_crossentropy(logits, y_true)
    return -losses.picked(pt.log(_clipped(y_pred)), y_true)


def binary_crossentropy(y_true, y_pred):
    p = pt.clip(y_pred, EPSILON, 1 - EPSILON)
    return -(y_true * pt.log(p) + (1 - y_true) * pt.log(1 - p)).mean(axis=-1)


def mean_squared_error(y_true, y_pred):
    return ((y_pred - y_true) ** 2).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    return abs(y_pred - y_true).mean(axis=-1)


LOSSES = {
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "binary_crossentropy": binary_crossentropy,
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
}


def get(name):
    """The loss Keras 1 calls ``name``; a callable ``(y_true, y_pred)`` is returned as it is."""
    if callable(name):
        return name
    try:
        return LOSSES[name]
    except KeyError:
        raise ConfigError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}") from None


def is_sparse(loss):
    return get(loss) is sparse_categorical_crossentropy


__getattr__ = missing_names("keras.objectives")
