"""``theano.printing``: PyTensor's graph printers (``pydotprint`` needs the ``pydot`` package)."""

import pytensor.printing
from pytensor.printing import Print, debugprint, pp, pydotprint

from symrnn.theano._missing import missing_names

__all__ = ["Print", "debugprint", "pp", "pydotprint"]

__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.printing", pytensor.printing)
