"""``theano.compile``: ``function``, ``In``/``Param``/``Out``, ``Mode`` and ``as_op``."""

import pytensor.compile

from symrnn.theano._missing import missing_names
from symrnn.theano.compile import io, mode, ops
from symrnn.theano.compile.function_module import function
from symrnn.theano.compile.io import In, Out, Param
from symrnn.theano.compile.mode import Mode, get_default_mode, get_mode
from symrnn.theano.compile.ops import as_op

__all__ = ["In", "Mode", "Out", "Param", "as_op", "function", "get_default_mode", "get_mode", "io", "mode", "ops"]

__getattr__ = missing_names("theano.compile", pytensor.compile)
