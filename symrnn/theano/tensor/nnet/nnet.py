"""``theano.tensor.nnet.nnet``: activations and losses with Theano's shapes and formulas.

PyTensor dropped ``tensor.nnet``; these follow Theano 1.0 where it differs from PyTensor:

=========================  ==============================  ====================================
Theano                     PyTensor                        difference kept from Theano
=========================  ==============================  ====================================
softmax(x)                 special.softmax(x, axis=None)   rows of a matrix (PyTensor's default
                                                           normalises over *all* elements); a
                                                           vector becomes a (1, n) row; ndim > 2
                                                           raises ValueError
categorical_crossentropy   (removed)                       -sum(t * log(p), last axis) for
                                                           one-hot/probability targets;
                                                           -log(p[i, t[i]]) for integer targets
binary_crossentropy        (removed)                       -(t log p + (1 - t) log(1 - p))
relu(x, alpha=0)           (removed)                       0.5 * (x + abs(x)): gradient 0.5 at 0
hard_sigmoid, elu          (removed)                       Theano's formulas
sigmoid, softplus, tanh    same names                      none
=========================  ==============================  ====================================
"""

import pytensor.tensor as pt
from pytensor.tensor import sigmoid, softplus, tanh
from pytensor.tensor.special import softmax as _softmax

from symrnn.theano._missing import missing_names

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "elu",
    "hard_sigmoid",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]


def relu(x, alpha=0):
    """Theano's relu: ``0.5 * (x + abs(x))``, or leaky with slope ``alpha`` below zero."""
    x = pt.as_tensor_variable(x)
    if alpha == 0:  # a tensor alpha compares by identity, so it takes the general branch
        return 0.5 * (x + abs(x))
    alpha = pt.as_tensor_variable(alpha)
    return 0.5 * (1 + alpha) * x + 0.5 * (1 - alpha) * abs(x)


def softmax(c):
    """Theano's softmax: over each row of a matrix; a vector gives a ``(1, n)`` matrix."""
    c = pt.as_tensor_variable(c)
    if c.ndim not in (1, 2):
        raise ValueError(f"x must be 1-d or 2-d tensor of floats. Got {c.type}")
    return _softmax(pt.shape_padleft(c) if c.ndim == 1 else c, axis=-1)


def categorical_crossentropy(coding_dist, true_dist):
    """Theano's cross-entropy of predicted ``coding_dist`` against ``true_dist``.

    ``true_dist`` of the same rank (one-hot or probability rows): ``-sum(true * log(pred))`` over
    the last axis. One rank lower (integer class indices; ``coding_dist`` a matrix):
    ``-log(coding_dist[i, true_dist[i]])``.
    """
    coding_dist = pt.as_tensor_variable(coding_dist)
    true_dist = pt.as_tensor_variable(true_dist)
    if true_dist.ndim == coding_dist.ndim:
        return -pt.sum(true_dist * pt.log(coding_dist), axis=coding_dist.ndim - 1)
    if true_dist.ndim != coding_dist.ndim - 1:
        raise TypeError("rank mismatch between coding and true distributions")
    if coding_dist.ndim != 2:
        raise TypeError(f"matrix required for argument: coding_dist (got {coding_dist.type})")
    if not true_dist.dtype.startswith(("int", "uint")):
        raise TypeError(
            f"integer vector required for argument: true_one_of_n (got {true_dist.type})"
        )
    return -pt.log(coding_dist[pt.arange(true_dist.shape[0]), true_dist])


def binary_crossentropy(output, target):
    """Theano's ``-(target * log(output) + (1 - target) * log(1 - output))``, elementwise."""
    output = pt.as_tensor_variable(output)
    target = pt.as_tensor_variable(target)
    return -(target * pt.log(output) + (1.0 - target) * pt.log(1.0 - output))


def hard_sigmoid(x):
    """Theano's piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``."""
    return pt.clip(pt.as_tensor_variable(x) * 0.2 + 0.5, 0, 1)


def elu(x, alpha=1):
    """Theano's elu: ``x`` above zero, ``alpha * (exp(x) - 1)`` below."""
    x = pt.as_tensor_variable(x)
    return pt.switch(x > 0, x, alpha * pt.expm1(x))


__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.tensor.nnet.nnet")
