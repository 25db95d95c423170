"""``theano.compile.mode``: PyTensor's ``Mode`` takes Theano's ``linker=``/``optimizer=`` names.

``Mode(linker='py', optimizer='fast_compile')``, ``'cvm'``, ``'c|py'``, ``optimizer='fast_run'``
or ``None`` work as in Theano; ``get_mode('FAST_COMPILE')`` and ``'FAST_RUN'`` name PyTensor's
modes (its default ``FAST_RUN`` compiles with Numba).
"""

import pytensor.compile.mode
from pytensor.compile.mode import Mode, get_default_mode, get_mode, predefined_modes

from symrnn.theano._missing import missing_names

__all__ = ["Mode", "get_default_mode", "get_mode", "predefined_modes"]

__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.compile.mode", pytensor.compile.mode)
