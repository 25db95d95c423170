"""Theano-era code on PyTensor with only the imports changed.

    import symrnn.theano as theano
    from symrnn.theano import shared, tensor as T
    from symrnn.theano.tensor import nnet

A thin layer: every name forwards to PyTensor, except where Theano's semantics differ:

========================  =============================  ====================================
Theano                    PyTensor                       difference kept from Theano
========================  =============================  ====================================
scan(...)                 scan(..., return_updates=...)  always the pair ``(outputs,
map, reduce, foldl, foldr                                updates)``; random draws follow
                                                         Theano inside the loop
                                                         (:mod:`.scan_module`)
function(..., mode=None)  function(..., mode=None)       ``mode=None`` means ``$SYMRNN_MODE``
                                                         when set; ``In``/``Param`` defaults
In(x, value=v),           In (no defaults in 3.x)        defaults filled in by ``function``
Param(x, default=v)                                      (:mod:`.compile.io`)
Op                        graph.op.Op                    Theano's ``grad``/``R_op``/
                                                         ``infer_shape`` (:mod:`.gof`)
config                    config                         no-op ``warn.*``,
                                                         ``compute_test_value``; ``device``
                                                         reads ``"cpu"`` (:mod:`._config`)
RandomStreams,            (removed)                      :mod:`._random`
MRG_RandomStreams
========================  =============================  ====================================

Unsupported APIs (``conv2d``, pooling, ``sandbox.cuda``, ...) raise :class:`NotProvided` saying
what to use, at any import form: the import hook of :mod:`._missing` covers ``import`` and
``from ... import`` of modules and names that do not exist. docs/theano.md lists it all.
"""

import pytensor
from pytensor import shared
from pytensor.graph.replace import clone_replace as clone
from pytensor.tensor import dot

from symrnn.theano import compile, gof, gradient, ifelse, printing, sandbox, scan_module, tensor
from symrnn.theano._config import config
from symrnn.theano._missing import NotProvided, install_import_hook, missing_names
from symrnn.theano.compile import In, Mode, Out, Param, function
from symrnn.theano.gof import Apply, Constant, Op, Variable
from symrnn.theano.gradient import grad
from symrnn.theano.scan_module import foldl, foldr, map, reduce, scan

__all__ = [
    "Apply",
    "Constant",
    "In",
    "Mode",
    "NotProvided",
    "Op",
    "Out",
    "Param",
    "Variable",
    "clone",
    "compile",
    "config",
    "dot",
    "foldl",
    "foldr",
    "function",
    "gof",
    "grad",
    "gradient",
    "ifelse",
    "map",
    "printing",
    "reduce",
    "sandbox",
    "scan",
    "scan_module",
    "shared",
    "tensor",
]

install_import_hook()

__getattr__ = missing_names("theano", pytensor)
