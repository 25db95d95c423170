"""``theano.function``: PyTensor's, plus Theano's inputs with default values and ``$SYMRNN_MODE``."""

import os

import pytensor

from symrnn.theano._missing import missing_names
from symrnn.theano.compile.io import In

__all__ = ["function"]


def function(inputs, outputs=None, mode=None, *args, **kwargs):
    """``theano.function``: same arguments (``updates`` as a dict or list of pairs, ``givens``,
    ``allow_input_downcast``, ``no_default_updates`` ...).

    ``mode=None`` means ``$SYMRNN_MODE`` when that is set. Inputs given as ``In(x, value=v)`` or
    ``Param(x, default=v)`` may be left out of a call, which then uses ``v``.
    """
    if mode is None:
        mode = os.environ.get("SYMRNN_MODE") or None
    inputs = list(inputs)
    names = [getattr(i, "name", None) for i in inputs]
    defaults = [i.value if isinstance(i, In) else None for i in inputs]
    inputs = [i.to_pytensor() if isinstance(i, In) else i for i in inputs]
    compiled = pytensor.function(inputs, outputs, mode, *args, **kwargs)
    if all(value is None for value in defaults):
        return compiled
    return FunctionWithDefaults(compiled, names, defaults)


class FunctionWithDefaults:
    """A compiled function whose inputs may have defaults; other attributes are the function's."""

    def __init__(self, compiled, names, defaults):
        self.compiled, self.names, self.defaults = compiled, names, defaults

    def __call__(self, *args, **kwargs):
        if len(args) > len(self.defaults):
            raise TypeError(f"function takes {len(self.defaults)} arguments, {len(args)} given")
        values = list(args)
        for name, default in zip(self.names[len(args):], self.defaults[len(args):]):
            if name is not None and name in kwargs:
                values.append(kwargs.pop(name))
            elif default is not None:
                values.append(default)
            else:
                raise TypeError(f"missing argument {name or len(values)!r}, which has no default")
        if kwargs:
            raise TypeError(f"unknown arguments {sorted(kwargs)}")
        return self.compiled(*values)

    def __getattr__(self, name):
        if name == "compiled":  # not set yet (copy, pickle): a plain miss, not a recursion
            raise AttributeError(name)
        return getattr(self.compiled, name)


__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.compile.function_module")
