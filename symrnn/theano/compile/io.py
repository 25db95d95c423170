"""``theano.In``/``theano.Param`` (inputs with default values) and ``theano.Out``.

PyTensor 3 refuses inputs with a default ``value``; here the default is recorded, and
:func:`symrnn.theano.function` fills it in when a call leaves the argument out, as Theano did.
"""

import pytensor
from pytensor import Out

from symrnn.theano._missing import missing_names

__all__ = ["In", "Out", "Param"]


class In:
    """``theano.In(variable, name=None, value=None, ...)``: a function input; ``value`` is its default."""

    def __init__(self, variable, name=None, value=None, strict=False, allow_downcast=None, borrow=False):
        self.variable = variable
        self.name = name if name is not None else variable.name
        self.value = value
        self.strict, self.allow_downcast, self.borrow = strict, allow_downcast, borrow

    def to_pytensor(self):
        """PyTensor's ``In`` for the same input, without the default."""
        return pytensor.In(self.variable, name=self.name, strict=self.strict, allow_downcast=self.allow_downcast,
                           borrow=self.borrow)


def Param(variable, default=None, name=None, strict=False, allow_downcast=None):
    """``theano.Param(variable, default=...)``: Theano's older spelling of ``In(variable, value=...)``."""
    return In(variable, name=name, value=default, strict=strict, allow_downcast=allow_downcast)


__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.compile.io", pytensor.compile.io)
