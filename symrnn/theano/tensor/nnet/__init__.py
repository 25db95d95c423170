"""``theano.tensor.nnet``: ``T.nnet``, ``from symrnn.theano.tensor import nnet``, or Theano's own
layout ``from symrnn.theano.tensor.nnet import nnet`` (as the fast.ai ``utils.py`` imports it).

The functions live in :mod:`symrnn.theano.tensor.nnet.nnet`, whose docstring tables how they
differ from PyTensor. CNN ops (``conv2d``, ``bn``, ...) are not provided.
"""

from symrnn.theano._missing import missing_names
from symrnn.theano.tensor.nnet import nnet
from symrnn.theano.tensor.nnet.nnet import (
    binary_crossentropy,
    categorical_crossentropy,
    elu,
    hard_sigmoid,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "elu",
    "hard_sigmoid",
    "nnet",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]

__getattr__ = missing_names("theano.tensor.nnet")
