"""Theano-era code on PyTensor with only the imports changed.

    import symrnn.theano as theano
    from symrnn.theano import shared, tensor as T
    from symrnn.theano.tensor import nnet

A thin layer: every name forwards to PyTensor, except where Theano's semantics differ:

========================  =============================  ====================================
Theano                    PyTensor                       difference kept from Theano
========================  =============================  ====================================
scan(...)                 scan(..., return_updates=...)  always the pair ``(outputs,
                                                         updates)``; ``updates`` is an
                                                         OrderedDict, empty unless the step
                                                         draws random numbers
function(..., mode=None)  function(..., mode=None)       ``mode=None`` means ``$SYMRNN_MODE``
                                                         when that is set
config.device             (removed)                      reads ``"cpu"``; other values raise
========================  =============================  ====================================

See :mod:`symrnn.theano.tensor` and :mod:`symrnn.theano.tensor.nnet.nnet` for the rest, and
docs/theano.md for porting a notebook. Unsupported APIs (``theano.sandbox``, ``conv2d``,
``shared_randomstreams``, ...) raise :class:`symrnn.theano.NotProvided` saying what to use.
"""

import inspect
import os
import warnings
from collections import OrderedDict

import pytensor
from pytensor import In, Out, shared

from symrnn.theano import gradient, tensor
from symrnn.theano._config import config
from symrnn.theano._missing import NotProvided, missing_names
from symrnn.theano.gradient import grad

__all__ = [
    "In",
    "NotProvided",
    "Out",
    "config",
    "function",
    "grad",
    "gradient",
    "scan",
    "shared",
    "tensor",
]

_SCAN_TAKES_RETURN_UPDATES = "return_updates" in inspect.signature(pytensor.scan).parameters


def function(inputs, outputs=None, mode=None, *args, **kwargs):
    """``theano.function``: same arguments (``updates`` as a dict or list of pairs, ``givens``,
    ``allow_input_downcast`` ...); ``mode=None`` means ``$SYMRNN_MODE`` when that is set."""
    if mode is None:
        mode = os.environ.get("SYMRNN_MODE") or None
    return pytensor.function(inputs, outputs, mode, *args, **kwargs)


def scan(fn, *args, **kwargs):
    """``theano.scan``: returns Theano's ``(outputs, updates)`` pair on every PyTensor version.

    ``updates`` holds the random-state updates of a step that draws random numbers (pass it
    to ``function(updates=...)``), and is empty otherwise.
    """
    if _SCAN_TAKES_RETURN_UPDATES:  # PyTensor >= 2.36
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Scan return signature", DeprecationWarning)
            result = pytensor.scan(fn, *args, return_updates=True, **kwargs)
    else:  # older PyTensor returns the pair; one without scan updates returns outputs alone
        result = pytensor.scan(fn, *args, **kwargs)
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict):
        outputs, updates = result
    else:
        outputs, updates = result, {}
    return outputs, OrderedDict(updates)


__getattr__ = missing_names("theano", pytensor)
