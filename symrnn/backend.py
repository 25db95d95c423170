"""Where graphs become callables: the one place symrnn calls ``pytensor.function``.

Backend choice. PyTensor's default linker is Numba (mode "NUMBA"): the fastest on CPU for the
lesson's scan, but its first compile of a training function costs tens of seconds cold (it is
cached in ``~/.pytensor`` afterwards). The C linker ("CVM") runs the lesson's scan several times
slower when pip finds no BLAS; "FAST_COMPILE" (the Python linker) compiles in about a second and
is what the test suite uses. Override with the environment variable ``SYMRNN_MODE`` or the
``mode=`` argument. A Numba mode also computes float32 ``tanh`` through ``exp``
(``symrnn.fast_tanh``), several times faster than Numba's own, inside scans with PyTensor ≥ 3.3
(PyTensor 3.0 rewrites a scan's inner graph with its default mode, so there it applies outside
loops only). With ``SYMRNN_VECTOR_MATH=1`` it computes float32 tanh and sigmoid with
``symrnn.vector_math`` instead: faster to run, slower to compile.
"""
import logging
import os
import warnings

import pytensor
from pytensor.compile.mode import get_mode
from pytensor.link.numba.linker import NumbaLinker

from symrnn import vector_math
from symrnn.fast_tanh import FAST_TANH
from symrnn.progress import Ticker
from symrnn.validate import environment_choice

# pip builds of PyTensor find no BLAS for the C linker and say so at every import; symrnn uses
# the Numba linker for speed, so the advice is noise to our users.
warnings.filterwarnings("ignore", message=".*BLAS.*")
logging.getLogger("pytensor.tensor.blas").setLevel(logging.ERROR)


def default_mode():
    """The PyTensor mode name symrnn compiles with: ``$SYMRNN_MODE`` or ``"NUMBA"``."""
    return os.environ.get("SYMRNN_MODE", "NUMBA")


def compile_mode(name):
    """The PyTensor mode called ``name``; a Numba mode also runs ``symrnn.fast_tanh``, or with
    ``$SYMRNN_VECTOR_MATH`` = 1 ``symrnn.vector_math``."""
    mode = get_mode(name)
    if not isinstance(mode.linker, NumbaLinker):
        return mode
    if environment_choice("SYMRNN_VECTOR_MATH", ("0", "1")) == "1":
        vector_math.let_llvm_inline_fused_loops()
        return mode.including(vector_math.VECTOR_MATH)
    return mode.including(FAST_TANH)


class CompiledFunction:
    """A compiled ``pytensor.function`` whose compile *and first call* show a progress ticker.

    The Numba backend compiles lazily at the first call, so both count as start-up;
    ``compile_seconds`` adds them up.
    """

    def __init__(self, inputs, outputs, updates=None, *, name, mode=None, show_progress=True):
        self.name, self.mode = name, mode or default_mode()
        self.show_progress = show_progress
        with Ticker(f"compiling {name} function [{self.mode}]", enabled=show_progress) as ticker:
            self.fn = pytensor.function(inputs, outputs, updates=updates, mode=compile_mode(self.mode),
                                        name=name)
        self.compile_seconds = ticker.seconds
        self.called = False

    def __call__(self, *args):
        if self.called:
            return self.fn(*args)
        with Ticker(f"first call of {self.name} (JIT compile)", enabled=self.show_progress) as ticker:
            result = self.fn(*args)
        self.called = True
        self.compile_seconds += ticker.seconds
        return result
