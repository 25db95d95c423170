"""Optimisers as update-dict builders, in the lesson's style.

Each builder takes the gradients, the ``shared`` parameters and hyper-parameters, and returns an
``OrderedDict`` ``{shared_variable: new_value_expression}`` ready for
``pytensor.function(..., updates=upd_dict)``. Every new value is checked to keep its variable's
dtype: a Python float or a float64 learning rate would otherwise upcast a float32 weight and the
compile would fail far from the cause.
"""
from collections import OrderedDict

import pytensor.tensor as pt

from symrnn.errors import ShapeError


def as_dtype(value, dtype):
    """``value`` (Python number or symbolic scalar) as a tensor of ``dtype``, so it cannot upcast."""
    return pt.cast(pt.as_tensor_variable(value), dtype)


def checked(updates):
    """Return ``updates`` after checking each new value has its variable's dtype and rank."""
    for var, new in updates.items():
        if new.dtype != var.dtype or new.ndim != var.ndim:
            raise ShapeError(f"update of {var.name!r} would change it from {var.dtype}/{var.ndim}-d "
                             f"to {new.dtype}/{new.ndim}-d; cast constants to {var.dtype}")
    return updates


def sgd(grads, params, learning_rate):
    """Plain SGD, the lesson's ``upd_dict``: ``w ← w - g · lr`` for every parameter."""
    upd_dict = OrderedDict((w, w - g * as_dtype(learning_rate, w.dtype)) for w, g in zip(params, grads))
    return checked(upd_dict)
