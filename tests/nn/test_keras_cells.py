"""Keras 1's cells: their equations against NumPy, their gradients against finite differences."""
import numpy as np
import pytest
from cellcheck import np_scan, run

from symrnn.dtypes import CHECK_DTYPE
from symrnn.gradient_check.check import gradcheck
from symrnn.nn.keras_cells import KerasGRU, KerasLSTM, KerasSimpleRNN


def hard_sigmoid(a):
    return np.clip(0.2 * a + 0.5, 0, 1)


def relu(a):
    return np.maximum(a, 0)


def np_keras_rnn(p, x, h):
    return (relu(x @ p["W"] + p["b"] + h @ p["U"]),)


def np_keras_gru(p, x, h):
    H = h.shape[-1]
    W, U, b = p["W"], p["U"], p["b"]
    z = hard_sigmoid(x @ W[:, :H] + h @ U[:, :H] + b[:H])
    r = hard_sigmoid(x @ W[:, H:2 * H] + h @ U[:, H:2 * H] + b[H:2 * H])
    h_hat = relu(x @ W[:, 2 * H:] + (r * h) @ U[:, 2 * H:] + b[2 * H:])
    return (z * h + (1 - z) * h_hat,)


def np_keras_lstm(p, x, h, c):
    i, f, g, o = np.split(x @ p["W"] + h @ p["U"] + p["b"], 4, axis=-1)
    c_new = hard_sigmoid(f) * c + hard_sigmoid(i) * np.tanh(g)
    return hard_sigmoid(o) * np.tanh(c_new), c_new


@pytest.mark.parametrize("cell_class, options, np_step", [
    (KerasSimpleRNN, {"activation": "relu"}, np_keras_rnn),
    (KerasGRU, {"activation": "relu"}, np_keras_gru),
    (KerasLSTM, {}, np_keras_lstm),
])
def test_keras_cells_follow_keras_1_equations(cell_class, options, np_step):
    rng = np.random.default_rng(0)
    cell = cell_class(3, 4, **options, dtype=CHECK_DTYPE, rng=rng)
    for p in cell.params:
        p.set_value(rng.normal(0, 0.6, p.get_value().shape))
    xs = rng.normal(size=(5, 2, 3))
    states = [rng.normal(size=(2, 4)) for _ in cell.state_names]
    out, final = run(cell, xs, states)
    want_out, want_final = np_scan(np_step, {p.name: p.get_value() for p in cell.params}, xs, states)
    np.testing.assert_allclose(out, want_out, rtol=1e-10, atol=1e-12)
    for got, want in zip(final, want_final):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_lstm_forget_bias_starts_at_one_and_keras_init_fills_each_gate_block():
    cell = KerasLSTM(3, 4, rng=np.random.default_rng(0))
    b = cell.params[2].get_value()
    np.testing.assert_array_equal(b[4:8], 1.0)
    np.testing.assert_array_equal(np.delete(b, range(4, 8)), 0.0)


@pytest.mark.parametrize("cell_class, options", [
    (KerasSimpleRNN, {"activation": "tanh"}), (KerasGRU, {}), (KerasGRU, {"activation": "relu"}), (KerasLSTM, {}),
])
@pytest.mark.parametrize("mask", [False, True])
def test_keras_cells_gradients_equal_finite_differences(cell_class, options, mask):
    cell = cell_class(3, 4, **options, dtype=CHECK_DTYPE, rng=np.random.default_rng(1))
    report = gradcheck(cell, seq_len=4, batch_size=3, mask=mask, seed=2)
    assert report.passed, str(report)
