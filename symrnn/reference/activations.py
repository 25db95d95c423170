"""Elementwise nonlinearities and their backward passes.

Each ``*_backward(dy, z, y)`` returns ``dL/dz`` given ``dL/dy`` for ``y = f(z)``; derivatives are
written with whichever of ``z`` and ``y`` is simplest (σ' = y(1−y), tanh' = 1−y², relu' = [z>0]).
"""
import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed as ½(1 + tanh(z/2)) so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_backward(dy, z, y):
    return dy * y * (1.0 - y)


def tanh(z):
    return np.tanh(z)


def tanh_backward(dy, z, y):
    return dy * (1.0 - y * y)


def relu(z):
    return np.maximum(z, 0.0)


def relu_backward(dy, z, y):
    """``dy`` where z > 0, else 0 (at the kink z = 0 the derivative is taken as 0)."""
    return dy * (z > 0)


ACTIVATIONS = {"relu": (relu, relu_backward), "tanh": (tanh, tanh_backward)}
