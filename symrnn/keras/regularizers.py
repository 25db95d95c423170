"""Keras 1's weight regularisers: a penalty on a weight added to the training loss."""
import pytensor.tensor as pt

from symrnn.keras.missing import missing_names, not_provided_function


class WeightRegularizer:
    """``l1·Σ|W| + l2·ΣW²``, added to the loss of every model the layer is in."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, w):
        penalty = pt.zeros((), dtype=w.dtype)
        if self.l1:
            penalty += pt.cast(self.l1, w.dtype) * abs(w).sum()
        if self.l2:
            penalty += pt.cast(self.l2, w.dtype) * (w ** 2).sum()
        return penalty


def l1(l=0.01):  # noqa: E741 - Keras' argument name
    return WeightRegularizer(l1=l)


def l2(l=0.01):  # noqa: E741
    return WeightRegularizer(l2=l)


def l1l2(l1=0.01, l2=0.01):
    return WeightRegularizer(l1=l1, l2=l2)


_ACTIVITY = "activity regularisers; regularise the weights (W_regularizer=l2(...)) or add a penalty to the loss"
activity_l1 = not_provided_function("keras.regularizers.activity_l1", _ACTIVITY)
activity_l2 = not_provided_function("keras.regularizers.activity_l2", _ACTIVITY)
activity_l1l2 = not_provided_function("keras.regularizers.activity_l1l2", _ACTIVITY)


__getattr__ = missing_names("keras.regularizers")
