"""``theano.scan`` and its relatives, returning Theano's ``(outputs, updates)`` pair.

``scan`` keeps Theano's semantics for random draws (see :mod:`symrnn.theano._random`): a draw
made in the step, or made outside it and used without being passed in ``non_sequences``, is new
at every step. ``updates`` (an ``OrderedDict``) holds the random generators' final states and
any updates the step returns; pass it to ``function(updates=...)``.
"""

import importlib
import inspect
import warnings
from collections import OrderedDict

import pytensor
from pytensor.scan.utils import until

from symrnn.theano._missing import missing_names
from symrnn.theano._random import redraw_closed_over, stream_rngs

__all__ = ["foldl", "foldr", "map", "reduce", "scan", "until"]

_SCAN_TAKES_RETURN_UPDATES = "return_updates" in inspect.signature(pytensor.scan).parameters


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, *args, **kwargs):
    """``theano.scan``: the ``(outputs, updates)`` pair on every PyTensor version."""
    outer_rngs = stream_rngs()
    scan_inputs = [sequences, outputs_info, non_sequences]

    def step(*inner):
        return redraw_closed_over(fn(*inner), outer_rngs, scan_inputs)

    with warnings.catch_warnings():
        # PyTensor >= 2.36 deprecates the pair and default updates; both are Theano's API.
        warnings.filterwarnings("ignore", "Scan return signature", DeprecationWarning)
        warnings.filterwarnings("ignore", "Setting default_update is deprecated", DeprecationWarning)
        if _SCAN_TAKES_RETURN_UPDATES:
            kwargs["return_updates"] = True
        result = pytensor.scan(step, sequences, outputs_info, non_sequences, *args, **kwargs)
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict):
        outputs, updates = result
    else:  # older PyTensor returns outputs alone when there are no updates
        outputs, updates = result, {}
    return outputs, OrderedDict(updates)


def map(fn, sequences, non_sequences=None, truncate_gradient=-1, go_backwards=False, mode=None, name=None):
    """``theano.map``: ``fn`` applied to each step of ``sequences``; ``(outputs, updates)``."""
    return scan(fn, sequences, None, non_sequences, truncate_gradient=truncate_gradient,
                go_backwards=go_backwards, mode=mode, name=name)


def reduce(fn, sequences, outputs_info, non_sequences=None, go_backwards=False, mode=None, name=None):
    """``theano.reduce``: the last value of each output of a scan, and the updates."""
    outputs, updates = scan(fn, sequences, outputs_info, non_sequences, go_backwards=go_backwards,
                            mode=mode, name=name)
    if isinstance(outputs, list | tuple):
        return [out[-1] for out in outputs], updates
    return outputs[-1], updates


def foldl(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """``theano.foldl``: :func:`reduce` from the first step to the last."""
    return reduce(fn, sequences, outputs_info, non_sequences, go_backwards=False, mode=mode, name=name)


def foldr(fn, sequences, outputs_info, non_sequences=None, mode=None, name=None):
    """``theano.foldr``: :func:`reduce` from the last step to the first."""
    return reduce(fn, sequences, outputs_info, non_sequences, go_backwards=True, mode=mode, name=name)


__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.scan_module", importlib.import_module("pytensor.scan"))
