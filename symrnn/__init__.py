"""symrnn: symbolic recurrent networks on PyTensor, written the way the fast.ai lesson 6-7 Theano
code is written — ``shared`` weights, a cell's ``step`` through ``scan``, ``pytensor.grad``, an
update dict — and checked against a pure-NumPy BPTT reference.

The public names (docs/api.md) are importable from here, each on first use, so that
``import symrnn`` — and with it the command line's argument parsing and the NumPy-only
``symrnn.reference`` — imports no PyTensor::

    from symrnn import CharRNN, Trainer, fit, gradcheck

The packages, bottom up: ``nn`` (weights, cells, scan, layers, models), ``optim`` (update dicts),
``training`` (graphs, the trainer and its loop), ``backends`` (where graphs are compiled),
``gradient_check`` and ``reference`` (the NumPy referee), ``views`` (pages and traces), ``cli``,
``bench``; ``theano`` runs Theano-era code unchanged.

BLAS threads: symrnn runs OpenBLAS with one thread unless ``OPENBLAS_NUM_THREADS`` or
``OMP_NUM_THREADS`` says otherwise. A char-RNN's matrix products are small, and OpenBLAS's
threads spin-wait for each other, which costs most of the speed when another process shares the
cores (docs/performance.md). OpenBLAS reads the setting when NumPy first loads it, so it holds
where ``symrnn`` is imported first, as the ``symrnn`` command does.
"""
import importlib
import os

__version__ = "0.2.0"

if "OPENBLAS_NUM_THREADS" not in os.environ and "OMP_NUM_THREADS" not in os.environ:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"

PUBLIC = {
    "Cell": "symrnn.nn.cells", "SimpleRNN": "symrnn.nn.cells", "GRU": "symrnn.nn.cells",
    "GRUCombined": "symrnn.nn.cells", "LSTM": "symrnn.nn.cells", "Stacked": "symrnn.nn.cells",
    "scan_cell": "symrnn.nn.recurrent", "CharRNN": "symrnn.nn.model",
    "Trainer": "symrnn.training.trainer", "fit": "symrnn.training.fit", "load_trained": "symrnn.training.trained",
    "gradcheck": "symrnn.gradient_check", "check_cell": "symrnn.gradient_check",
    "Vocabulary": "symrnn.data", "SymrnnError": "symrnn.errors",
}

__all__ = [*PUBLIC, "__version__"]


def __getattr__(name):
    if name in PUBLIC:
        return getattr(importlib.import_module(PUBLIC[name]), name)
    raise AttributeError(f"module 'symrnn' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *PUBLIC])
