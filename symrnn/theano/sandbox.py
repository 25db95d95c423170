"""``theano.sandbox`` (CUDA, MRG random streams) is not provided: importing it says what to use."""

from symrnn.theano._missing import not_provided

raise not_provided("theano.sandbox", module=True)
