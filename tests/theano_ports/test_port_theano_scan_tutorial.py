"""The scan examples of Theano's loop tutorial, with their random-number semantics.

Ported from https://github.com/Theano/Theano, doc/tutorial/loop.txt ("Scan Example: computing
tanh(v.dot(W) + b) * d where d is binomial", "Computing pow(A, k)", "Accumulate number of loop
during a scan") and doc/library/scan.txt ("Gibbs sampling", "Conditional ending of Scan").
Licence: BSD 3-Clause, Copyright (c) 2008-2019 Theano Development Team.

Edits: imports (``theano`` -> ``symrnn.theano``); Python 3 ``print``; outputs checked by
asserts instead of printed; the Gibbs example's weights are small synthetic arrays; the
tutorial's claims about each printed value are checked against NumPy.
"""

import numpy as np

import symrnn.theano as theano
import symrnn.theano.tensor as T


def test_binomial_closed_over_by_the_step_is_drawn_anew_at_every_step():
    """The tutorial's printed output has a different 0/1 mask in each row."""
    # define tensor variables
    X = T.matrix("X")
    W = T.matrix("W")
    b_sym = T.vector("b_sym")

    # define shared random stream
    trng = T.shared_randomstreams.RandomStreams(1234)
    d = trng.binomial(size=W[1].shape)

    results, updates = theano.scan(lambda v: T.tanh(T.dot(v, W) + b_sym) * d, sequences=X)
    compute_with_bnoise = theano.function(
        inputs=[X, W, b_sym], outputs=results, updates=updates, allow_input_downcast=True
    )
    x = np.eye(10, 2, dtype=theano.config.floatX)
    w = np.ones((2, 2), dtype=theano.config.floatX)
    b = np.ones((2), dtype=theano.config.floatX)

    out = compute_with_bnoise(x, w, b)  # edit: checked instead of printed
    clean = np.tanh(x.dot(w) + b)
    mask = out / clean
    assert set(np.unique(mask)) <= {0.0, 1.0}
    np.testing.assert_allclose(out, clean * mask, rtol=1e-6)
    assert len({tuple(row) for row in mask}) > 1, "every step drew the same mask"
    again = compute_with_bnoise(x, w, b)
    assert not np.array_equal(again, out), "updates did not advance the stream"


def test_binomial_passed_as_non_sequence_is_one_draw_for_all_steps():
    """loop.txt: "if you want to use a random variable d that will not be updated through scan
    loops, you should pass this variable as a non_sequences argument"."""
    X = T.matrix("X")
    W = T.matrix("W")
    b_sym = T.vector("b_sym")
    trng = T.shared_randomstreams.RandomStreams(1234)
    d = trng.binomial(size=W[1].shape)

    results, updates = theano.scan(
        lambda v, d: T.tanh(T.dot(v, W) + b_sym) * d, sequences=X, non_sequences=d
    )
    f = theano.function([X, W, b_sym], results, updates=updates, allow_input_downcast=True)
    x = np.eye(10, 2)
    out = f(x, np.ones((2, 2)), np.ones(2))
    masks = out / np.tanh(x.dot(np.ones((2, 2))) + 1)
    assert len({tuple(row) for row in masks}) == 1


def test_gibbs_chain_draws_inside_the_step():
    """scan.txt's Gibbs chain: binomial draws made in the step, updates passed to function."""
    rng = np.random.RandomState(0)
    W_values = rng.uniform(-1, 1, size=(6, 4)).astype(theano.config.floatX)  # edit: synthetic
    bvis_values = np.zeros(6, dtype=theano.config.floatX)
    bhid_values = np.zeros(4, dtype=theano.config.floatX)

    W = theano.shared(W_values)
    bvis = theano.shared(bvis_values)
    bhid = theano.shared(bhid_values)

    trng = T.shared_randomstreams.RandomStreams(1234)

    def OneStep(vsample):
        hmean = T.nnet.sigmoid(theano.dot(vsample, W) + bhid)
        hsample = trng.binomial(size=hmean.shape, n=1, p=hmean)
        vmean = T.nnet.sigmoid(theano.dot(hsample, W.T) + bvis)
        return trng.binomial(size=vsample.shape, n=1, p=vmean, dtype=theano.config.floatX)

    sample = theano.tensor.vector()

    values, updates = theano.scan(OneStep, outputs_info=sample, n_steps=10)

    gibbs10 = theano.function([sample], values[-1], updates=updates)
    chain = theano.function([sample], values, updates=updates)  # edit: the whole chain too

    start = np.ones(6, dtype=theano.config.floatX)
    states = chain(start)
    assert states.shape == (10, 6) and set(np.unique(states)) <= {0.0, 1.0}
    assert len({tuple(s) for s in states}) > 1
    assert gibbs10(start).shape == (6,)
    assert len(updates) == 2  # both generators' final states


def test_updates_dictionary_accumulates_and_power():
    """loop.txt's accumulator and pow(A, k), with the warn flag the tutorial sets."""
    theano.config.warn.subtensor_merge_bug = False

    # define shared variables
    k = theano.shared(0)
    n_sym = T.iscalar("n_sym")

    results, updates = theano.scan(lambda: {k: (k + 1)}, n_steps=n_sym)
    accumulator = theano.function([n_sym], [], updates=updates, allow_input_downcast=True)
    assert k.get_value() == 0
    accumulator(5)
    assert k.get_value() == 5

    k = T.iscalar("k")
    A = T.vector("A")

    def inner_fct(prior_result, B):
        return prior_result * B

    # Symbolic description of the result
    result, updates = theano.scan(fn=inner_fct, outputs_info=T.ones_like(A), non_sequences=A, n_steps=k)

    # Scan has provided us with A ** 1 through A ** k.  Keep only the last
    # value. Scan notices this and does not waste memory saving them.
    final_result = result[-1]

    power = theano.function(inputs=[A, k], outputs=final_result, updates=updates)
    np.testing.assert_allclose(power(np.arange(10, dtype=theano.config.floatX), 2), np.arange(10) ** 2)


def test_conditional_ending_with_until():
    """scan.txt: all powers of two up to ``max_value``, ending with ``scan_module.until``."""

    def power_of_2(previous_power, max_value):
        return previous_power * 2, theano.scan_module.until(previous_power * 2 > max_value)

    max_value = T.scalar()
    values, _ = theano.scan(power_of_2, outputs_info=T.constant(1.0), non_sequences=max_value, n_steps=1024)

    f = theano.function([max_value], values)

    np.testing.assert_allclose(f(45), [2, 4, 8, 16, 32, 64])
