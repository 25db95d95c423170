"""What several subcommands' arguments share: the parser class, number types and help texts."""
import argparse
import math

from symrnn.registry import CELLS


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``symrnn train: error: ... (see --help)``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _number(kind, low=0.0, low_ok=False, below=math.inf):
    """An argparse type: a ``kind`` number above ``low`` (or equal, if ``low_ok``) and below ``below``."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value) or value < low or (value == low and not low_ok):
            raise argparse.ArgumentTypeError(f"must be {'>=' if low_ok else '>'} {low:g}, got {text}")
        if value >= below:
            raise argparse.ArgumentTypeError(f"must be < {below:g}, got {text}")
        return value
    return parse


POSITIVE_INT, POSITIVE = _number(int), _number(float)
FRACTION, NON_NEGATIVE = _number(float, low_ok=True, below=1.0), _number(float, low_ok=True)
NON_NEGATIVE_INT = _number(int, low_ok=True)

VECTOR_MATH_HELP = ("Numba: float32 tanh and sigmoid that LLVM vectorises (same as SYMRNN_VECTOR_MATH=1): "
                    "LSTMs train faster, a new model's first compile takes longer")
CELL_HELP = (f"a built-in cell ({', '.join(CELLS)}; default rnn, the lesson's SimpleRNN) or a cell of your "
             f"own as module.path:ClassName (a Cell subclass or a factory function) importable from "
             f"PYTHONPATH")
TRUST_CELL_HELP = ("the checkpoint's own cell, module.path:ClassName: loading imports that module, so "
                   "it is imported only when named here (built-in cells need nothing)")
MODE_HELP = "PyTensor mode (default $SYMRNN_MODE or JAX)"
