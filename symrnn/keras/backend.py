"""The few ``keras.backend`` (``K``) functions the course's code calls, on PyTensor; the rest raise
``NotProvided`` (use ``pytensor.tensor`` directly)."""
import numpy as np

from symrnn.keras.missing import missing_names


def backend():
    return "theano"


def image_dim_ordering():
    return "th"


def floatx():
    return "float32"


def epsilon():
    return 1e-7


def get_value(x):
    return np.array(x.get_value())


def set_value(x, value):
    x.set_value(np.asarray(value, x.dtype))


__getattr__ = missing_names("keras.backend")
