"""``theano.ifelse``: PyTensor's ``ifelse``, which keeps Theano's lazy semantics."""

import pytensor.ifelse
from pytensor.ifelse import IfElse, ifelse

from symrnn.theano._missing import missing_names

__all__ = ["IfElse", "ifelse"]

__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.ifelse", pytensor.ifelse)
