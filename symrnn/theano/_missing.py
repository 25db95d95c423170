"""The error symrnn.theano raises for a Theano API it does not provide, and the import hook.

Every compat module ends with ``__getattr__ = missing_names("theano....", pytensor_module)``,
so an unknown name fails at the user's line with a message naming the Theano API and what to
use instead. :class:`MissingModuleFinder`, the last entry of ``sys.meta_path``, gives every
import form the same one-line error: ``import symrnn.theano.x``, ``from symrnn.theano.x import
y`` and ``from symrnn.theano import x`` for a module ``x`` that does not exist.
"""

import importlib.abc
import sys

_GPU = (
    "PyTensor has no CUDA backend; it compiles to C or Numba on the CPU, or to JAX/PyTorch with "
    "function(..., mode='JAX') or mode='PYTORCH'; delete the GPU lines"
)
_NO_CNN = "PyTensor has no CNN ops; pytensor.tensor.signal.convolve2d is a scipy-style single-channel convolution"

# Theano name (last dotted part) -> what to use instead.
_INSTEAD = {
    "cuda": _GPU,
    "gpuarray": _GPU,
    "dnn": _GPU,
    "signal": "PyTensor has no pooling layers; pytensor.tensor.signal holds convolve1d/convolve2d only",
    "pool": "PyTensor has no pooling layers",
    "pool_2d": "PyTensor has no pooling layers",
    "conv2d": _NO_CNN,
    "conv": _NO_CNN,
    "conv3d": _NO_CNN,
    "logsoftmax": "use pytensor.tensor.special.log_softmax(x, axis=-1)",
    "ultra_fast_sigmoid": "use nnet.sigmoid (exact)",
    "scan_utils": "use pytensor.scan.utils",
    "lib": "a no-op for PyTensor (GPU memory settings); delete the line",
    "normal(truncate=True)": "draw normal() without truncate (Theano's truncation redrew beyond 2 std)",
    "unbroadcast": (
        "a PyTensor type cannot forget a length-1 dimension; create the variable without it "
        "(e.g. T.matrix instead of T.row)"
    ),
}


class NotProvided(NotImplementedError):
    """A Theano API that symrnn.theano does not provide; the message says what to use instead."""


class NotProvidedAttribute(NotProvided, AttributeError):
    """Raised on attribute access, so ``hasattr()`` and ``getattr(m, name, default)`` see a miss."""


class NotProvidedModule(NotProvided, ImportError):
    """Raised on importing a Theano submodule: ``except ImportError`` fallbacks keep working."""


def not_provided(api, pytensor_module=None, module=False):
    """The error for Theano's ``api`` (a dotted name such as ``"theano.tensor.nnet.conv2d"``)."""
    name = api.rpartition(".")[2]
    if name in _INSTEAD:
        hint = _INSTEAD[name]
    elif pytensor_module is not None and hasattr(pytensor_module, name):
        hint = (
            f"{pytensor_module.__name__}.{name} exists but is not checked against Theano's "
            "semantics; import it from PyTensor directly"
        )
    else:
        hint = "no replacement; docs/theano.md lists what symrnn.theano provides"
    error = NotProvidedModule if module else NotProvidedAttribute
    return error(f"symrnn.theano: {api} is not provided; {hint}")


def missing_names(theano_module, pytensor_module=None):
    """A module ``__getattr__`` (PEP 562) raising :func:`not_provided` for unknown public names."""

    def __getattr__(name):
        if name.startswith("_"):  # dunder and private probes (pickle, IPython, pytest): plain miss
            raise AttributeError(f"module 'symrnn.{theano_module}' has no attribute {name!r}")
        raise not_provided(f"{theano_module}.{name}", pytensor_module)

    return __getattr__


class MissingModuleFinder(importlib.abc.MetaPathFinder):
    """Turns "no module named symrnn.theano.x.y" into the :func:`not_provided` error for ``y``.

    It runs after the regular finders, so only names that are no module reach it. The hint is
    the one the parent module's ``__getattr__`` gives for the same name. Every compat module has
    ``__path__ = []``, so the import system treats it as a package and asks this finder about
    ``module.name`` (also what ``from module import name`` does for a name it lacks).
    """

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("symrnn.theano."):
            return None
        parent_name, _, name = fullname.rpartition(".")
        parent = sys.modules.get(parent_name)
        if parent is None:
            return None
        api = "theano." + fullname.removeprefix("symrnn.theano.")
        try:
            getattr(parent, name)
        except NotProvided as error:
            raise NotProvidedModule(str(error)) from None
        except AttributeError:
            raise not_provided(api, module=True) from None
        raise NotProvidedModule(f"symrnn.theano: {api} is no module here; use `from {parent_name} import {name}`")


def install_import_hook():
    """Put :class:`MissingModuleFinder` last on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, MissingModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(MissingModuleFinder())
