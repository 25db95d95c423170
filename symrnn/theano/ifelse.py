"""``theano.ifelse``: PyTensor's ``ifelse``, which keeps Theano's lazy semantics."""

import importlib

from symrnn.theano._missing import missing_names

try:  # PyTensor >= 3.3 moved it
    pytensor_ifelse = importlib.import_module("pytensor.conditional.op")
except ImportError:
    pytensor_ifelse = importlib.import_module("pytensor.ifelse")

IfElse, ifelse = pytensor_ifelse.IfElse, pytensor_ifelse.ifelse

__all__ = ["IfElse", "ifelse"]

__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.ifelse", pytensor_ifelse)
