"""Checks of settings, written once: each raises ``error`` (``ConfigError`` by default) naming the setting.

Symbolic values (PyTensor variables) pass unchecked: only numbers known now can be checked now.
"""
import numbers

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
