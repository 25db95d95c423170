"""Denny Britz's WildML RNN language model (``RNNTheano``): a vanilla RNN over word indices.

Ported from https://github.com/dennybritz/rnn-tutorial-rnnlm, rnn_theano.py.
Licence: Apache License 2.0 (its NOTICE: Copyright 2015 and ongoing Denny Britz).

Edits: imports; Python 3; float64 weights from a seeded generator (``theano.config.floatX`` is
float64 here); a synthetic corpus of 8 "words" in place of the Reddit download; the gradient
check returns the worst relative error instead of printing, and uses h = 1e-6 in float64; a
NumPy forward pass checks ``ce_error``. The graph is the tutorial's, call for call: ``scan`` with
``outputs_info=[None, dict(initial=...)]``, ``truncate_gradient``, ``strict=True``,
``T.nnet.softmax`` of a vector, ``T.nnet.categorical_crossentropy`` with integer targets, and
updates as a list of pairs.
"""

import operator

import numpy as np

import symrnn.theano as theano
from symrnn.theano import tensor as T


class RNNTheano:
    def __init__(self, word_dim, hidden_dim=100, bptt_truncate=4, seed=0):
        self.word_dim = word_dim
        self.hidden_dim = hidden_dim
        self.bptt_truncate = bptt_truncate
        rng = np.random.default_rng(seed)
        U = rng.uniform(-np.sqrt(1.0 / word_dim), np.sqrt(1.0 / word_dim), (hidden_dim, word_dim))
        V = rng.uniform(-np.sqrt(1.0 / hidden_dim), np.sqrt(1.0 / hidden_dim), (word_dim, hidden_dim))
        W = rng.uniform(-np.sqrt(1.0 / hidden_dim), np.sqrt(1.0 / hidden_dim), (hidden_dim, hidden_dim))
        self.U = theano.shared(name="U", value=U.astype(theano.config.floatX))
        self.V = theano.shared(name="V", value=V.astype(theano.config.floatX))
        self.W = theano.shared(name="W", value=W.astype(theano.config.floatX))
        self.theano = {}
        self.__theano_build__()

    def __theano_build__(self):
        U, V, W = self.U, self.V, self.W
        x = T.ivector("x")
        y = T.ivector("y")

        def forward_prop_step(x_t, s_t_prev, U, V, W):
            s_t = T.tanh(U[:, x_t] + W.dot(s_t_prev))
            o_t = T.nnet.softmax(V.dot(s_t))
            return [o_t[0], s_t]

        [o, s], updates = theano.scan(
            forward_prop_step,
            sequences=x,
            outputs_info=[None, dict(initial=T.zeros(self.hidden_dim))],
            non_sequences=[U, V, W],
            truncate_gradient=self.bptt_truncate,
            strict=True,
        )
        prediction = T.argmax(o, axis=1)
        o_error = T.sum(T.nnet.categorical_crossentropy(o, y))
        dU = T.grad(o_error, U)
        dV = T.grad(o_error, V)
        dW = T.grad(o_error, W)
        self.forward_propagation = theano.function([x], o)
        self.predict = theano.function([x], prediction)
        self.ce_error = theano.function([x, y], o_error)
        self.bptt = theano.function([x, y], [dU, dV, dW])
        learning_rate = T.scalar("learning_rate")
        self.sgd_step = theano.function(
            [x, y, learning_rate],
            [],
            updates=[
                (self.U, self.U - learning_rate * dU),
                (self.V, self.V - learning_rate * dV),
                (self.W, self.W - learning_rate * dW),
            ],
        )

    def calculate_total_loss(self, X, Y):
        return np.sum([self.ce_error(x, y) for x, y in zip(X, Y)])

    def calculate_loss(self, X, Y):
        num_words = np.sum([len(y) for y in Y])
        return self.calculate_total_loss(X, Y) / float(num_words)


def gradient_check_theano(model, x, y, h=1e-6):
    """The tutorial's check, returning the largest relative error over every weight."""
    bptt_gradients = model.bptt(x, y)
    worst = 0.0
    for pidx, pname in enumerate(["U", "V", "W"]):
        parameter_T = operator.attrgetter(pname)(model)
        parameter = parameter_T.get_value()
        it = np.nditer(parameter, flags=["multi_index"], op_flags=["readwrite"])
        while not it.finished:
            ix = it.multi_index
            original_value = parameter[ix]
            parameter[ix] = original_value + h
            parameter_T.set_value(parameter)
            gradplus = model.calculate_total_loss([x], [y])
            parameter[ix] = original_value - h
            parameter_T.set_value(parameter)
            gradminus = model.calculate_total_loss([x], [y])
            estimated_gradient = (gradplus - gradminus) / (2 * h)
            parameter[ix] = original_value
            parameter_T.set_value(parameter)
            backprop_gradient = bptt_gradients[pidx][ix]
            denominator = np.abs(backprop_gradient) + np.abs(estimated_gradient)
            if denominator > 1e-10:
                worst = max(worst, np.abs(backprop_gradient - estimated_gradient) / denominator)
            it.iternext()
    return worst


def corpus(n_sentences=20, length=7, vocabulary=8, seed=1):
    """Sentences of word indices that follow a rule: each word is the previous one plus 1 or 2."""
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(n_sentences):
        words = [int(rng.integers(vocabulary))]
        for _ in range(length):
            words.append((words[-1] + int(rng.integers(1, 3))) % vocabulary)
        sentences.append(np.array(words, dtype=np.int32))
    return [s[:-1] for s in sentences], [s[1:] for s in sentences]


def numpy_ce_error(model, x, y):
    U, V, W = (p.get_value() for p in (model.U, model.V, model.W))
    s, total = np.zeros(model.hidden_dim), 0.0
    for x_t, y_t in zip(x, y):
        s = np.tanh(U[:, x_t] + W.dot(s))
        z = V.dot(s)
        o = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        total -= np.log(o[y_t])
    return total


def test_full_bptt_gradients_equal_finite_differences():
    model = RNNTheano(word_dim=8, hidden_dim=5, bptt_truncate=1000)
    X, Y = corpus(n_sentences=1)
    assert gradient_check_theano(model, X[0], Y[0]) < 1e-6


def numpy_dV(model, x, y, last_k):
    """dV of the summed loss, counting only the last ``last_k`` positions, as Theano's
    ``truncate_gradient`` does for weights used inside the loop."""
    U, V, W = (p.get_value() for p in (model.U, model.V, model.W))
    s, dV = np.zeros(model.hidden_dim), np.zeros_like(V)
    for t, (x_t, y_t) in enumerate(zip(x, y)):
        s = np.tanh(U[:, x_t] + W.dot(s))
        z = V.dot(s)
        o = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        if t >= len(x) - last_k:
            o[y_t] -= 1.0
            dV += np.outer(o, s)
    return dV


def test_truncated_bptt_counts_the_last_steps_only():
    x, y = (a[0] for a in corpus(n_sentences=1))
    model = RNNTheano(word_dim=8, hidden_dim=5, bptt_truncate=2)
    full = RNNTheano(word_dim=8, hidden_dim=5, bptt_truncate=1000).bptt(x, y)
    truncated = model.bptt(x, y)
    np.testing.assert_allclose(truncated[1], numpy_dV(model, x, y, last_k=2), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(full[1], numpy_dV(model, x, y, last_k=len(x)), rtol=1e-10, atol=1e-12)
    assert np.abs(truncated[2] - full[2]).max() > 1e-6


def test_loss_equals_numpy_and_sgd_learns_the_rule():
    model = RNNTheano(word_dim=8, hidden_dim=16)
    X, Y = corpus()
    for x, y in zip(X[:3], Y[:3]):
        np.testing.assert_allclose(model.ce_error(x, y), numpy_ce_error(model, x, y), rtol=1e-10)
    before = model.calculate_loss(X, Y)
    for _ in range(15):
        for x, y in zip(X, Y):
            model.sgd_step(x, y, 0.05)
    after = model.calculate_loss(X, Y)
    assert before > np.log(8) - 0.1  # about uniform over 8 words at the start
    assert after < before - 0.5 and after < np.log(2) + 0.2  # two choices are left for each next word
    assert model.predict(X[0]).shape == Y[0].shape
