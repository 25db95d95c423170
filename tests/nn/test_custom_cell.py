"""The public custom-cell API: a user's cell — the MGU of examples/custom_cell.py, declared with
``add_param`` and a ``step`` and nothing else — gets everything the built-in cells get."""
import importlib.util
import pathlib

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from cellcheck import np_lstm, np_scan, randomise, run, sigmoid, values

from symrnn import data
from symrnn.backends.compile import default_mode
from symrnn.errors import CellError
from symrnn.gradient_check.check import GradientCheck, gradcheck
from symrnn.nn.cells import LSTM, Cell, Stacked
from symrnn.nn.layers import Dense, OneHot, Recurrent, RecurrentDropout
from symrnn.nn.losses import sparse_categorical_crossentropy
from symrnn.nn.recurrent import scan_cell
from symrnn.optim.updates import sgd
from symrnn.training.generate import greedy_text

_path = pathlib.Path(__file__).parents[2] / "examples" / "custom_cell.py"
_spec = importlib.util.spec_from_file_location("custom_cell_example", _path)
example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(example)
MGU = example.MGU


def np_mgu(p, x, h):
    f = sigmoid(x @ p["W_xf"] + h @ p["W_hf"] + p["b_f"])
    h_hat = np.tanh(x @ p["W_xh"] + (f * h) @ p["W_hh"] + p["b_h"])
    return ((1 - f) * h + f * h_hat,)


def mgu(n_in=3, n_hidden=4, seed=0):
    return randomise(MGU(n_in, n_hidden, dtype="float64"), seed=seed)


def test_scan_over_batches_and_single_sequences_equals_numpy():
    cell = mgu()
    rng = np.random.default_rng(1)
    xs, h0 = rng.normal(size=(5, 2, 3)), rng.normal(size=(2, 4))
    out, _ = run(cell, xs, [h0])
    np.testing.assert_allclose(out, np_scan(np_mgu, values(cell), xs, [h0])[0], rtol=1e-12)
    single, _ = run(cell, xs[:, 0], [h0[0]])  # (T, n_in): no batch axis
    np.testing.assert_allclose(single, out[:, 0], rtol=1e-12)


def test_masks_and_going_backwards():
    cell = mgu(seed=2)
    xs = np.random.default_rng(3).normal(size=(5, 2, 3))
    mask = np.ones((5, 2))
    mask[2:, 1] = 0
    out, (final,) = run(cell, xs, mask=mask)
    short, (short_final,) = run(cell, xs[:2, 1:])
    np.testing.assert_allclose(final[1], short_final[0], rtol=1e-12)
    back, _ = run(cell, xs, go_backwards=True)
    fwd, _ = run(cell, xs[::-1].copy())
    np.testing.assert_allclose(back, fwd[::-1], rtol=1e-12)


def test_gradients_pass_gradcheck():
    report = gradcheck(MGU(3, 4), seq_len=4, batch_size=2, mask=True, seed=4)
    assert report.passed, report.table()
    assert set(report.errors) == {"W_xf", "W_hf", "b_f", "W_xh", "W_hh", "b_h", "W_y", "b_y", "h0"}


def test_stacks_with_built_in_cells():
    lower, upper = mgu(seed=5), randomise(LSTM(4, 2, dtype="float64"), seed=6)
    xs = np.random.default_rng(7).normal(size=(4, 2, 3))
    out, _ = run(Stacked([lower, upper]), xs)
    h1 = np_scan(np_mgu, values(lower), xs, [np.zeros((2, 4))])[0]
    expected = np_scan(np_lstm, values(upper), h1, [np.zeros((2, 2))] * 2)[0]
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_gets_variational_dropout_without_a_line_for_it():
    cell = mgu(seed=8)
    xs = np.random.default_rng(9).normal(size=(5, 2, 3))
    x_mask, h_mask = (np.random.default_rng(10).integers(0, 2, size=(2, n)) * 2.0 for n in (3, 4))
    dropped, _ = scan_cell(cell, pt.constant(xs), dropout_masks=[pt.constant(x_mask), pt.constant(h_mask)])
    out = pytensor.function([], dropped, mode=default_mode())()
    expected = np_scan(lambda p, x, h: np_mgu(p, x * x_mask, h * h_mask), values(cell), xs, [np.zeros((2, 4))])
    np.testing.assert_allclose(out, expected[0], rtol=1e-12)
    layer = Recurrent(cell, dropout=RecurrentDropout(0.3, 0.3))
    x = pt.tensor3("x", dtype="float64")
    plain = run(cell, xs)[0]
    np.testing.assert_array_equal(pytensor.function([x], layer(x, deterministic=True)[0],
                                                    mode=default_mode())(xs), plain)


def test_trains_and_samples():
    vocab = data.Vocabulary.from_text("abcab")
    idx = vocab.encode("abc" * 20)
    x, y = data.lesson_windows(idx, 6)
    rng = np.random.default_rng(11)
    cell = MGU(len(vocab), 8, rng=rng)
    encoder, output = OneHot(len(vocab), dtype="float32"), Dense(8, len(vocab), rng=rng, dtype="float32")
    params = [*cell.params, *output.params]
    inp, outp = pt.imatrix("inp"), pt.imatrix("outp")
    h0 = pt.matrix("h0", dtype="float32")
    hidden, (h_last,) = scan_cell(cell, encoder(inp), [h0])
    logits = output(hidden)
    loss = sparse_categorical_crossentropy(logits, outp).mean()
    train = pytensor.function([inp, outp, h0], loss, updates=sgd(pytensor.grad(loss, params), params, 1.0),
                              mode=default_mode())
    zeros = np.zeros((len(x), 8), dtype="float32")
    losses = [train(x.T, y.T, zeros) for _ in range(60)]
    assert losses[-1] < 0.5 * losses[0]

    predict = pytensor.function([inp, h0], [pt.special.softmax(logits, axis=-1), h_last], mode=default_mode())

    def next_probs(indices, states):
        probs, h = predict(indices, states[0] if states else np.zeros((1, 8), dtype="float32"))
        return probs, [h]

    assert greedy_text(next_probs, vocab, "abcab", 6) == "cabcab"


class TwoStates(Cell):
    """A cell whose output is its second state: h' = tanh(x·W + c), c' = h (a one-step delay)."""

    state_names = ("c", "h")
    output_state = "h"

    def __init__(self, n_in, n_hidden, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.add_param("W", (n_in, n_hidden), lambda rng, shape, dtype: rng.normal(size=shape).astype(dtype))

    def step(self, x, c, h, W):
        return h, pt.tanh(pt.dot(x, W) + c)


def test_the_output_state_need_not_be_the_first():
    cell = TwoStates(3, 2, dtype="float64")
    xs = np.random.default_rng(12).normal(size=(4, 1, 3))
    out, _ = run(cell, xs)
    W = values(cell)["W"]
    expected, c_t = [], np.zeros((1, 2))
    h_t = np.zeros((1, 2))
    for x in xs:
        c_t, h_t = h_t, np.tanh(x @ W + c_t)
        expected.append(h_t)
    np.testing.assert_allclose(out, np.stack(expected), rtol=1e-12)
    assert Stacked([TwoStates(3, 2, dtype="float64"), mgu(2, 4)]).dropout_sizes() == [(3, 2), (2, 4)]


class MGUPrecomputed(MGU):
    """docs/custom_cells.md's faster MGU: the input's products taken out of the loop."""

    def precompute_input(self, x, W_xf, W_hf, b_f, W_xh, W_hh, b_h):
        return pt.concatenate([pt.dot(x, W_xf) + b_f, pt.dot(x, W_xh) + b_h], axis=-1)

    def step(self, xw, h, W_xf, W_hf, b_f, W_xh, W_hh, b_h):
        H = self.n_hidden
        f = pt.sigmoid(xw[..., :H] + pt.dot(h, W_hf))
        h_new = pt.tanh(xw[..., H:] + pt.dot(f * h, W_hh))
        return (1 - f) * h + f * h_new


def test_precompute_input_changes_speed_not_the_function():
    plain, fast = mgu(seed=12), randomise(MGUPrecomputed(3, 4, dtype="float64"), seed=12)
    xs = np.random.default_rng(13).normal(size=(5, 2, 3))
    mask = np.ones((5, 2))
    mask[3:, 0] = 0
    for kwargs in ({}, {"mask": mask}, {"go_backwards": True}):
        np.testing.assert_allclose(run(fast, xs, **kwargs)[0], run(plain, xs, **kwargs)[0], rtol=1e-12)
    report = gradcheck(fast, seq_len=4, batch_size=2, mask=True, seed=14)
    assert report.passed, report.table()


def test_the_numpy_twin_of_the_docs_gives_all_three_pairs():
    report = gradcheck(MGU(3, 4), twin=example.MGUTwin(), seq_len=4, batch_size=2, mask=True, seed=15)
    assert report.pairs == ["grad_vs_bptt", "bptt_vs_fd", "grad_vs_fd"]
    assert report.passed, report.table()
    assert "vs MGUTwin()" in report.title


def test_gradcheck_on_data_of_your_choice():
    check = GradientCheck(MGU(3, 4), twin=example.MGUTwin())
    data = check.random_data(3, 2, np.random.default_rng(16))
    data.xs = np.full_like(data.xs, 0.5)                  # e.g. inputs away from a kink of yours
    report = check(data=data)
    assert report.passed, report.table()
    assert "given data" in report.title and report.shapes["h0"] == (2, 4)


class ReadsItsWeightFromSelf(Cell):
    def __init__(self, n_in, n_hidden, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.W = self.add_param("W", (n_in, n_hidden), init_normal)

    def step(self, x, h, W):
        return pt.tanh(pt.dot(x, self.W) + h)        # self.W, not the W scan passes


def init_normal(rng, shape, dtype):
    return rng.normal(size=shape).astype(dtype)


def test_a_cell_reading_its_parameters_from_self_is_refused_by_the_gradient_check():
    with pytest.raises(CellError, match="reads 'W' without taking it as an argument"):
        gradcheck(ReadsItsWeightFromSelf(2, 3))


def test_a_cell_reading_its_parameters_from_self_is_refused_when_scanned(monkeypatch):
    # its gradient would miss the path through self.W; PyTensor 3.3 refuses the graph with its own error
    monkeypatch.setenv("SYMRNN_GRADIENT", "saved")
    with pytest.raises(CellError, match="ReadsItsWeightFromSelf.step reads 'W' without taking it as an argument"):
        scan_cell(ReadsItsWeightFromSelf(2, 3), pt.tensor3("x", dtype="float32"))


def test_the_example_trains_through_charrnn_and_fit(tmp_path, capsys):
    text = tmp_path / "text.txt"
    text.write_text("abcab " * 40)
    result = example.main(["--text", str(text), "--steps", "60", "--hidden", "8", "--seq-len", "6",
                           "--batch", "4", "--lr", "0.02"])
    assert np.mean(result["losses"][-10:]) < np.mean(result["losses"][:10])
    assert "PASSED" in capsys.readouterr().out
