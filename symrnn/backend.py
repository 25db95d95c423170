"""Where graphs become callables: the one place symrnn calls ``pytensor.function``.

Backend choice. symrnn compiles with JAX by default (mode "JAX", ``symrnn.jax_backend``): XLA
compiles a training function in one to three seconds, once per shape of its arguments, and ran
the SimpleRNN, GRU and LSTM benchmarks 2.0–2.7× as fast as Numba (README, ``symrnn bench``). PyTensor's own
default linker is Numba (mode "NUMBA"): fastest for the lesson's tiny windows once compiled, but
its first compile of a training function costs 20–110 s cold (cached in ``~/.pytensor``). The C
linker ("CVM") runs the lesson's scan several times slower when pip finds no BLAS;
"FAST_COMPILE" (the Python linker) compiles in about a second and is what the test suite uses.
Override with the environment variable ``SYMRNN_MODE`` or the ``mode=`` argument. A Numba mode
also computes float32 ``tanh`` through ``exp`` (``symrnn.fast_tanh``), several times faster than
Numba's own, inside scans with PyTensor ≥ 3.3 (PyTensor 3.0 rewrites a scan's inner graph with
its default mode, so there it applies outside loops only). With ``SYMRNN_VECTOR_MATH=1`` it
computes float32 tanh and sigmoid with ``symrnn.vector_math`` instead: faster to run, slower to
compile.
"""
import functools
import logging
import os
import warnings

import pytensor
from pytensor.compile.mode import get_mode, predefined_modes
from pytensor.link.numba.linker import NumbaLinker

from symrnn import jax_backend, vector_math
from symrnn.errors import ConfigError
from symrnn.fast_tanh import FAST_TANH
from symrnn.progress import Ticker
from symrnn.validate import environment_choice

# pip builds of PyTensor find no BLAS for the C linker and say so at every import; symrnn uses
# the Numba linker for speed, so the advice is noise to our users.
warnings.filterwarnings("ignore", message=".*BLAS.*")
logging.getLogger("pytensor.tensor.blas").setLevel(logging.ERROR)


def default_mode():
    """The PyTensor mode name symrnn compiles with: ``$SYMRNN_MODE`` or ``"JAX"``."""
    return os.environ.get("SYMRNN_MODE", "JAX")


# PyTensor 3.3's rewrites of products by diagonal and selection matrices ask, for every product,
# whether an operand is such a matrix by walking its graph: 0.3 s of the lesson's 1.2 s of
# rewriting, 0.5-0.8 s of an LSTM's or GRU's 3-4 s (this machine, 2 cores), and they change
# nothing in symrnn's models (the same compiled graphs without them; a one-hot input's product
# becomes a gather through another rewrite). A user's cell that multiplies by ``pt.diag(v)``
# gets a product where PyTensor would have scaled by ``v``. (PyTensor 3.0 has neither.)
SLOW_UNUSED_REWRITES = ("dot_diag_to_elemwise", "selection_dot_to_indexing")


def compile_mode(name):
    """The PyTensor mode called ``name``, without ``SLOW_UNUSED_REWRITES``; a Numba mode also runs
    ``symrnn.fast_tanh``, or with ``$SYMRNN_VECTOR_MATH`` = 1 ``symrnn.vector_math``."""
    try:
        mode = get_mode(name).excluding(*SLOW_UNUSED_REWRITES)
    except ValueError:
        choices = ", ".join([*sorted(predefined_modes), "FAST_RUN"])
        raise ConfigError(f"unknown PyTensor mode {name!r} (--mode or SYMRNN_MODE); choose one of {choices}") from None
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
    arguments (``symrnn.jax_backend.ShapeSpecialised``) on the graph ``build(arguments)`` returns,
    ``(inputs, outputs, updates)`` for arguments of those shapes; without ``build``, on a copy of
    the graph given with inputs of those shapes (``symrnn.jax_backend.static_graph``).
    """

    def __init__(self, inputs, outputs, updates=None, *, name, mode=None, show_progress=True, build=None):
        self.name, self.mode = name, mode or default_mode()
        self.show_progress = show_progress
        self.called = False
        mode = compile_mode(self.mode)
        if jax_backend.is_jax(mode):
            build = build or functools.partial(jax_backend.static_graph, inputs, outputs, updates)
            self.fn = jax_backend.ShapeSpecialised(build, name=name, mode=mode, show_progress=show_progress)
            self.compile_seconds = 0.0
            return
        with Ticker(f"compiling {name} function [{self.mode}]", enabled=show_progress) as ticker:
            self.fn = pytensor.function(inputs, outputs, updates=updates, mode=mode, name=name)
        self.compile_seconds = ticker.seconds

    @classmethod
    def from_builders(cls, any_shape, fixed_shape, *, name, mode=None, show_progress=True):
        """A ``CompiledFunction`` of the graph ``any_shape() -> (inputs, outputs, updates)``, or with JAX
        of ``fixed_shape(arrays)`` per shape (``build``): ``any_shape`` is then never called, so a
        graph JAX would not compile is not built either."""
        if compiles_per_shape(mode):
            return cls(None, None, name=name, mode=mode, show_progress=show_progress, build=fixed_shape)
        inputs, outputs, updates = any_shape()
        return cls(inputs, outputs, updates, name=name, mode=mode, show_progress=show_progress, build=fixed_shape)

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
