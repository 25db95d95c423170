"""symrnn.

``symrnn.gradcheck(cell)`` checks the gradients of any cell (``symrnn.gradient_check.gradcheck``).
It is imported on first use, so ``import symrnn`` — and with it the command line's argument
parsing and the NumPy-only ``symrnn.reference`` — does not import PyTensor.
"""
import importlib


def __getattr__(name):
    if name == "gradcheck":
        return importlib.import_module("symrnn.gradient_check").gradcheck
    raise AttributeError(f"module 'symrnn' has no attribute {name!r}")
