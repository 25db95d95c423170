"""Where graphs become callables: the one place symrnn calls ``pytensor.function``.

This is the backend seam. ``CompiledFunction`` compiles a graph for the mode asked for, and
``compiles_per_shape`` says whether that mode compiles one function per shape of the arguments;
the trainer hands over builders for both kinds (``CompiledFunction.from_builders``) and names no
backend.

- "JAX" (the default, ``symrnn.backends.jax_backend``): XLA compiles a training function in
  seconds, once per shape, and trains the batched models fastest; compiled functions are kept
  across runs (``symrnn.backends.function_cache``).
- "NUMBA", PyTensor's own default: fastest on the lesson's tiny windows once compiled, but its
  first compile of a training function takes tens of seconds on a cold cache (kept in
  ``~/.pytensor``). A Numba mode computes float32 ``tanh`` through ``exp``
  (``symrnn.backends.fast_tanh``), or with ``SYMRNN_VECTOR_MATH=1`` tanh and sigmoid with
  ``symrnn.backends.vector_math``: faster to run, slower to compile.
- ``QUICK_MODE`` ("FAST_COMPILE", the Python linker) compiles in about a second: for functions
  that run a handful of times (pages, traces, gradient checks) and for the test suite.

Override the default with the environment variable ``SYMRNN_MODE`` or the ``mode=`` argument.
How fast each is: docs/performance.md.
"""
import functools
import logging
import os
import warnings

import pytensor
from pytensor.compile.mode import get_mode, predefined_modes
from pytensor.link.numba.linker import NumbaLinker

from symrnn.backends import dispatch, jax_backend, vector_math, xla_options
from symrnn.backends.fast_tanh import FAST_TANH
from symrnn.errors import ConfigError
from symrnn.progress import Ticker
from symrnn.rewrites import UNUSED_REWRITES
from symrnn.validate import environment_choice

# pip builds of PyTensor find no BLAS for the C linker and say so at every import; symrnn uses
# the Numba linker for speed, so the advice is noise to our users.
warnings.filterwarnings("ignore", message=".*BLAS.*")
logging.getLogger("pytensor.tensor.blas").setLevel(logging.ERROR)


QUICK_MODE = "FAST_COMPILE"


def default_mode():
    """The PyTensor mode name symrnn compiles with: ``$SYMRNN_MODE`` or ``"JAX"``."""
    return os.environ.get("SYMRNN_MODE", "JAX")


def compile_mode(name):
    """The PyTensor mode called ``name``, without ``UNUSED_REWRITES``; a JAX mode compiles with
    ``symrnn.backends.xla_options`` and runs as ``symrnn.backends.dispatch`` was asked; a Numba mode
    also runs ``symrnn.backends.fast_tanh``, or with ``$SYMRNN_VECTOR_MATH`` = 1
    ``symrnn.backends.vector_math``."""
    try:
        mode = get_mode(name).excluding(*UNUSED_REWRITES)
    except ValueError:
        choices = ", ".join([*sorted(predefined_modes), "FAST_RUN"])
        raise ConfigError(f"unknown PyTensor mode {name!r} (--mode or SYMRNN_MODE); choose one of {choices}") from None
    if jax_backend.is_jax(mode):
        dispatch.apply_request()
        return xla_options.with_options(mode)
    if not isinstance(mode.linker, NumbaLinker):
        return mode
    if environment_choice("SYMRNN_VECTOR_MATH", ("0", "1")) == "1":
        vector_math.let_llvm_inline_fused_loops()
        return mode.including(vector_math.VECTOR_MATH)
    return mode.including(FAST_TANH)


def compiles_per_shape(mode=None):
    """Whether the mode called ``mode`` (None: ``default_mode()``) compiles one function per shape of
    the arguments (JAX), rather than one for every shape."""
    return jax_backend.is_jax(compile_mode(mode or default_mode()))


class CompiledFunction:
    """A compiled ``pytensor.function`` whose compile *and first call* show a progress ticker.

    The Numba backend compiles lazily at the first call, so both count as start-up;
    ``compile_seconds`` adds them up. With JAX the function is compiled for each shape of its
    arguments (``symrnn.backends.jax_backend.ShapeSpecialised``) on the graph ``build(arguments)`` returns,
    ``(inputs, outputs, updates)`` for arguments of those shapes; without ``build``, on a copy of
    the graph given with inputs of those shapes (``symrnn.backends.jax_backend.static_graph``).
    ``data_parallel`` and ``batch_axes`` (JAX only): split each call over devices
    (``symrnn.backends.data_parallel``).
    """

    def __init__(self, inputs, outputs, updates=None, *, name, mode=None, show_progress=True, build=None,
                 data_parallel=None, batch_axes=None):
        self.name, self.mode = name, mode or default_mode()
        self.show_progress = show_progress
        self.called = False
        mode = compile_mode(self.mode)
        if jax_backend.is_jax(mode):
            build = build or functools.partial(jax_backend.static_graph, inputs, outputs, updates)
            self.fn = jax_backend.ShapeSpecialised(build, name=name, mode=mode, show_progress=show_progress,
                                                   data_parallel=data_parallel, batch_axes=batch_axes)
            self.compile_seconds = 0.0
            return
        if data_parallel:
            raise ConfigError(f"training over several devices needs the JAX backend, not {self.mode}")
        with Ticker(f"compiling {name} function [{self.mode}]", enabled=show_progress) as ticker:
            self.fn = pytensor.function(inputs, outputs, updates=updates, mode=mode, name=name)
        self.compile_seconds = ticker.seconds

    @classmethod
    def from_builders(cls, any_shape, fixed_shape, *, name, mode=None, show_progress=True, **sharding):
        """A ``CompiledFunction`` of the graph ``any_shape() -> (inputs, outputs, updates)``, or with JAX
        of ``fixed_shape(arrays)`` per shape (``build``): ``any_shape`` is then never called, so a
        graph JAX would not compile is not built either. ``sharding``: ``data_parallel``, ``batch_axes``."""
        if compiles_per_shape(mode):
            return cls(None, None, name=name, mode=mode, show_progress=show_progress, build=fixed_shape, **sharding)
        inputs, outputs, updates = any_shape()
        return cls(inputs, outputs, updates, name=name, mode=mode, show_progress=show_progress, build=fixed_shape,
                   **sharding)

    def __call__(self, *args):
        if isinstance(self.fn, jax_backend.ShapeSpecialised):
            result = self.fn(*args)
            self.compile_seconds = self.fn.compile_seconds
            return result
        jax_backend.settle_shared(self.fn)
        if self.called:
            return self.fn(*args)
        with Ticker(f"first call of {self.name} (JIT compile)", enabled=self.show_progress) as ticker:
            result = self.fn(*args)
        self.called = True
        self.compile_seconds += ticker.seconds
        return result
