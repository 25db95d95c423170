"""symrnn.

``symrnn.gradcheck(cell)`` checks the gradients of any cell (``symrnn.gradient_check.gradcheck``).
It is imported on first use, so ``import symrnn`` — and with it the command line's argument
parsing and the NumPy-only ``symrnn.reference`` — does not import PyTensor.

BLAS threads: symrnn runs OpenBLAS with one thread unless ``OPENBLAS_NUM_THREADS`` or
``OMP_NUM_THREADS`` says otherwise. A char-RNN's matrix products are small, and OpenBLAS's
threads spin-wait for each other: with another process on one of two cores, the lesson's
training ran 80 windows/s with two BLAS threads and 3,000 with one. OpenBLAS reads the setting
when NumPy or SciPy (Numba's BLAS) first loads it, so it holds where ``symrnn`` is imported first,
as the ``symrnn`` command does.
"""
import importlib
import os

if "OPENBLAS_NUM_THREADS" not in os.environ and "OMP_NUM_THREADS" not in os.environ:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"


def __getattr__(name):
    if name == "gradcheck":
        return importlib.import_module("symrnn.gradient_check").gradcheck
    raise AttributeError(f"module 'symrnn' has no attribute {name!r}")
