"""The errors symrnn raises: each is named for what is wrong and says it in one line.

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


class CellError(ConfigError):
    """A cell that is defined wrongly (its ``step``, states or parameters) or cannot be imported."""


class ShapeError(SymrnnError, ValueError):
    """Arrays or tensors of the wrong shape: a state of another width, batches that differ."""


class DtypeError(SymrnnError, TypeError):
    """A tensor of another dtype than the cell, model or variable it meets."""


class TrainingDiverged(SymrnnError, FloatingPointError):
    """The loss became NaN or infinite."""


class CheckpointError(SymrnnError):
    """A checkpoint that is missing, truncated, corrupt or from another model."""


class ProcessLost(SymrnnError):
    """A process of a run across several stopped, or cannot be heard from."""
