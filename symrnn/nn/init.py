"""Initialisers: NumPy arrays of a given shape and dtype, and ``param`` to hold one in ``shared``.

Every initialiser has the signature ``init(rng, shape, dtype) -> np.ndarray``, where ``rng`` is a
``numpy.random.Generator`` (so results are seedable) and ``dtype`` is explicit; bind options with
``functools.partial`` (e.g. ``partial(identity, scale=0.5)``). Weight matrices
are laid out ``(fan_in, fan_out)`` because symrnn computes ``x · W`` as the lesson does.

The lesson's ``init_wgts`` (``normal(scale=sqrt(2/fan_in))``, which the lesson calls Glorot) is
``he_normal`` here; its ``W_h = shared(np.eye(n_hidden))`` is ``identity``.
"""
import math

import numpy as np
import pytensor

from symrnn.errors import ConfigError
from symrnn.validate import positive_int


def _fans(shape):
    """(fan_in, fan_out) of a weight of ``shape``: rows feed columns; vectors count as 1 × n."""
    if len(shape) == 1:
        return 1, shape[0]
    fan_in, fan_out = shape[-2], shape[-1]
    receptive = math.prod(shape[:-2])
    return fan_in * receptive, fan_out * receptive


def glorot_uniform(rng, shape, dtype, gain=1.0):
    """U(-a, a) with a = gain · sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010)."""
    fan_in, fan_out = _fans(shape)
    limit = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def glorot_normal(rng, shape, dtype, gain=1.0):
    """N(0, σ²) with σ = gain · sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(shape)
    return rng.normal(0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), size=shape).astype(dtype)


def he_normal(rng, shape, dtype, gain=1.0):
    """N(0, σ²) with σ = gain · sqrt(2 / fan_in): the lesson's ``init_wgts`` (He et al. 2015)."""
    fan_in, _ = _fans(shape)
    return rng.normal(0.0, gain * math.sqrt(2.0 / fan_in), size=shape).astype(dtype)


def identity(rng, shape, dtype, scale=1.0):
    """``scale · I``: the lesson's recurrent ``W_h`` (the IRNN of Le, Jaitly & Hinton 2015)."""
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ConfigError(f"identity initialiser needs a square matrix shape, got {tuple(shape)}")
    return (scale * np.eye(shape[0])).astype(dtype)


def orthogonal(rng, shape, dtype, gain=1.0):
    """A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one (Saxe et al. 2014)."""
    if len(shape) != 2:
        raise ConfigError(f"orthogonal initialiser needs a matrix shape, got {tuple(shape)}")
    rows, cols = shape
    a = rng.normal(0.0, 1.0, size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))  # make the decomposition unique, hence the distribution uniform
    if rows < cols:
        q = q.T
    return (gain * q).astype(dtype)


def zeros(rng, shape, dtype):
    """All zeros: the lesson's ``init_bias``."""
    return np.zeros(shape, dtype=dtype)


def constant(value):
    """An initialiser filling with ``value`` (e.g. ``constant(1.0)`` for an LSTM forget bias)."""
    def fill(rng, shape, dtype):
        return np.full(shape, value, dtype=dtype)
    fill.__name__ = f"constant({value})"
    return fill


def param(name, shape, init, rng, dtype, trainable=True, regularizable=None):
    """A ``pytensor.shared`` variable named ``name`` holding ``init(rng, shape, dtype)``.

    Tags on ``var.tag`` (as in Lasagne) make "all trainable parameters" a query:
    ``trainable`` (updated by optimisers) and ``regularizable`` (weights, not biases;
    defaults to True for matrices).
    """
    shape = tuple(positive_int(f"parameter {name!r}: each size", s) for s in shape)
    value = init(rng, shape, dtype)
    if value.shape != shape or value.dtype != np.dtype(dtype):
        raise ConfigError(f"initialiser for {name!r} returned {value.dtype}{value.shape}, "
                          f"expected {dtype}{shape}")
    var = pytensor.shared(value, name=name, shape=shape)  # a static shape: widths are checked early
    var.tag.trainable = trainable
    var.tag.regularizable = len(shape) > 1 if regularizable is None else regularizable
    return var
