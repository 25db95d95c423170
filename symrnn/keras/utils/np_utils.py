"""``to_categorical``: integer classes → one-hot rows (Keras 1's ``keras.utils.np_utils``)."""
import numpy as np

from symrnn.errors import ConfigError
from symrnn.keras.missing import missing_names


def to_categorical(y, nb_classes=None):
    """Classes ``y`` (any shape, flattened) → float array (len, nb_classes) with a 1 at each class."""
    y = np.asarray(y, dtype=int).ravel()
    nb_classes = int(y.max()) + 1 if nb_classes is None else nb_classes
    if y.size and (y.min() < 0 or y.max() >= nb_classes):
        raise ConfigError(f"to_categorical: classes must lie in 0 … {nb_classes - 1}, got {y.min()} … {y.max()}")
    one_hot = np.zeros((len(y), nb_classes))
    one_hot[np.arange(len(y)), y] = 1.0
    return one_hot


def normalize(a, axis=-1, order=2):
    """``a`` divided by its ``order``-norm along ``axis`` (zeros stay zeros)."""
    norm = np.atleast_1d(np.linalg.norm(a, order, axis))
    norm[norm == 0] = 1
    return a / np.expand_dims(norm, axis)


__getattr__ = missing_names("keras.utils.np_utils")
