"""``theano.sandbox``: only ``rng_mrg.MRG_RandomStreams``; the CUDA modules have no counterpart."""

from symrnn.theano._missing import missing_names
from symrnn.theano.sandbox import rng_mrg

__all__ = ["rng_mrg"]

__getattr__ = missing_names("theano.sandbox")
