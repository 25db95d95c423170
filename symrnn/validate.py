"""Checks of settings, written once: each raises ``error`` (``ConfigError`` by default) naming the setting.

Symbolic values (PyTensor variables) pass unchecked: only numbers known now can be checked now.
"""
import numbers
import os

from symrnn.errors import ConfigError


def positive_int(name, value, error=ConfigError):
    """``value`` as an int, or ``error`` unless it is a whole number > 0."""
    if not isinstance(value, numbers.Real) or int(value) != value or value <= 0:
        raise error(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def positive(name, value, error=ConfigError):
    """``value``, or ``error`` unless it is a number > 0."""
    if isinstance(value, numbers.Real) and not value > 0:
        raise error(f"{name} must be positive, got {value}")
    return value


def fraction(name, value, error=ConfigError):
    """``value``, or ``error`` unless it is in [0, 1)."""
    if isinstance(value, numbers.Real) and not 0 <= value < 1:
        raise error(f"{name} must be in [0, 1), got {value}")
    return value


def environment_choice(name, choices, error=ConfigError):
    """The environment variable ``name``, or ``choices[0]`` when it is unset; ``error`` unless it is one
    of ``choices``."""
    value = os.environ.get(name, choices[0])
    if value not in choices:
        raise error(f"{name} is {value!r}; set it to one of {', '.join(choices)} (or leave it unset: {choices[0]})")
    return value
