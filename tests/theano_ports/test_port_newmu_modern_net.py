"""Alec Radford's "modern net": ReLU MLP with MRG_RandomStreams dropout and RMSprop.

Ported from https://github.com/Newmu/Theano-Tutorials, 4_modern_net.py.
Licence: MIT, Copyright (c) 2014 Alec Radford.

Edits: imports; Python 3; a synthetic 4-class problem (16 inputs) instead of MNIST, with layers
of 32 and 16 units, minibatches of 64, 25 epochs and ``lr=0.003``; the loop records the cost
and the test checks that it falls, that accuracy rises, and that the noise-free prediction
matches a NumPy forward pass.
"""

import numpy as np

import symrnn.theano as theano
from symrnn.theano import tensor as T
from symrnn.theano.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams

srng = RandomStreams()


def floatX(X):
    return np.asarray(X, dtype=theano.config.floatX)


def init_weights(shape):
    return theano.shared(floatX(np.random.randn(*shape) * 0.01))


def rectify(X):
    return T.maximum(X, 0.0)


def softmax(X):
    e_x = T.exp(X - X.max(axis=1).dimshuffle(0, "x"))
    return e_x / e_x.sum(axis=1).dimshuffle(0, "x")


def RMSprop(cost, params, lr=0.001, rho=0.9, epsilon=1e-6):
    grads = T.grad(cost=cost, wrt=params)
    updates = []
    for p, g in zip(params, grads):
        acc = theano.shared(p.get_value() * 0.0)
        acc_new = rho * acc + (1 - rho) * g**2
        gradient_scaling = T.sqrt(acc_new + epsilon)
        g = g / gradient_scaling
        updates.append((acc, acc_new))
        updates.append((p, p - lr * g))
    return updates


def dropout(X, p=0.0):
    if p > 0:
        retain_prob = 1 - p
        X *= srng.binomial(X.shape, p=retain_prob, dtype=theano.config.floatX)
        X /= retain_prob
    return X


def model(X, w_h, w_h2, w_o, p_drop_input, p_drop_hidden):
    X = dropout(X, p_drop_input)
    h = rectify(T.dot(X, w_h))

    h = dropout(h, p_drop_hidden)
    h2 = rectify(T.dot(h, w_h2))

    h2 = dropout(h2, p_drop_hidden)
    py_x = softmax(T.dot(h2, w_o))
    return h, h2, py_x


def synthetic_data(rng, n):
    """Four Gaussian clusters in 16 dimensions, one-hot labels (edit: in place of load.mnist)."""
    centres = rng.randn(4, 16)
    labels = rng.randint(4, size=n)
    X = centres[labels] + 0.7 * rng.randn(n, 16)
    return floatX(X), floatX(np.eye(4)[labels])


def test_modern_net_with_dropout_learns_and_predicts_like_numpy():
    np.random.seed(42)
    trX, trY = synthetic_data(np.random.RandomState(0), 512)
    teX, teY = synthetic_data(np.random.RandomState(0), 512 + 256)
    teX, teY = teX[512:], teY[512:]

    X = T.fmatrix()
    Y = T.fmatrix()

    w_h = init_weights((16, 32))
    w_h2 = init_weights((32, 16))
    w_o = init_weights((16, 4))

    noise_h, noise_h2, noise_py_x = model(X, w_h, w_h2, w_o, 0.2, 0.5)
    h, h2, py_x = model(X, w_h, w_h2, w_o, 0.0, 0.0)
    y_x = T.argmax(py_x, axis=1)

    cost = T.mean(T.nnet.categorical_crossentropy(noise_py_x, Y))
    params = [w_h, w_h2, w_o]
    updates = RMSprop(cost, params, lr=0.003)

    train = theano.function(inputs=[X, Y], outputs=cost, updates=updates, allow_input_downcast=True)
    predict = theano.function(inputs=[X], outputs=y_x, allow_input_downcast=True)
    noisy = theano.function(inputs=[X], outputs=noise_py_x, allow_input_downcast=True)

    accuracy_before = np.mean(np.argmax(teY, axis=1) == predict(teX))
    costs = []
    for _ in range(25):
        for start, end in zip(range(0, len(trX), 64), range(64, len(trX), 64)):
            costs.append(train(trX[start:end], trY[start:end]))
    accuracy = np.mean(np.argmax(teY, axis=1) == predict(teX))
    assert np.mean(costs[-7:]) < 0.5 * np.mean(costs[:7]), costs
    assert accuracy > max(0.9, accuracy_before)

    relu = lambda a: np.maximum(a, 0)  # noqa: E731
    logits = relu(relu(teX @ w_h.get_value()) @ w_h2.get_value()) @ w_o.get_value()
    np.testing.assert_array_equal(predict(teX), logits.argmax(axis=1))
    assert not np.array_equal(noisy(teX[:8]), noisy(teX[:8]))  # dropout draws anew per call
