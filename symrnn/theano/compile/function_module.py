"""``theano.function``: PyTensor's, plus Theano's inputs with default values and ``$SYMRNN_MODE``.

With ``mode='JAX'`` the function is compiled per shape of its arguments at call time
(``symrnn.backends.jax_backend.ShapeSpecialised``), as symrnn's trainer does: XLA needs every shape
known, and a Theano graph (a scan over a sequence of any length) gives none.
"""

import functools
import os
from collections import OrderedDict

import numpy as np
import pytensor
from pytensor.compile.mode import get_mode
from pytensor.graph.replace import clone_replace

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
    if _is_jax(mode) and not args:
        compiled = PerShapeFunction(inputs, outputs, mode, **kwargs)
    else:
        compiled = pytensor.function(inputs, outputs, mode, *args, **kwargs)
    if all(value is None for value in defaults):
        return compiled
    return FunctionWithDefaults(compiled, names, defaults)


def _is_jax(mode):
    from symrnn.backends.jax_backend import is_jax

    try:
        return mode is not None and is_jax(get_mode(mode))
    except (ValueError, TypeError):
        return False


class PerShapeFunction:
    """``theano.function`` for JAX: one XLA compile per shape of the arguments, on a copy of the graph
    with inputs of those shapes. ``updates`` and ``givens`` as in ``pytensor.function``;
    ``allow_input_downcast`` casts arguments to the inputs' dtypes (None: only Python floats)."""

    def __init__(self, inputs, outputs, mode, updates=None, givens=None, allow_input_downcast=None,
                 on_unused_input="raise", name=None, no_default_updates=False):
        from symrnn.backends.jax_backend import ShapeSpecialised, static_graph

        updates = OrderedDict(updates or {})
        if givens:
            single = not isinstance(outputs, list | tuple)
            rebuilt = clone_replace([*([outputs] if single else outputs), *updates.values()], replace=dict(givens))
            n_out = 1 if single else len(outputs)
            outputs = rebuilt[0] if single else rebuilt[:n_out]
            updates = OrderedDict(zip(updates, rebuilt[n_out:]))
        self.inputs, self.allow_input_downcast = inputs, allow_input_downcast
        build = functools.partial(static_graph, inputs, outputs, updates)
        self.compiled = ShapeSpecialised(build, name=name or "theano function", mode=get_mode(mode),
                                         show_progress=False, on_unused_input=on_unused_input)

    def __call__(self, *args):
        if len(args) != len(self.inputs):
            raise TypeError(f"function takes {len(self.inputs)} arguments, {len(args)} given")
        return self.compiled(*[self._cast(x, a) for x, a in zip(self.inputs, args)])

    def _cast(self, variable, value):
        array = np.asarray(value)
        if array.dtype == variable.dtype:
            return array
        if (self.allow_input_downcast or np.can_cast(array.dtype, variable.dtype)
                or (self.allow_input_downcast is None and isinstance(value, float))):
            return array.astype(variable.dtype)
        raise TypeError(f"input {variable.name or ''} is {variable.dtype}, got {array.dtype}: cast it, or compile "
                        f"with allow_input_downcast=True")


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
