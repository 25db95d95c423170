"""Dtypes: float32 for training, float64 for gradient checks, and constants that keep a dtype.

Every symrnn object takes its dtype explicitly instead of reading ``pytensor.config.floatX``.
A Python float or a float64 NumPy constant in a float32 graph makes PyTensor compute in float64
(and a float32 weight updated by it would change type); ``as_dtype`` casts such a constant first.
"""
import pytensor.tensor as pt

TRAIN_DTYPE = "float32"
CHECK_DTYPE = "float64"


def as_dtype(value, dtype):
    """``value`` (Python number or symbolic scalar) as a tensor of ``dtype``, so it cannot upcast."""
    return pt.cast(pt.as_tensor_variable(value), dtype)
