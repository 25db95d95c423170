"""Truncated BPTT both ways: the lesson's chunks with carried state, and scan's truncate_gradient."""
import numpy as np
import pytensor
import pytensor.tensor as pt
from cellcheck import randomise, run

from symrnn.backends.compile import default_mode
from symrnn.nn.cells import GRU, LSTM
from symrnn.nn.recurrent import scan_cell


def test_chunks_with_carried_state_equal_one_long_sequence():
    cell = randomise(LSTM(3, 4, dtype="float64"), seed=1)
    xs = np.random.default_rng(2).normal(size=(12, 2, 3))
    whole, whole_final = run(cell, xs)
    states = [np.zeros((2, 4))] * 2
    chunks = []
    for start in range(0, 12, 4):  # chunks of k = 4 steps, each starting where the last ended
        out, states = run(cell, xs[start:start + 4], states)
        chunks.append(out)
    np.testing.assert_allclose(np.concatenate(chunks), whole, rtol=1e-12)
    for got, want in zip(states, whole_final):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def gradients_of_losses_at_steps(cell, xs, steps, truncate_gradient):
    """[grads of outputs[t].sum() w.r.t. every parameter, for t in steps], in one compiled function."""
    outputs, _ = scan_cell(cell, pt.constant(xs), truncate_gradient=truncate_gradient)
    grads = [g for t in steps for g in pytensor.grad(outputs[t].sum(), cell.params)]
    values = pytensor.function([], grads, mode=default_mode())()
    n = len(cell.params)
    return [values[i * n:(i + 1) * n] for i in range(len(steps))]


def test_truncate_gradient_ignores_losses_before_the_last_k_steps():
    cell = randomise(GRU(3, 4, dtype="float64"), seed=3)
    xs = np.random.default_rng(4).normal(size=(6, 2, 3))
    early_full, late_full = gradients_of_losses_at_steps(cell, xs, [1, 5], truncate_gradient=-1)
    early, late = gradients_of_losses_at_steps(cell, xs, [1, 5], truncate_gradient=2)
    assert all(np.abs(g).max() > 1e-3 for g in early_full)
    assert all(not g.any() for g in early)  # step 1 is outside the last 2 steps
    assert all(np.abs(g).max() > 1e-3 for g in late)
    assert any(not np.allclose(a, b) for a, b in zip(late, late_full))  # cut after 2 steps back
