"""``theano.tensor.shared_randomstreams`` is not provided: importing it says what to use."""

from symrnn.theano._missing import not_provided

raise not_provided("theano.tensor.shared_randomstreams", module=True)
