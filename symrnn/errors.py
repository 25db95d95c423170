"""The errors symrnn raises for bad input: each message names the problem in one line.

The command line prints ``symrnn: error: <message>`` for any ``SymrnnError`` and exits non-zero,
never with a traceback.
"""


class SymrnnError(Exception):
    """Base class: a problem the user can fix, explained in the message."""


class DataError(SymrnnError, ValueError):
    """Unusable text: missing, empty, binary, too short for one window."""


class UnknownCharacterError(DataError):
    """A character that is not in the model's vocabulary."""


class ConfigError(SymrnnError, ValueError):
    """An impossible model or training setting (e.g. zero hidden units)."""


class ShapeError(SymrnnError, ValueError):
    """Arrays of the wrong shape or dtype handed to a compiled function or a cell."""


class TrainingDiverged(SymrnnError, FloatingPointError):
    """The loss became NaN or infinite."""


class CheckpointError(SymrnnError):
    """A checkpoint that is missing, truncated, corrupt or from another model."""
