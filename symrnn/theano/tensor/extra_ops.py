"""``theano.tensor.extra_ops``: PyTensor's functions of the same names and semantics."""

import pytensor.tensor.extra_ops
from pytensor.tensor.extra_ops import (
    bartlett,
    bincount,
    compress,
    cumprod,
    cumsum,
    diff,
    fill_diagonal,
    fill_diagonal_offset,
    ravel_multi_index,
    repeat,
    searchsorted,
    squeeze,
    to_one_hot,
    unique,
    unravel_index,
)

from symrnn.theano._missing import missing_names

__all__ = [
    "bartlett",
    "bincount",
    "compress",
    "cumprod",
    "cumsum",
    "diff",
    "fill_diagonal",
    "fill_diagonal_offset",
    "ravel_multi_index",
    "repeat",
    "searchsorted",
    "squeeze",
    "to_one_hot",
    "unique",
    "unravel_index",
]

__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.tensor.extra_ops", pytensor.tensor.extra_ops)
