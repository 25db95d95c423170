"""Theano-era idioms that public Theano scripts rely on, each checked against NumPy: custom Ops,
``as_op``, random streams inside and outside ``scan``, updates returned by a step, ``until``,
``truncate_gradient``, ``Param`` defaults with ``givens``, dropout switched by a shared flag.

The models here are small ones of our own; the real scripts run in symrnn's hidden checks.
"""
import numpy as np
import pytest

import symrnn.theano as theano
import symrnn.theano.tensor as T
from symrnn.theano.compile.ops import as_op
from symrnn.theano.sandbox.rng_mrg import MRG_RandomStreams


@pytest.fixture(autouse=True)
def quick_compiles():
    with theano.config.change_flags(mode="FAST_COMPILE"):
        yield


def central_differences(f, x, eps=1e-6):
    """∂f/∂x of a scalar function of a float64 array, by central differences."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def relative_error(a, b):
    return np.abs(a - b).max() / max(np.abs(a).max(), np.abs(b).max(), 1e-300)


# -- custom Ops ------------------------------------------------------------------------------

class Cube(theano.Op):
    """x ↦ x³, elementwise, with its gradient, R-operator and shape."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return theano.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0] ** 3

    def infer_shape(self, node, shapes):
        return shapes

    def grad(self, inputs, output_grads):
        return [3 * inputs[0] ** 2 * output_grads[0]]

    def R_op(self, inputs, eval_points):
        return [None] if eval_points[0] is None else self.grad(inputs, eval_points)


def test_a_custom_op_computes_differentiates_and_knows_its_shape():
    x, v = T.dmatrix("x"), T.dmatrix("v")
    value = np.random.default_rng(1).normal(size=(3, 4))
    np.testing.assert_allclose(theano.function([x], Cube()(x))(value), value ** 3)
    loss = Cube()(x).sum() * 0.5
    analytic = theano.function([x], T.grad(loss, x))(value)
    numeric = central_differences(theano.function([x], loss), value)
    assert relative_error(analytic, numeric) < 1e-7
    jvp = theano.function([x, v], T.Rop(Cube()(x), x, v))
    np.testing.assert_allclose(jvp(value, np.ones_like(value)), 3 * value ** 2)
    np.testing.assert_array_equal(theano.function([x], Cube()(x).shape)(np.zeros((5, 2))), [5, 2])


def _outer_shape(node, shapes):
    return [(shapes[0][0], shapes[1][0])]


@as_op(itypes=[T.dvector, T.dvector], otypes=[T.dmatrix], infer_shape=_outer_shape)
def numpy_outer(a, b):
    return np.outer(a, b)


def test_as_op_wraps_a_numpy_function_with_its_shape():
    a, b = T.dvector(), T.dvector()
    product, shape = theano.function([a, b], [numpy_outer(a, b), numpy_outer(a, b).shape])(np.arange(3.0), np.ones(2))
    np.testing.assert_array_equal(product, np.outer(np.arange(3.0), np.ones(2)))
    np.testing.assert_array_equal(shape, [3, 2])


# -- random streams and scan -----------------------------------------------------------------

def _masked_rows(non_sequence):
    """scan over the rows of an all-ones (20, 6) matrix, multiplied by a 0/1 draw of 6."""
    rows = T.dmatrix("rows")
    draw = T.shared_randomstreams.RandomStreams(7).binomial(size=(6,), dtype="float64")
    if non_sequence:
        out, updates = theano.scan(lambda row, mask: row * mask, sequences=rows, non_sequences=draw)
    else:
        out, updates = theano.scan(lambda row: row * draw, sequences=rows)
    return theano.function([rows], out, updates=updates)


def test_a_draw_the_step_closes_over_is_new_at_every_step_and_every_call():
    f = _masked_rows(non_sequence=False)
    first, second = f(np.ones((20, 6))), f(np.ones((20, 6)))
    assert set(np.unique(first)) <= {0.0, 1.0}
    assert len({tuple(row) for row in first}) > 1
    assert not np.array_equal(first, second)


def test_a_draw_passed_as_a_non_sequence_is_one_draw_for_all_steps():
    out = _masked_rows(non_sequence=True)(np.ones((20, 6)))
    assert len({tuple(row) for row in out}) == 1


def test_a_markov_chain_drawn_inside_the_step():
    streams = T.shared_randomstreams.RandomStreams(3)
    flip = theano.shared(0.3)

    def step(state):
        return abs(state - streams.binomial(size=state.shape, p=flip, dtype="float64"))

    start = T.dvector("start")
    chain, updates = theano.scan(step, outputs_info=start, n_steps=50)
    states = theano.function([start], chain, updates=updates)(np.zeros(8))
    assert states.shape == (50, 8) and set(np.unique(states)) <= {0.0, 1.0}
    changes = np.abs(np.diff(states, axis=0)).mean()
    assert 0.15 < changes < 0.45  # each bit flips with probability 0.3
    assert len(updates) == 1


def test_a_step_that_returns_updates_and_a_power_by_scan():
    counter, n = theano.shared(0), T.iscalar("n")
    _, updates = theano.scan(lambda: {counter: counter + 2}, n_steps=n)
    theano.function([n], [], updates=updates)(4)
    assert counter.get_value() == 8
    base, k = T.dvector("base"), T.iscalar("k")
    powers, _ = theano.scan(lambda prior, b: prior * b, outputs_info=T.ones_like(base), non_sequences=base, n_steps=k)
    np.testing.assert_allclose(theano.function([base, k], powers[-1])(np.arange(5.0), 3), np.arange(5.0) ** 3)


def test_until_ends_the_loop_early():
    def tripled(previous, limit):
        return previous * 3, theano.scan_module.until(previous * 3 > limit)

    limit = T.dscalar()
    values, _ = theano.scan(tripled, outputs_info=T.constant(1.0, dtype="float64"), non_sequences=limit, n_steps=100)
    np.testing.assert_allclose(theano.function([limit], values)(100.0), [3, 9, 27, 81, 243])


# -- a word-level RNN language model, the Theano tutorials' way ------------------------------

class WordRNN:
    """s_t = tanh(U[:, x_t] + W s_{t-1}), o_t = softmax(V s_t): a sentence of word indices at a time."""

    def __init__(self, n_words, n_hidden, truncate=-1, seed=0):
        rng = np.random.default_rng(seed)
        self.n_hidden = n_hidden
        self.U, self.V, self.W = (theano.shared(rng.uniform(-1, 1, shape) / np.sqrt(shape[1]), name=name)
                                  for name, shape in (("U", (n_hidden, n_words)), ("V", (n_words, n_hidden)),
                                                      ("W", (n_hidden, n_hidden))))
        x, y = T.ivector("x"), T.ivector("y")

        def step(x_t, s_prev, U, V, W):
            s_t = T.tanh(U[:, x_t] + W.dot(s_prev))
            return T.nnet.softmax(V.dot(s_t))[0], s_t

        (o, _), _ = theano.scan(step, sequences=x, outputs_info=[None, dict(initial=T.zeros(n_hidden))],
                                non_sequences=[self.U, self.V, self.W], truncate_gradient=truncate, strict=True)
        cost = T.sum(T.nnet.categorical_crossentropy(o, y))
        grads = T.grad(cost, [self.U, self.V, self.W])
        lr = T.dscalar("lr")
        self.loss = theano.function([x, y], cost)
        self.gradients = theano.function([x, y], grads)
        self.sgd_step = theano.function([x, y, lr], [], updates=[(p, p - lr * g)
                                                                 for p, g in zip((self.U, self.V, self.W), grads)])

    def numpy_forward(self, x):
        """The states (T, H) and the output probabilities (T, n_words) of sentence ``x``."""
        U, V, W = (p.get_value() for p in (self.U, self.V, self.W))
        states, s = [], np.zeros(self.n_hidden)
        for x_t in x:
            s = np.tanh(U[:, x_t] + W @ s)
            states.append(s)
        z = np.array(states) @ V.T
        p = np.exp(z - z.max(axis=1, keepdims=True))
        return np.array(states), p / p.sum(axis=1, keepdims=True)

    def numpy_loss(self, x, y):
        return -np.log(self.numpy_forward(x)[1][np.arange(len(y)), y]).sum()

    def numpy_dV(self, x, y, last):
        """∂loss/∂V from the ``last`` positions only: what truncating the gradient to ``last`` steps
        leaves of the output weights' gradient, which the loop reads at every step."""
        states, probs = self.numpy_forward(x)
        probs[np.arange(len(y)), y] -= 1
        return probs[-last:].T @ states[-last:]


def sentences(n, length=12, seed=0):
    """Sentences of a language where word w is followed by w + 1 or w + 2 (mod 8)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        words = [int(rng.integers(8))]
        for _ in range(length):
            words.append((words[-1] + int(rng.integers(1, 3))) % 8)
        out.append((np.array(words[:-1], np.int32), np.array(words[1:], np.int32)))
    return out


def test_the_language_models_loss_is_numpys_and_its_gradient_the_finite_differences():
    model = WordRNN(8, 5)
    x, y = sentences(1)[0]
    np.testing.assert_allclose(model.loss(x, y), model.numpy_loss(x, y), rtol=1e-10)
    for weights, analytic in zip((model.U, model.V, model.W), model.gradients(x, y)):
        original = weights.get_value()

        def loss_at(value, weights=weights):
            weights.set_value(value)
            return model.loss(x, y)

        numeric = central_differences(loss_at, original)
        weights.set_value(original)
        assert relative_error(analytic, numeric) < 1e-6, weights.name


def test_truncate_gradient_keeps_the_last_steps_of_the_recurrence_only():
    x, y = sentences(1)[0]
    full, truncated = WordRNN(8, 5), WordRNN(8, 5, truncate=2)
    np.testing.assert_allclose(full.gradients(x, y)[1], full.numpy_dV(x, y, last=len(x)), rtol=1e-10)
    np.testing.assert_allclose(truncated.gradients(x, y)[1], truncated.numpy_dV(x, y, last=2), rtol=1e-10)
    assert relative_error(full.gradients(x, y)[2], truncated.gradients(x, y)[2]) > 1e-3


def test_sgd_with_a_list_of_update_pairs_learns_the_language():
    model, data = WordRNN(8, 16, seed=1), sentences(30, seed=2)

    def mean_loss():
        return np.mean([model.loss(x, y) / len(x) for x, y in data])

    before = mean_loss()
    for _ in range(15):
        for x, y in data:
            model.sgd_step(x, y, 0.02)
    assert before > np.log(8) - 0.2 and mean_loss() < np.log(2) + 0.2  # two choices are left per word


# -- dropout switched by a shared flag, Param defaults, givens --------------------------------

def test_dropout_switched_by_a_shared_flag_keeps_or_scales():
    streams, training = MRG_RandomStreams(11), theano.shared(np.float64(0.0))
    x = T.dmatrix("x")
    keep = streams.binomial(x.shape, p=0.5, n=1, dtype="float64")
    f = theano.function([x], T.switch(training, x * keep, x * 0.5))
    value = np.random.default_rng(0).random((40, 30)) + 1
    np.testing.assert_allclose(f(value), value * 0.5)
    training.set_value(np.float64(1.0))
    first, second = f(value), f(value)
    for out in (first, second):
        kept = out != 0
        np.testing.assert_array_equal(out[kept], value[kept])
        assert 0.4 < kept.mean() < 0.6
    assert not np.array_equal(first, second)


def test_param_defaults_and_givens_drive_a_denoising_autoencoders_pretraining():
    rng = np.random.default_rng(5)
    data = rng.binomial(1, 0.5, size=(4, 16))[rng.integers(4, size=200)].astype("float64")
    dataset = theano.shared(data)
    W = theano.shared(rng.uniform(-0.3, 0.3, (16, 6)))
    b, b_out = theano.shared(np.zeros(6)), theano.shared(np.zeros(16))
    x, index = T.dmatrix("x"), T.lscalar("index")
    corruption, lr = T.dscalar("corruption"), T.dscalar("lr")
    noisy = x * T.shared_randomstreams.RandomStreams(1).binomial(size=x.shape, p=1 - corruption, dtype="float64")
    z = T.nnet.sigmoid(T.dot(T.nnet.sigmoid(T.dot(noisy, W) + b), W.T) + b_out)
    cost = T.mean(-T.sum(x * T.log(z) + (1 - x) * T.log(1 - z), axis=1))
    params = [W, b, b_out]
    step = theano.function([index, theano.Param(corruption, default=0.25), theano.Param(lr, default=0.1)], cost,
                           updates=[(p, p - lr * g) for p, g in zip(params, T.grad(cost, params))],
                           givens={x: dataset[index * 20:(index + 1) * 20]})

    def numpy_cost(rows):
        sigmoid = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
        out = sigmoid(sigmoid(rows @ W.get_value() + b.get_value()) @ W.get_value().T + b_out.get_value())
        return np.mean(-np.sum(rows * np.log(out) + (1 - rows) * np.log(1 - out), axis=1))

    before = W.get_value()
    np.testing.assert_allclose(step(0, corruption=0.0, lr=0.0), numpy_cost(data[:20]), rtol=1e-12)
    np.testing.assert_array_equal(W.get_value(), before)
    assert step(0, lr=0.0) != numpy_cost(data[:20])  # the default corruption is on
    start = numpy_cost(data)
    for _ in range(10):
        for batch in range(10):
            step(batch)
    assert numpy_cost(data) < 0.8 * start
