"""Theano-era code runs on symrnn.theano with only its imports changed (issue 6).

The lesson tests are the fast.ai lesson 6 Theano notebook as it was written (plus a lesson-7
style LSTM): nothing but the three import lines below names symrnn. The later tests pin the
compat layer's own promises: Theano's semantics where PyTensor differs, and clear errors for
what is not provided.
"""

import os

os.environ.setdefault("SYMRNN_MODE", "FAST_COMPILE")

import math  # noqa: E402
import re  # noqa: E402
from collections import OrderedDict  # noqa: E402
from itertools import chain  # noqa: E402

import numpy as np  # noqa: E402
import pytensor  # noqa: E402
import pytest  # noqa: E402
from numpy.random import normal  # noqa: E402
from pydoc_data.topics import topics  # noqa: E402

import symrnn.theano as theano  # noqa: E402
from symrnn.theano import shared, tensor as T  # noqa: E402
from symrnn.theano.tensor import nnet  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def lesson_config():
    """The lesson's .theanorc: float32; FAST_COMPILE also for .eval() and scan's inner loop."""
    with theano.config.change_flags(floatX="float32", mode="FAST_COMPILE"):
        yield


# ---------------------------------------------------------------------------------------------
# Lesson 6, "Theano RNN" and "Theano GRU", as the notebook wrote them.
# ---------------------------------------------------------------------------------------------

n_hidden = 16
cs = 8


@pytest.fixture(scope="module")
def text_data():
    """One-hot windows of ``cs`` chars and their next chars, as the lesson's oh_x_rnn/oh_y_rnn."""
    text = "".join(topics.values())[:16000]  # 1999 windows: "a few thousand" for each model
    chars = sorted(set(text))
    chars.insert(0, "\0")
    vocab_size = len(chars)
    char_indices = dict((c, i) for i, c in enumerate(chars))
    idx = [char_indices[c] for c in text]
    c_in_dat = [[idx[i + n] for i in range(0, len(idx) - 1 - cs, cs)] for n in range(cs)]
    c_out_dat = [[idx[i + n] for i in range(1, len(idx) - cs, cs)] for n in range(cs)]
    x_rnn = np.stack(c_in_dat, axis=1)
    y_rnn = np.stack(c_out_dat, axis=1)
    oh_x_rnn = np.eye(vocab_size)[x_rnn]
    oh_y_rnn = np.eye(vocab_size)[y_rnn]
    return vocab_size, oh_x_rnn, oh_y_rnn, y_rnn


def init_wgts(rows, cols):
    scale = math.sqrt(2 / rows)
    return shared(normal(scale=scale, size=(rows, cols)).astype(np.float32))


def init_bias(rows):
    return shared(np.zeros(rows, dtype=np.float32))


def wgts_and_bias(n_in, n_out):
    return init_wgts(n_in, n_out), init_bias(n_out)


def id_and_bias(n):
    return shared(np.eye(n, dtype=np.float32)), init_bias(n)


def upd_dict(wgts, grads, lr):
    return OrderedDict({w: w - g * lr for (w, g) in zip(wgts, grads)})


def train(fn, X, Y, l_rate):
    """The lesson's loop; returns every window's error instead of printing means of 1000."""
    errs = []
    for i in range(len(X)):
        errs.append(fn(np.zeros(n_hidden), X[i], Y[i], l_rate))
    return np.array(errs)


def assert_error_falls(errs):
    """The mean error of the last 300 windows is clearly below that of the first 100."""
    first, last = errs[:100].mean(), errs[-300:].mean()
    assert np.all(np.isfinite(errs))
    assert last < 0.9 * first, (first, last)


def lesson_graph(step, w_all):
    """Inputs, scan, loss and SGD updates, the same in every lesson model."""
    t_inp = T.matrix("inp")
    t_outp = T.matrix("outp")
    t_h0 = T.vector("h0")
    lr = T.scalar("lr")
    all_args = [t_h0, t_inp, t_outp, lr]
    [v_h, v_y], _ = theano.scan(
        step, sequences=t_inp, outputs_info=[t_h0, None], non_sequences=w_all
    )
    error = nnet.categorical_crossentropy(v_y, t_outp).sum()
    g_all = T.grad(error, w_all)
    upd = upd_dict(w_all, g_all, lr)
    fn = theano.function(all_args, error, updates=upd, allow_input_downcast=True)
    f_y = theano.function([t_h0, t_inp], v_y, allow_input_downcast=True)
    return fn, f_y


def test_lesson6_theano_rnn(text_data):
    vocab_size, X, Y, _ = text_data
    n_input = n_output = vocab_size
    np.random.seed(0)

    W_h = id_and_bias(n_hidden)
    W_x = wgts_and_bias(n_input, n_hidden)
    W_y = wgts_and_bias(n_hidden, n_output)
    w_all = list(chain.from_iterable([W_h, W_x, W_y]))

    def step(x, h, W_h, b_h, W_x, b_x, W_y, b_y):
        # Calculate the hidden activations
        h = nnet.relu(T.dot(x, W_x) + b_x + T.dot(h, W_h) + b_h)
        # Calculate the output activations
        y = nnet.softmax(T.dot(h, W_y) + b_y)
        # Return both (the 'Flatten()' is to work around a theano bug)
        return h, T.flatten(y, 1)

    fn, f_y = lesson_graph(step, w_all)
    assert_error_falls(train(fn, X, Y, 0.01))

    pred = f_y(np.zeros(n_hidden), X[6])
    assert pred.shape == (cs, vocab_size)
    np.testing.assert_allclose(pred.sum(axis=1), 1, rtol=1e-5)


def test_lesson6_theano_gru_separate_weights(text_data):
    vocab_size, X, Y, _ = text_data
    n_input = n_output = vocab_size
    np.random.seed(1)

    W_h = id_and_bias(n_hidden)
    W_x = init_wgts(n_input, n_hidden)
    W_y = wgts_and_bias(n_hidden, n_output)
    rW_h = init_wgts(n_hidden, n_hidden)
    rW_x = wgts_and_bias(n_input, n_hidden)
    uW_h = init_wgts(n_hidden, n_hidden)
    uW_x = wgts_and_bias(n_input, n_hidden)
    w_all = list(chain.from_iterable([W_h, W_y, uW_x, rW_x]))
    w_all.extend([W_x, uW_h, rW_h])

    def gate(x, h, W_h, W_x, b_x):
        return nnet.sigmoid(T.dot(x, W_x) + b_x + T.dot(h, W_h))

    def step(x, h, W_h, b_h, W_y, b_y, uW_x, ub_x, rW_x, rb_x, W_x, uW_h, rW_h):
        reset = gate(x, h, rW_h, rW_x, rb_x)
        update = gate(x, h, uW_h, uW_x, ub_x)
        h_new = gate(x, h * reset, W_h, W_x, b_h)
        h = update * h + (1 - update) * h_new
        y = nnet.softmax(T.dot(h, W_y) + b_y)
        return h, T.flatten(y, 1)

    fn, _ = lesson_graph(step, w_all)
    assert_error_falls(train(fn, X, Y, 0.1))


def test_lesson6_theano_gru_combined_weights(text_data):
    vocab_size, X, Y, _ = text_data
    n_input = n_output = vocab_size
    np.random.seed(2)

    W = (
        shared(
            np.concatenate([np.eye(n_hidden), normal(size=(n_input, n_hidden))]).astype(np.float32)
        ),
        init_bias(n_hidden),
    )
    rW = wgts_and_bias(n_input + n_hidden, n_hidden)
    uW = wgts_and_bias(n_input + n_hidden, n_hidden)
    W_y = wgts_and_bias(n_hidden, n_output)
    w_all = list(chain.from_iterable([W, W_y, uW, rW]))

    def gate(m, W, b):
        return nnet.sigmoid(T.dot(m, W) + b)

    def step(x, h, W, b, W_y, b_y, uW, ub, rW, rb):
        m = T.concatenate([h, x])
        reset = gate(m, rW, rb)
        update = gate(m, uW, ub)
        m = T.concatenate([h * reset, x])
        h_new = gate(m, W, b)
        h = update * h + (1 - update) * h_new
        y = nnet.softmax(T.dot(h, W_y) + b_y)
        return h, T.flatten(y, 1)

    fn, _ = lesson_graph(step, w_all)
    assert_error_falls(train(fn, X, Y, 0.1))


def test_lesson7_style_lstm_integer_targets_and_update_pairs(text_data):
    """An LSTM with combined [h, x] weights, integer targets and Keras-style update pairs."""
    vocab_size, X, _, y_idx = text_data
    n_input = n_output = vocab_size
    np.random.seed(3)

    def gate_wgts():
        return wgts_and_bias(n_hidden + n_input, n_hidden)

    W_i, W_f, W_o, W_c = gate_wgts(), gate_wgts(), gate_wgts(), gate_wgts()
    W_f[1].set_value(np.ones(n_hidden, dtype=np.float32))  # forget-gate bias 1
    W_y = wgts_and_bias(n_hidden, n_output)
    params = list(chain.from_iterable([W_i, W_f, W_o, W_c, W_y]))

    def step(x, h, c, W_i, b_i, W_f, b_f, W_o, b_o, W_c, b_c, W_y, b_y):
        m = T.concatenate([h, x])
        i = T.nnet.sigmoid(T.dot(m, W_i) + b_i)
        f = T.nnet.sigmoid(T.dot(m, W_f) + b_f)
        o = T.nnet.sigmoid(T.dot(m, W_o) + b_o)
        c = f * c + i * T.tanh(T.dot(m, W_c) + b_c)
        h = o * T.tanh(c)
        y = T.nnet.softmax(T.dot(h, W_y) + b_y)
        return h, c, T.flatten(y, 1)

    t_inp = T.matrix("inp")
    t_outp = T.ivector("outp")
    t_h0 = T.vector("h0")
    lr = T.scalar("lr")
    (v_h, v_c, v_y), updates = theano.scan(
        step,
        sequences=t_inp,
        outputs_info=[t_h0, T.zeros_like(t_h0), None],
        non_sequences=params,
    )
    assert len(updates) == 0
    error = T.nnet.categorical_crossentropy(v_y, t_outp).sum()
    grads = T.grad(error, params)
    sgd = [(p, p - lr * g) for p, g in zip(params, grads)]
    fn = theano.function([t_h0, t_inp, t_outp, lr], error, updates=sgd, allow_input_downcast=True)

    assert_error_falls(train(fn, X, y_idx, 0.1))


def test_lesson6_small_checks_against_numpy():
    """The notebook's "Pure python RNN" checks of Theano against NumPy."""
    eps = 1e-7

    def x_entropy(pred, actual):
        return -np.sum(actual * np.log(np.clip(pred, eps, 1 - eps)))

    def x_entropy_d(pred, actual):
        return -actual / pred

    def softmax(x):
        return np.exp(x) / np.exp(x).sum()

    def softmax_d(x):
        sm = softmax(x)
        res = np.expand_dims(-sm, -1) * sm
        res[np.diag_indices_from(res)] = sm * (1 - sm)
        return res

    test_preds = np.array([0.2, 0.7, 0.1])
    test_actuals = np.array([0.0, 1.0, 0.0])
    np.testing.assert_allclose(
        nnet.categorical_crossentropy(test_preds, test_actuals).eval(),
        x_entropy(test_preds, test_actuals),
    )

    test_inp = T.dvector()
    test_out = nnet.categorical_crossentropy(test_inp, test_actuals)
    test_grad = theano.function([test_inp], T.grad(test_out, test_inp))
    np.testing.assert_allclose(test_grad(test_preds), x_entropy_d(test_preds, test_actuals))

    np.testing.assert_allclose(nnet.softmax(test_preds).eval(), [softmax(test_preds)])

    test_out = T.flatten(nnet.softmax(test_inp))
    test_grad = theano.function([test_inp], theano.gradient.jacobian(test_out, test_inp))
    np.testing.assert_allclose(test_grad(test_preds), softmax_d(test_preds))
    np.testing.assert_allclose(
        test_grad(test_preds)[0], [0.2022, -0.1306, -0.0717], atol=1e-4
    )  # the notebook's printed values


# ---------------------------------------------------------------------------------------------
# Theano semantics where PyTensor differs.
# ---------------------------------------------------------------------------------------------


def test_scan_returns_outputs_and_updates_pair():
    v = T.vector("v")
    result = theano.scan(lambda x: x * 2, sequences=v)
    assert isinstance(result, tuple) and len(result) == 2
    outputs, updates = result
    assert isinstance(updates, OrderedDict) and len(updates) == 0
    np.testing.assert_allclose(
        theano.function([v], outputs)(np.array([1, 2, 3], dtype="float32")), [2, 4, 6]
    )


@pytest.mark.filterwarnings("ignore:RandomStream is deprecated:FutureWarning")
@pytest.mark.filterwarnings("ignore:RandomVariable Ops will stop hiding:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:Setting default_update is deprecated:DeprecationWarning")
def test_scan_returns_random_state_updates():
    """Theano code passed scan's updates on to function; PyTensor now deprecates this path."""
    srng = pytensor.tensor.random.utils.RandomStream(seed=0)
    h0 = T.vector("h0")
    walk, updates = theano.scan(
        lambda h: h + srng.normal(0, 1, size=(2,)), outputs_info=h0, n_steps=3
    )
    assert len(updates) == 1
    f = theano.function([h0], walk, updates=updates)
    first, second = f(np.zeros(2, "float32")), f(np.zeros(2, "float32"))
    assert first.shape == (3, 2) and not np.allclose(first, second)  # the state advanced


def test_softmax_of_vector_is_a_row_and_of_matrix_is_per_row():
    assert nnet.softmax(T.vector()).ndim == 2
    assert nnet.softmax(np.array([1.0, 2.0, 3.0])).eval().shape == (1, 3)
    m = np.array([[1.0, 2.0], [3.0, 5.0]])
    out = nnet.softmax(m).eval()
    np.testing.assert_allclose(out.sum(axis=1), [1, 1])  # PyTensor's default sums to 1 overall
    np.testing.assert_allclose(out[1], np.exp([3, 5]) / np.exp([3, 5]).sum(), rtol=1e-6)
    with pytest.raises(ValueError, match="1-d or 2-d"):
        nnet.softmax(T.tensor3())


def test_flatten_ndim_and_old_outdim():
    x = T.tensor3("x")
    assert T.flatten(x).ndim == 1
    assert T.flatten(x, 1).ndim == 1
    assert T.flatten(x, 2).ndim == 2
    assert T.flatten(x, ndim=2).ndim == 2
    assert T.flatten(x, outdim=2).ndim == 2
    value = np.arange(24, dtype="float32").reshape(2, 3, 4)
    assert T.flatten(x, outdim=2).eval({x: value}).shape == (2, 12)
    with pytest.raises(ValueError, match="only specify ndim"):
        T.flatten(x, ndim=2, outdim=2)


def test_categorical_crossentropy_integer_targets_match_one_hot():
    p = np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]])
    t = np.array([1, 0, 1])
    by_index = nnet.categorical_crossentropy(p, t).eval()
    by_one_hot = nnet.categorical_crossentropy(p, np.eye(2)[t]).eval()
    np.testing.assert_allclose(by_index, -np.log(p[np.arange(3), t]))
    np.testing.assert_allclose(by_index, by_one_hot)
    with pytest.raises(TypeError, match="rank mismatch"):
        nnet.categorical_crossentropy(p, np.array(1))
    with pytest.raises(TypeError, match="integer vector required"):
        nnet.categorical_crossentropy(T.matrix(), T.vector())


def test_binary_crossentropy_and_activations_use_theano_formulas():
    p, t = np.array([0.9, 0.2, 0.5]), np.array([1.0, 0.0, 1.0])
    np.testing.assert_allclose(
        nnet.binary_crossentropy(p, t).eval(), -(t * np.log(p) + (1 - t) * np.log(1 - p))
    )
    x = T.dvector("x")
    values = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(nnet.relu(x).eval({x: values}), [0, 0, 3])
    np.testing.assert_allclose(nnet.relu(x, 0.1).eval({x: values}), [-0.2, 0, 3], rtol=1e-6)
    relu_grad = theano.function([x], T.grad(nnet.relu(x).sum(), x))
    np.testing.assert_allclose(relu_grad(values), [0, 0.5, 1])  # Theano's 0.5 * (x + |x|)
    np.testing.assert_allclose(nnet.hard_sigmoid(x).eval({x: values}), [0.1, 0.5, 1])
    np.testing.assert_allclose(nnet.elu(x).eval({x: values}), [np.expm1(-2), 0, 3])
    np.testing.assert_allclose(nnet.sigmoid(x).eval({x: values}), 1 / (1 + np.exp(-values)))


def test_nnet_is_reachable_by_every_theano_spelling():
    from symrnn.theano.tensor.nnet import nnet as nnet_module  # fast.ai utils.py's spelling

    assert T.nnet is nnet
    assert T.nnet.relu is nnet.relu is nnet_module.relu
    assert nnet.softmax is nnet_module.softmax


def test_updates_as_list_of_pairs_and_as_ordered_dict():
    w = shared(np.float32(1.0), name="w")
    for updates in ([(w, w * 2)], OrderedDict([(w, w * 2)])):
        w.set_value(np.float32(1.0))
        step = theano.function([], w, updates=updates)
        assert step() == 1.0 and step() == 2.0 and w.get_value() == 4.0


def test_givens_minibatch_pattern():
    """deeplearning.net's tutorials: data in a shared variable, minibatches through givens."""
    data = shared(np.arange(12, dtype="float32").reshape(6, 2))
    index = T.lscalar("index")
    x = T.matrix("x")
    batch_size = 2
    batch_sum = theano.function(
        [index], x.sum(), givens={x: data[index * batch_size : (index + 1) * batch_size]}
    )
    assert batch_sum(0) == 0 + 1 + 2 + 3
    assert batch_sum(2) == 8 + 9 + 10 + 11
    as_pairs = theano.function([index], x.sum(), givens=[(x, data[index : index + 1])])
    assert as_pairs(5) == 10 + 11


def test_eval():
    x = T.dvector("x")
    np.testing.assert_allclose((x * 2).eval({x: np.array([1.0, 2.0])}), [2, 4])
    np.testing.assert_allclose(T.arange(3).eval(), [0, 1, 2])
    np.testing.assert_allclose(shared(np.ones(2)).sum().eval(), 2)


def test_allow_input_downcast_keeps_theano_default():
    x = T.fvector("x")
    s = T.fscalar("s")
    f = theano.function([x, s], x * s)
    np.testing.assert_allclose(f(np.ones(2, "float32"), 0.5), [0.5, 0.5])  # Python float: OK
    with pytest.raises(TypeError):
        f(np.ones(2), 0.5)  # a float64 array is not silently downcast
    g = theano.function([x, s], x * s, allow_input_downcast=True)
    np.testing.assert_allclose(g(np.ones(2), 0.5), [0.5, 0.5])


def test_function_mode_defaults_to_symrnn_mode(monkeypatch):
    x = T.vector("x")
    monkeypatch.setenv("SYMRNN_MODE", "NO_SUCH_MODE")
    with pytest.raises(ValueError, match="NO_SUCH_MODE"):
        theano.function([x], x * 2)
    assert theano.function([x], x * 2, mode="FAST_COMPILE")(np.ones(1, "float32")) == 2


def test_config_forwards_to_pytensor():
    assert theano.config.floatX == pytensor.config.floatX == "float32"
    assert T.matrix().dtype == "float32" and T.matrix("x", "float64").dtype == "float64"
    with theano.config.change_flags(floatX="float64"):
        assert pytensor.config.floatX == "float64"
    theano.config.floatX = "float64"
    try:
        assert pytensor.config.floatX == "float64"
    finally:
        theano.config.floatX = "float32"
    assert theano.config.device == "cpu"
    theano.config.device = "cpu"
    with pytest.raises(theano.NotProvided, match=re.escape("theano.config.device='gpu'")):
        theano.config.device = "gpu"


# ---------------------------------------------------------------------------------------------
# What is not provided fails clearly.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "get, api, instead",
    [
        (lambda: T.nnet.conv2d, "theano.tensor.nnet.conv2d", "convolve2d"),
        (lambda: nnet.nnet.conv2d, "theano.tensor.nnet.nnet.conv2d", "convolve2d"),
        (lambda: theano.sandbox, "theano.sandbox", "CUDA"),
        (lambda: theano.gpuarray, "theano.gpuarray", "CUDA"),
        (lambda: T.shared_randomstreams, "theano.tensor.shared_randomstreams", "random"),
        (lambda: T.signal, "theano.tensor.signal", "pooling"),
        (lambda: theano.ifelse, "theano.ifelse", "pytensor.ifelse.ifelse"),
        (lambda: T.patternbroadcast, "theano.tensor.patternbroadcast", "symrnn.theano provides"),
        (lambda: T.erfinv, "theano.tensor.erfinv", "pytensor.tensor.erfinv exists"),
        (lambda: theano.gradient.consider_constant, "theano.gradient.consider_constant", ""),
        (lambda: theano.config.lib, "theano.config.lib", ""),
    ],
)
def test_unsupported_attribute_raises_clear_error(get, api, instead):
    message = re.escape(f"symrnn.theano: {api} is not provided")
    with pytest.raises(NotImplementedError, match=message) as e:
        get()
    assert isinstance(e.value, AttributeError)  # so hasattr() answers False
    assert instead in str(e.value)


@pytest.mark.parametrize(
    "statement, api",
    [
        ("from symrnn.theano.sandbox import cuda", "theano.sandbox"),
        ("import symrnn.theano.sandbox.rng_mrg", "theano.sandbox"),
        ("from symrnn.theano.tensor.signal import pool", "theano.tensor.signal"),
        (
            "from symrnn.theano.tensor.shared_randomstreams import RandomStreams",
            "theano.tensor.shared_randomstreams",
        ),
    ],
)
def test_unsupported_module_import_raises_clear_error(statement, api):
    with pytest.raises(ImportError, match=re.escape(f"symrnn.theano: {api} is not provided")) as e:
        exec(statement, {})
    assert isinstance(e.value, NotImplementedError)


def test_hasattr_and_private_probes_see_a_plain_miss():
    assert not hasattr(T.nnet, "conv2d")
    assert not hasattr(theano, "sandbox")
    assert getattr(T, "_ipython_canary_method_should_not_exist_", None) is None
    with pytest.raises(ImportError, match="cannot import name 'conv2d'"):
        exec("from symrnn.theano.tensor.nnet import conv2d", {})
