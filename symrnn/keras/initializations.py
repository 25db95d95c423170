"""Keras 1's initialisers by name, as symrnn initialisers ``(rng, shape, dtype) -> array``.

Keras 1's definitions (keras/initializations.py): ``uniform`` U(−0.05, 0.05), ``normal``
N(0, 0.05²), ``glorot_*`` and ``he_*`` on (fan_in, fan_out), ``lecun_uniform`` U(±sqrt(3/fan_in)),
``orthogonal`` with gain 1.1, ``identity``, ``zero``, ``one``.
"""
import functools
import math

from symrnn.errors import ConfigError
from symrnn.keras.missing import missing_names
from symrnn.nn import init


def _uniform(scale):
    def fill(rng, shape, dtype):
        return rng.uniform(-scale, scale, size=shape).astype(dtype)
    return fill


def normal(rng, shape, dtype):
    return rng.normal(0.0, 0.05, size=shape).astype(dtype)


def he_uniform(rng, shape, dtype):
    return _uniform(math.sqrt(6.0 / init._fans(shape)[0]))(rng, shape, dtype)


def lecun_uniform(rng, shape, dtype):
    return _uniform(math.sqrt(3.0 / init._fans(shape)[0]))(rng, shape, dtype)


INITIALIZERS = {
    "uniform": _uniform(0.05),
    "normal": normal,
    "glorot_uniform": init.glorot_uniform,
    "glorot_normal": init.glorot_normal,
    "he_normal": init.he_normal,
    "he_uniform": he_uniform,
    "lecun_uniform": lecun_uniform,
    "orthogonal": functools.partial(init.orthogonal, gain=1.1),
    "identity": init.identity,
    "zero": init.zeros,
    "one": init.constant(1.0),
}


def get(name):
    """The initialiser Keras 1 calls ``name``."""
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise ConfigError(f"unknown initialiser {name!r}; choose one of {sorted(INITIALIZERS)}") from None


__getattr__ = missing_names("keras.initializations")
