"""A denoising autoencoder pre-trained through ``theano.Param`` defaults, as the deeplearning.net
tutorials wrote it.

Ported from https://github.com/lisa-lab/DeepLearningTutorials, code/dA.py (the ``dA`` class:
corruption through ``shared_randomstreams.RandomStreams.binomial``, cross-entropy
reconstruction cost, SGD updates) and code/SdA.py (``pretraining_functions``: inputs
``theano.Param(corruption_level, default=0.2)``, ``theano.Param(learning_rate, default=0.1)``,
minibatches through ``givens``). Licence: BSD 3-Clause, Copyright (c) 2010--2015, Deep Learning
Tutorials Development Team.

Edits: imports; Python 3; a small synthetic binary data set instead of MNIST; one dA layer
instead of the stack; the training loop checks that the cost falls and compares the cost with
NumPy instead of printing it.
"""

import numpy
import numpy as np

import symrnn.theano as theano
import symrnn.theano.tensor as T
from symrnn.theano.tensor.shared_randomstreams import RandomStreams


class dA:
    """Denoising Auto-Encoder class (dA), as in the tutorial."""

    def __init__(self, numpy_rng, theano_rng=None, input=None, n_visible=784, n_hidden=500):
        self.n_visible = n_visible
        self.n_hidden = n_hidden

        # create a Theano random generator that gives symbolic random values
        if not theano_rng:
            theano_rng = RandomStreams(numpy_rng.randint(2**30))

        initial_W = numpy.asarray(
            numpy_rng.uniform(
                low=-4 * numpy.sqrt(6.0 / (n_hidden + n_visible)),
                high=4 * numpy.sqrt(6.0 / (n_hidden + n_visible)),
                size=(n_visible, n_hidden),
            ),
            dtype=theano.config.floatX,
        )
        self.W = theano.shared(value=initial_W, name="W", borrow=True)
        self.b_prime = theano.shared(value=numpy.zeros(n_visible, dtype=theano.config.floatX), borrow=True)
        self.b = theano.shared(value=numpy.zeros(n_hidden, dtype=theano.config.floatX), name="b", borrow=True)
        # tied weights, therefore W_prime is W transpose
        self.W_prime = self.W.T
        self.theano_rng = theano_rng
        self.x = T.dmatrix(name="input") if input is None else input
        self.params = [self.W, self.b, self.b_prime]

    def get_corrupted_input(self, input, corruption_level):
        """Zero a fraction ``corruption_level`` of the entries, drawn anew at each call."""
        return self.theano_rng.binomial(size=input.shape, n=1, p=1 - corruption_level,
                                        dtype=theano.config.floatX) * input

    def get_hidden_values(self, input):
        return T.nnet.sigmoid(T.dot(input, self.W) + self.b)

    def get_reconstructed_input(self, hidden):
        return T.nnet.sigmoid(T.dot(hidden, self.W_prime) + self.b_prime)

    def get_cost_updates(self, corruption_level, learning_rate):
        tilde_x = self.get_corrupted_input(self.x, corruption_level)
        y = self.get_hidden_values(tilde_x)
        z = self.get_reconstructed_input(y)
        L = -T.sum(self.x * T.log(z) + (1 - self.x) * T.log(1 - z), axis=1)
        cost = T.mean(L)
        gparams = T.grad(cost, self.params)
        updates = [(param, param - learning_rate * gparam) for param, gparam in zip(self.params, gparams)]
        return (cost, updates)


def numpy_cost(W, b, b_prime, x):
    """The dA's reconstruction cross-entropy without corruption, in NumPy."""
    y = 1 / (1 + np.exp(-(x @ W + b)))
    z = 1 / (1 + np.exp(-(y @ W.T + b_prime)))
    return np.mean(-np.sum(x * np.log(z) + (1 - x) * np.log(1 - z), axis=1))


def test_pretraining_with_param_defaults():
    rng = np.random.RandomState(123)
    prototypes = rng.binomial(1, 0.5, size=(4, 24))
    data = prototypes[rng.randint(4, size=240)]
    data = np.abs(data - rng.binomial(1, 0.05, size=data.shape)).astype("float64")  # edit: synthetic
    train_set_x = theano.shared(data, borrow=True)
    batch_size = 20

    x = T.matrix("x")
    da = dA(numpy_rng=rng, input=x, n_visible=24, n_hidden=8)

    index = T.lscalar("index")  # index to a minibatch
    corruption_level = T.scalar("corruption")  # % of corruption to use
    learning_rate = T.scalar("lr")  # learning rate to use
    batch_begin = index * batch_size
    batch_end = batch_begin + batch_size

    cost, updates = da.get_cost_updates(corruption_level, learning_rate)
    fn = theano.function(
        inputs=[index, theano.Param(corruption_level, default=0.2), theano.Param(learning_rate, default=0.1)],
        outputs=cost,
        updates=updates,
        givens={x: train_set_x[batch_begin:batch_end]},
    )

    def weights():
        return da.W.get_value(), da.b.get_value(), da.b_prime.get_value()

    # Without corruption and with a zero learning rate (keywords named after the variables,
    # as SdA scripts called it), the cost is NumPy's and nothing moves.
    before = weights()
    np.testing.assert_allclose(fn(0, corruption=0.0, lr=0.0), numpy_cost(*before, data[:20]), rtol=1e-12)
    assert all(np.array_equal(a, b) for a, b in zip(before, weights()))

    # The defaults: corruption 0.2 changes the cost; a learning rate of 0.1 moves the weights.
    corrupted = fn(0, lr=0.0)
    assert corrupted != numpy_cost(*before, data[:20])
    n_batches = len(data) // batch_size
    epoch_costs = []
    for _ in range(15):
        epoch_costs.append(np.mean([fn(batch_index) for batch_index in range(n_batches)]))
    assert not np.array_equal(before[0], da.W.get_value())
    assert epoch_costs[-1] < 0.8 * epoch_costs[0], epoch_costs
    assert numpy_cost(*weights(), data) < 0.8 * numpy_cost(*before, data)
