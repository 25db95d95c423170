"""The built-in cells and stacks of them, against NumPy twins."""
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from cellcheck import np_gru, np_gru_combined, np_lstm, np_scan, np_simple_rnn, randomise, run, values

from symrnn.backends.compile import default_mode
from symrnn.errors import ConfigError
from symrnn.gradient_check.check import gradcheck
from symrnn.nn.cells import GRU, LSTM, GRUCombined, SimpleRNN, Stacked
from symrnn.nn.recurrent import SCAN_KWARGS

N_IN, H, T, B = 3, 4, 5, 2

CELLS = {
    "simple": (lambda: SimpleRNN(N_IN, H, "tanh", dtype="float64"), np_simple_rnn),
    "gru": (lambda: GRU(N_IN, H, dtype="float64"), np_gru),
    "gru_combined": (lambda: GRUCombined(N_IN, H, dtype="float64"), np_gru_combined),
    "lstm": (lambda: LSTM(N_IN, H, dtype="float64"), np_lstm),
}


def data(seed, n_states=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(T, B, N_IN)), [rng.normal(size=(B, H)) for _ in range(n_states)]


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_scan_equals_numpy_equations(kind):
    make, np_step = CELLS[kind]
    cell = randomise(make(), seed=1)
    xs, states = data(2, len(cell.state_names))
    out, final = run(cell, xs, states)
    expected, expected_final = np_scan(np_step, values(cell), xs, states)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    for got, want in zip(final, expected_final):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_gradients_of_masked_sequences_pass_gradcheck(kind):
    report = gradcheck(CELLS[kind][0](), seq_len=4, batch_size=3, mask=True, seed=1)
    assert report.passed, report.table()
    assert "grad_vs_bptt" in report.pairs  # checked against the NumPy BPTT twin too


def test_separate_and_combined_gru_compute_the_same_function():
    gru = randomise(GRU(N_IN, H, dtype="float64"), seed=5)
    combined = GRUCombined(N_IN, H, dtype="float64")
    p = values(gru)
    for gate in "rzh":
        combined_params = {q.name: q for q in combined.params}
        combined_params[f"W_{gate}"].set_value(np.vstack([p[f"W_h{gate}"], p[f"W_x{gate}"]]))
        combined_params[f"b_{gate}"].set_value(p[f"b_{gate}"])
    xs, states = data(6)
    out_gru, _ = run(gru, xs, states)
    out_combined, _ = run(combined, xs, states)
    np.testing.assert_allclose(out_combined, out_gru, rtol=1e-12, atol=1e-14)


def test_gru_combined_params_are_vstacked_shapes():
    cell = GRUCombined(N_IN, H, dtype="float64")
    assert cell.param_names == ["W_r", "b_r", "W_z", "b_z", "W_h", "b_h"]
    assert cell.params[0].get_value().shape == (H + N_IN, H)


def test_gru_parameters_and_initialisation():
    cell = GRU(N_IN, H, dtype="float64")
    assert cell.param_names == ["W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xh", "W_hh", "b_h"]
    p = values(cell)
    for gate in "rzh":
        np.testing.assert_allclose(p[f"W_h{gate}"] @ p[f"W_h{gate}"].T, np.eye(H), atol=1e-12)
        assert not p[f"b_{gate}"].any()
        limit = np.sqrt(6 / (N_IN + H))
        assert 0 < abs(p[f"W_x{gate}"]).max() <= limit


def test_lstm_layout_and_forget_bias():
    cell = LSTM(N_IN, H, dtype="float64")
    assert cell.state_names == ("h", "c") and cell.param_names == ["W_x", "W_h", "b"]
    p = values(cell)
    np.testing.assert_array_equal(p["b"], np.r_[np.zeros(H), np.ones(H), np.zeros(2 * H)])
    for k in range(4):  # each gate's recurrent block is orthogonal on its own
        block = p["W_h"][:, k * H:(k + 1) * H]
        np.testing.assert_allclose(block @ block.T, np.eye(H), atol=1e-12)
    b = values(LSTM(N_IN, H, forget_bias=2.5, dtype="float64"))["b"]
    assert (b[H:2 * H] == 2.5).all() and not np.delete(b, np.s_[H:2 * H]).any()


def test_lstm_output_is_h_and_final_states_are_h_and_c():
    cell = randomise(LSTM(N_IN, H, dtype="float64"), seed=7)
    xs, states = data(8, 2)
    out, (h, c) = run(cell, xs, states)
    np.testing.assert_array_equal(out[-1], h)
    assert not np.allclose(h, c)


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_backwards_equals_forward_on_reversed_input(kind):
    cell = randomise(CELLS[kind][0](), seed=9)
    xs, states = data(10, len(cell.state_names))
    back, back_final = run(cell, xs, states, go_backwards=True)
    fwd, fwd_final = run(cell, xs[::-1].copy(), states)
    np.testing.assert_allclose(back, fwd[::-1], rtol=1e-12)
    for got, want in zip(back_final, fwd_final):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_masked_lstm_steps_leave_both_states_unchanged():
    cell = randomise(LSTM(N_IN, H, dtype="float64"), seed=11)
    xs, states = data(12, 2)
    mask = np.ones((T, B))
    mask[2:, 0] = 0  # sequence 0 has 2 real steps
    out, final = run(cell, xs, states, mask=mask)
    short_out, short_final = run(cell, xs[:2, :1], [s[:1] for s in states])
    np.testing.assert_allclose(out[2:, 0], np.repeat(short_out[-1], T - 2, axis=0), rtol=1e-12)
    for got, want in zip(final, short_final):  # h and c both stop at the last real step
        np.testing.assert_allclose(got[:1], want, rtol=1e-12)
    full_out, _ = run(cell, xs[:, 1:], [s[1:] for s in states])
    np.testing.assert_allclose(out[:, 1], full_out[:, 0], rtol=1e-12)


def test_cells_work_in_float32():
    cell = LSTM(N_IN, H)
    xs = np.random.default_rng(0).normal(size=(T, B, N_IN)).astype("float32")
    out, final = run(cell, xs)
    assert out.dtype == np.float32 and out.shape == (T, B, H) and final[1].shape == (B, H)


def test_sizes_are_validated():
    with pytest.raises(ConfigError, match="n_hidden"):
        GRU(3, 0)
    with pytest.raises(ConfigError, match="n_in"):
        LSTM(-1, 4)


def three_layers():
    """SimpleRNN (3→4) under GRU (4→5) under LSTM (5→2): three kinds of cell, one stack."""
    cells = [SimpleRNN(3, 4, "tanh", dtype="float64"), GRU(4, 5, dtype="float64"),
             LSTM(5, 2, dtype="float64")]
    for k, cell in enumerate(cells):
        randomise(cell, seed=k)
    return Stacked(cells)


def test_names_sizes_and_params_are_the_layers_in_order():
    stack = three_layers()
    assert stack.state_names == ("l0.h", "l1.h", "l2.h", "l2.c")
    assert stack.output_state == "l2.h" and stack.output_index() == 2
    assert stack.state_sizes() == [4, 5, 2, 2]
    assert stack.params == [p for c in stack.cells for p in c.params]
    assert stack.param_names[:5] == ["l0.W_h", "l0.b_h", "l0.W_x", "l0.b_x", "l1.W_xr"]
    assert (stack.n_in, stack.n_hidden) == (3, 2)


def test_stacked_step_equals_numpy_layer_by_layer():
    stack = three_layers()
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(4, 2, 3))
    states = [rng.normal(size=(2, n)) for n in stack.state_sizes()]
    out, final = run(stack, xs, states)
    simple, gru, lstm = (values(c) for c in stack.cells)

    def np_stack(_, x, h2, h0, h1, c2):
        (h0,) = np_simple_rnn(simple, x, h0)
        (h1,) = np_gru(gru, h0, h1)
        h2, c2 = np_lstm(lstm, h1, h2, c2)
        return h2, h0, h1, c2  # the output first, as np_scan collects state 0

    expected, (h2, h0, h1, c2) = np_scan(np_stack, None, xs, [states[2], *states[:2], states[3]])
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    for got, want in zip(final, [h0, h1, h2, c2]):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_stacked_equals_scanning_layer_after_layer():
    stack = three_layers()
    xs = np.random.default_rng(1).normal(size=(5, 2, 3))
    out, _ = run(stack, xs)
    for cell in stack.cells:
        xs, _ = run(cell, xs)
    np.testing.assert_allclose(out, xs, rtol=1e-12)


def test_stepping_all_layers_in_one_scan_equals_the_layer_by_layer_scan():
    stack = three_layers()
    rng = np.random.default_rng(3)
    xs = rng.normal(size=(4, 2, 3))
    states = [rng.normal(size=(2, n)) for n in stack.state_sizes()]
    x = pt.tensor3("x", dtype="float64")
    h0 = [pt.matrix(name, dtype="float64") for name in ("h0", "h1", "h2", "c2")]
    one_scan = pytensor.scan(stack.step, sequences=[x], outputs_info=h0, non_sequences=stack.params,
                             return_list=True, **SCAN_KWARGS)
    out = pytensor.function([x, *h0], one_scan[stack.output_index()], mode=default_mode())(xs, *states)
    np.testing.assert_allclose(out, run(stack, xs, states)[0], rtol=1e-12)


def test_gradients_of_stacked_masked_sequences_pass_gradcheck():
    stack = Stacked([GRU(3, 2), LSTM(2, 2)])
    report = gradcheck(stack, seq_len=3, batch_size=2, mask=True, seed=2)
    assert report.passed, report.table()
    assert "l1.c0" in report.errors and "grad_vs_bptt" in report.pairs


def test_mismatched_layers_are_refused():
    with pytest.raises(ConfigError, match="layer 1 takes 3 inputs but layer 0 outputs 4"):
        Stacked([GRU(2, 4), GRU(3, 4)])
    with pytest.raises(ConfigError, match="dtype"):
        Stacked([GRU(2, 4), GRU(4, 4, dtype="float64")])
    with pytest.raises(ConfigError, match="non-empty"):
        Stacked([])
