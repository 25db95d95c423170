"""``theano.ifelse``: PyTensor's ``ifelse``, which keeps Theano's lazy semantics."""

from symrnn.theano._missing import missing_names

try:  # PyTensor >= 3.3 moved it
    import pytensor.conditional.op as pytensor_ifelse
except ImportError:
    import pytensor.ifelse as pytensor_ifelse

IfElse, ifelse = pytensor_ifelse.IfElse, pytensor_ifelse.ifelse

__all__ = ["IfElse", "ifelse"]

__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.ifelse", pytensor_ifelse)
