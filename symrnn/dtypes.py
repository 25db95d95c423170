"""Dtypes: float32 for training, float64 for gradient checks, and constants that keep a dtype.

Every symrnn object takes its dtype explicitly instead of reading ``pytensor.config.floatX``.
A Python float or a float64 NumPy constant in a float32 graph makes PyTensor compute in float64
(and a float32 weight updated by it would change type); ``as_dtype`` casts such a constant first.
"""
import pytensor.tensor as pt

from symrnn.errors import DtypeError

TRAIN_DTYPE = "float32"
CHECK_DTYPE = "float64"


def as_dtype(value, dtype):
    """``value`` (Python number or symbolic scalar) as a tensor of ``dtype``, so it cannot upcast."""
    return pt.cast(pt.as_tensor_variable(value), dtype)


def checked_updates(updates):
    """Return ``updates`` (``{shared: new value}``) after checking that each new value keeps its
    variable's dtype and rank: a float64 constant would otherwise upcast a float32 weight, and the
    compile would fail far from the cause."""
    for var, new in updates.items():
        if new.dtype != var.dtype or new.ndim != var.ndim:
            raise DtypeError(f"update of {var.name!r} would change it from {var.dtype}/{var.ndim}-d "
                             f"to {new.dtype}/{new.ndim}-d; cast constants to {var.dtype}")
    return updates
