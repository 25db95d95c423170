import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from cellcheck import np_gru, np_lstm, np_scan, np_simple_rnn, randomise, run, values

from symrnn.backend import default_mode
from symrnn.cells import GRU, LSTM, SimpleRNN, Stacked
from symrnn.errors import ConfigError
from symrnn.gradient_check import gradcheck
from symrnn.recurrent import SCAN_KWARGS


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
