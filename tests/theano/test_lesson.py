"""Theano-era code runs on symrnn.theano with only its imports changed.

The lesson tests port the fast.ai lesson 6 Theano notebook, https://github.com/fastai/courses,
deeplearning1/nbs/lesson6.ipynb ("Theano RNN", "Theano GRU", the "Pure python RNN" checks;
Apache License 2.0), plus a lesson-7 style LSTM. Edits: the imports; Python 3; Python's own
documentation text instead of the Nietzsche download; each window's error is kept and checked
instead of printed. The later tests pin the compat layer's own promises: Theano's semantics
where PyTensor differs, and clear errors for what is not provided. Other Theano idioms are in
test_idioms.py; import forms are walked in test_imports.py.
"""

import math
import re
from collections import OrderedDict
from itertools import chain
from pydoc_data.topics import topics

import numpy as np
import pytensor
import pytest
from numpy.random import normal

import symrnn.theano as theano
from symrnn.theano import shared
from symrnn.theano import tensor as T
from symrnn.theano.tensor import nnet


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
    text = "".join(topics.values())[:6400]  # 799 windows: enough for each model to learn
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
        h = nnet.relu(T.dot(x, W_x) + b_x + T.dot(h, W_h) + b_h)
        y = nnet.softmax(T.dot(h, W_y) + b_y)
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
        (lambda: theano.sandbox.cuda, "theano.sandbox.cuda", "mode='JAX'"),
        (lambda: theano.gpuarray, "theano.gpuarray", "mode='JAX'"),
        (lambda: T.signal, "theano.tensor.signal", "pooling"),
        (lambda: T.erfinv, "theano.tensor.erfinv", "pytensor.tensor.erfinv exists"),
        (lambda: theano.config.lib, "theano.config.lib", "delete the line"),
        (lambda: theano.sandbox.rng_mrg.MRG_RandomStreams().normal((2,), truncate=True),
         "theano.sandbox.rng_mrg.MRG_RandomStreams.normal(truncate=True)", "without truncate"),
    ],
)
def test_unsupported_attribute_raises_clear_error(get, api, instead):
    message = re.escape(f"symrnn.theano: {api} is not provided")
    with pytest.raises(NotImplementedError, match=message) as e:
        get()
    assert isinstance(e.value, AttributeError)  # so hasattr() answers False
    assert instead in str(e.value)


# ---------------------------------------------------------------------------------------------
# The old conveniences.
# ---------------------------------------------------------------------------------------------


def test_param_and_in_defaults_fill_omitted_trailing_arguments():
    x, scale, shift = T.dscalar("x"), T.dscalar("scale"), T.dscalar("shift")
    f = theano.function([x, theano.Param(scale, default=2.0), theano.In(shift, value=0.5)], x * scale + shift)
    assert f(1.0) == 2.5
    assert f(1.0, 3.0) == 3.5
    assert f(1.0, 3.0, 0.0) == 3.0
    assert f(1.0, shift=1.0) == 3.0 and f(x=1.0) == 2.5
    with pytest.raises(TypeError, match="missing argument 'x'"):
        f()
    with pytest.raises(TypeError, match="unknown arguments"):
        f(1.0, bias=1.0)
    assert f.maker is not None  # the compiled function's attributes stay reachable
    no_defaults = theano.function([x, theano.In(scale)], x * scale)
    assert type(no_defaults) is type(pytensor.function([x], x))  # PyTensor's own when nothing has a default


def test_config_flags_that_mean_nothing_are_accepted():
    theano.config.warn.subtensor_merge_bug = False
    theano.config.warn.sum_div_dimshuffle_bug = False
    assert theano.config.warn.subtensor_merge_bug is False
    assert theano.config.warn.round is False  # never set: reads False
    theano.config.compute_test_value = "raise"
    assert theano.config.compute_test_value == "raise"
    x = T.vector("x")
    x.tag.test_value = np.ones(2, "float32")  # the line that goes with it is harmless
    theano.config.compute_test_value = "off"
    previous = theano.config.exception_verbosity
    theano.config.exception_verbosity = "high"
    assert pytensor.config.exception_verbosity == "high"
    theano.config.exception_verbosity = previous
    with pytest.raises(theano.NotProvided, match="config.warn"):
        theano.config.warn = None


def test_mode_printing_ifelse_and_clone():
    x = T.dscalar("x")
    mode = theano.Mode(linker="py", optimizer="fast_compile")
    assert theano.function([x], x * 2, mode=mode)(3.0) == 6.0
    assert theano.compile.mode.get_mode("FAST_COMPILE") is not None
    assert "x" in theano.printing.debugprint(x * 2, file="str")
    choose = theano.function([x], theano.ifelse.ifelse(T.gt(x, 0), x, -x))
    assert choose(-2.0) == 2.0 and choose(3.0) == 3.0
    y = T.dscalar("y")
    cloned = theano.clone(x * 2 + 1, replace={x: y})
    assert theano.function([y], cloned)(4.0) == 9.0


def test_map_reduce_foldl_foldr_return_theano_pairs():
    v = T.dvector("v")
    squares, updates = theano.map(lambda a: a**2, sequences=v)
    total, _ = theano.reduce(lambda a, acc: acc + a, sequences=v, outputs_info=T.constant(0.0, dtype="float64"))
    left, _ = theano.foldl(lambda a, acc: acc * 10 + a, sequences=v, outputs_info=T.constant(0.0, dtype="float64"))
    right, _ = theano.foldr(lambda a, acc: acc * 10 + a, sequences=v, outputs_info=T.constant(0.0, dtype="float64"))
    f = theano.function([v], [squares, total, left, right])
    out = f(np.array([1.0, 2.0, 3.0]))
    assert len(updates) == 0
    np.testing.assert_allclose(out[0], [1, 4, 9])
    assert out[1] == 6 and out[2] == 123 and out[3] == 321


def test_consider_constant_blocks_the_gradient():
    x = T.dscalar("x")
    g = theano.function([x], T.grad(x * theano.gradient.consider_constant(x * x), x))
    assert g(3.0) == 9.0  # d/dx (x * c) with c = x**2 held constant


def test_theano_1_tensor_functions_against_numpy():
    a = np.array([[1.5, -2.5], [0.5, 4.0]])
    b = np.arange(8.0).reshape(2, 2, 2)
    m, t3 = T.dmatrix("m"), T.dtensor3("t3")
    cases = [
        (T.round(m), np.round(a)),
        (T.iround(m), np.round(a).astype("int64")),
        (T.log2(abs(m)), np.log2(abs(a))),
        (T.log10(abs(m)), np.log10(abs(a))),
        (T.inv(m), 1 / a),
        (T.diag(m), np.diag(a)),
        (T.roll(m, 1, axis=1), np.roll(a, 1, axis=1)),
        (T.where(T.gt(m, 0), m, 0), np.where(a > 0, a, 0)),
        (T.horizontal_stack(m, m), np.hstack([a, a])),
        (T.vertical_stack(m, m), np.vstack([a, a])),
        (T.shape_padaxis(m, 1), a[:, None, :]),
        (T.batched_dot(t3, t3), np.einsum("bij,bjk->bik", b, b)),
        (T.batched_dot(m, t3), np.einsum("bj,bjk->bk", a, b)),
        (T.batched_dot(t3, m), np.einsum("bij,bj->bi", b, a)),
        (T.batched_dot(m, m), (a * a).sum(axis=1)),
    ]
    f = theano.function([m, t3], [symbolic for symbolic, _ in cases], on_unused_input="ignore")
    for (_, expected), got in zip(cases, f(a, b)):
        np.testing.assert_allclose(got, expected)
    row = T.drow("r")
    assert T.addbroadcast(T.dmatrix(), 0).type.shape[0] == 1
    assert T.patternbroadcast(T.dmatrix(), (True, False)).type.shape == (1, None)
    assert T.unbroadcast(m, 0) is m
    with pytest.raises(theano.NotProvided, match="cannot forget a length-1 dimension"):
        T.unbroadcast(row, 0)


def test_rop_and_lop():
    x, v = T.dvector("x"), T.dvector("v")
    y = x**2
    jvp = theano.function([x, v], T.Rop(y, x, v))
    vjp = theano.function([x, v], T.Lop(y, x, v))
    np.testing.assert_allclose(jvp(np.array([1.0, 2.0]), np.array([1.0, 1.0])), [2, 4])
    np.testing.assert_allclose(vjp(np.array([1.0, 2.0]), np.array([3.0, 1.0])), [6, 4])


# ---------------------------------------------------------------------------------------------
# Random streams: Theano's signatures.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("streams", ["shared", "mrg"])
def test_random_streams_signatures_and_distributions(streams):
    from symrnn.theano.sandbox.rng_mrg import MRG_RandomStreams
    from symrnn.theano.tensor.shared_randomstreams import RandomStreams

    srng = RandomStreams(7) if streams == "shared" else MRG_RandomStreams(7)
    n = 4000
    draws = {
        "uniform": srng.uniform((n,), low=2.0, high=3.0),
        "normal": srng.normal((n,), avg=1.0, std=2.0),
        "binomial_mask": srng.binomial(size=(n,), p=0.25, dtype="float32"),
        "binomial_positional": srng.binomial((n,), p=0.75, n=1),
        "binomial_counts": srng.binomial(size=(n,), n=5, p=0.5),
        "multinomial": srng.multinomial(pvals=np.array([[0.2, 0.8]] * n)),
        "permutation": srng.permutation(size=(3,), n=5),
    }
    f = theano.function([], list(draws.values()))
    out = dict(zip(draws, f()))
    assert out["uniform"].dtype == theano.config.floatX and 2 <= out["uniform"].min() < out["uniform"].max() < 3
    assert abs(out["normal"].mean() - 1) < 0.15 and abs(out["normal"].std() - 2) < 0.15
    assert out["binomial_mask"].dtype == np.float32 and abs(out["binomial_mask"].mean() - 0.25) < 0.03
    assert out["binomial_positional"].dtype == np.int64 and abs(out["binomial_positional"].mean() - 0.75) < 0.03
    assert abs(out["binomial_counts"].mean() - 2.5) < 0.1
    assert out["multinomial"].shape == (n, 2) and abs(out["multinomial"][:, 1].mean() - 0.8) < 0.03
    assert out["permutation"].shape == (3, 5) and all(sorted(p) == list(range(5)) for p in out["permutation"])
    again = dict(zip(draws, f()))
    assert not np.array_equal(out["uniform"], again["uniform"])  # default updates advance the streams

    srng.seed(11)
    first = f()[0]
    srng.seed(11)
    np.testing.assert_array_equal(f()[0], first)  # seed() restarts every stream reproducibly
    assert len(srng.updates()) == len(draws)
    no_update = theano.function([], draws["uniform"], no_default_updates=True)
    np.testing.assert_array_equal(no_update(), no_update())


def test_random_draws_inside_scan_are_new_at_each_step_and_call():
    from symrnn.theano.tensor.shared_randomstreams import RandomStreams

    srng = RandomStreams(3)
    outside, passed_in = srng.uniform((4,)), srng.uniform((4,))
    steps, updates = theano.scan(
        lambda step, fixed: [srng.uniform((4,)), outside, fixed], sequences=T.arange(5), non_sequences=passed_in
    )
    f = theano.function([], steps, updates=updates)
    inside, closed_over, passed = f()
    assert len({tuple(r) for r in inside}) == 5  # drawn in the step: new at every step
    assert len({tuple(r) for r in closed_over}) == 5  # closed over: Theano drew it in the loop too
    assert len({tuple(r) for r in passed}) == 1  # a non-sequence: one value for the loop
    assert not np.array_equal(f()[0], inside)  # updates advance the loop's streams per call
