"""``theano.function(..., mode='JAX')`` compiles per shape at call time: the lesson's Theano RNN runs on JAX
with the numbers of PyTensor's own backend (within float32 rounding)."""
import math
from collections import OrderedDict
from itertools import chain

import numpy as np
import pytest

import symrnn.theano as theano
from symrnn.theano import shared
from symrnn.theano import tensor as T
from symrnn.theano.tensor import nnet


def lessons_rnn(mode, n_hidden=8, n_io=6, seed=0):
    """The lesson's Theano RNN (one-hot in and out, relu, identity W_h, SGD through ``upd_dict``)."""
    rng = np.random.default_rng(seed)

    def wgts_and_bias(n_in, n_out):
        return (shared(rng.normal(scale=math.sqrt(2 / n_in), size=(n_in, n_out)).astype(np.float32)),
                shared(np.zeros(n_out, dtype=np.float32)))

    t_inp, t_outp, t_h0, lr = T.matrix("inp"), T.matrix("outp"), T.vector("h0"), T.scalar("lr")
    W_h = (shared(np.eye(n_hidden, dtype=np.float32)), shared(np.zeros(n_hidden, dtype=np.float32)))
    w_all = list(chain.from_iterable([W_h, wgts_and_bias(n_io, n_hidden), wgts_and_bias(n_hidden, n_io)]))

    def step(x, h, W_h, b_h, W_x, b_x, W_y, b_y):
        h = nnet.relu(T.dot(x, W_x) + b_x + T.dot(h, W_h) + b_h)
        return h, T.flatten(nnet.softmax(T.dot(h, W_y) + b_y), 1)

    [_, v_y], _ = theano.scan(step, sequences=t_inp, outputs_info=[t_h0, None], non_sequences=w_all)
    error = nnet.categorical_crossentropy(v_y, t_outp).sum()
    upd = OrderedDict((w, w - g * lr) for w, g in zip(w_all, T.grad(error, w_all)))
    fn = theano.function([t_h0, t_inp, t_outp, lr], error, updates=upd, allow_input_downcast=True, mode=mode)
    f_y = theano.function([t_h0, t_inp], v_y, allow_input_downcast=True, mode=mode)
    return fn, f_y, w_all


@pytest.fixture
def float32():
    old = theano.config.floatX
    theano.config.floatX = "float32"
    yield
    theano.config.floatX = old


def test_the_lessons_theano_rnn_trains_on_jax_as_on_pytensors_default_backend(float32):
    data = np.random.default_rng(1)
    X = np.eye(6)[data.integers(0, 6, size=(12, 8))]
    Y = np.eye(6)[data.integers(0, 6, size=(12, 8))]
    results = {}
    for mode in ("JAX", "FAST_COMPILE"):
        fn, f_y, w_all = lessons_rnn(mode)
        errors = [float(fn(np.zeros(8), X[i], Y[i], 0.01)) for i in range(len(X))]
        results[mode] = errors, f_y(np.zeros(8), X[6]), [w.get_value() for w in w_all]
    np.testing.assert_allclose(results["JAX"][0], results["FAST_COMPILE"][0], rtol=1e-4)
    np.testing.assert_allclose(results["JAX"][1], results["FAST_COMPILE"][1], rtol=1e-4, atol=1e-6)
    for a, b in zip(results["JAX"][2], results["FAST_COMPILE"][2]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    _, f_y, _ = lessons_rnn("JAX")
    assert f_y(np.zeros(8), X[0][:3]).shape == (3, 6)  # another length: another compile, no error


def test_jax_mode_refuses_a_float64_array_unless_downcasting_is_allowed(float32):
    x = T.vector("x")
    f = theano.function([x], x * 2, mode="JAX")
    with pytest.raises(TypeError, match="allow_input_downcast"):
        f(np.ones(3))
    np.testing.assert_array_equal(f(np.ones(3, np.float32)), [2, 2, 2])
