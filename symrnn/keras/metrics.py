"""Keras 1's metrics (``keras.metrics``), per sample: the accuracies, and the losses under their names."""
import pytensor.tensor as pt

from symrnn.keras.missing import missing_names
from symrnn.keras.objectives import (
    binary_crossentropy,
    categorical_crossentropy,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
)

__all__ = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "mean_squared_error",
           "mean_absolute_error", "for_loss"]


def binary_accuracy(y_true, y_pred):
    return pt.eq(y_true, pt.round(y_pred)).mean(axis=-1)


def categorical_accuracy(y_true, y_pred):
    return pt.eq(pt.argmax(y_true, axis=-1), pt.argmax(y_pred, axis=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    return pt.eq(y_true, pt.argmax(y_pred, axis=-1))


def for_loss(name, loss):
    """The function of metric ``name`` for an output trained with ``loss``: 'accuracy'/'acc' is
    Keras 1's accuracy for that loss."""
    if name in ("accuracy", "acc"):
        if loss == "sparse_categorical_crossentropy":
            return sparse_categorical_accuracy
        return binary_accuracy if loss == "binary_crossentropy" else categorical_accuracy
    if callable(name):
        return name
    return globals()[name] if name in __all__ else None


__getattr__ = missing_names("keras.metrics")
