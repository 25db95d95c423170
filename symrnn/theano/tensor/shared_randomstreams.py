"""``theano.tensor.shared_randomstreams.RandomStreams``, with Theano's signatures and scan semantics."""

from symrnn.theano._missing import missing_names
from symrnn.theano._random import RandomStreams

__all__ = ["RandomStreams"]

__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.tensor.shared_randomstreams")
