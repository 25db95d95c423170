"""The NumPy reference: BPTT against finite differences, its own equivalences, and NumPy purity.

Nothing here imports PyTensor: the reference is checked on its own, so that it can referee
``pytensor.grad`` (tests/test_gradcheck.py).
"""
import ast
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symrnn
from symrnn import reference
from symrnn.reference import bptt, gru, numerical

REFERENCE_DIR = pathlib.Path(reference.__file__).parent
FD_TOLERANCE, FD_FLOOR = 1e-5, 1e-4  # as symrnn.gradcheck's bptt_vs_fd


def param_shapes(cell, n_in, n_hidden):
    """Shapes of a reference cell's parameters, as the symbolic cells declare them."""
    H = n_hidden
    if isinstance(cell, reference.Stacked):
        shapes = {}
        for k, layer in enumerate(cell.layers):
            layer_shapes = param_shapes(layer, n_in if k == 0 else H, H)
            shapes.update({f"l{k}.{name}": shape for name, shape in layer_shapes.items()})
        return shapes
    if isinstance(cell, reference.GRUCombined):
        return {name: (H + n_in, H) if name.startswith("W") else (H,) for name in cell.param_names}
    if isinstance(cell, reference.GRU):
        return {name: (n_in, H) if name.startswith("W_x") else (H, H) if name.startswith("W_h") else (H,)
                for name in cell.param_names}
    if isinstance(cell, reference.LSTM):
        return {"W_x": (n_in, 4 * H), "W_h": (H, 4 * H), "b": (4 * H,)}
    return {"W_h": (H, H), "b_h": (H,), "W_x": (n_in, H), "b_x": (H,)}


def random_problem(cell, *, T=3, B=2, n_in=3, n_hidden=4, V=5, mask=False, one_hot=False, seed=0):
    """Random values (params, W_y, b_y, initial states), inputs, targets and mask."""
    rng = np.random.default_rng(seed)
    values = {name: rng.normal(0, 0.6, shape) for name, shape in param_shapes(cell, n_in, n_hidden).items()}
    values["W_y"], values["b_y"] = rng.normal(0, 0.6, (n_hidden, V)), rng.normal(0, 0.6, V)
    for key in cell.state_keys():
        values[key] = rng.normal(0, 0.6, (B, n_hidden))
    xs = rng.normal(size=(T, B, n_in))
    targets = rng.integers(0, V, size=(T, B))
    if one_hot:
        targets = np.eye(V)[targets]
    m = (np.arange(T)[:, None] < rng.integers(1, T + 1, size=B)).astype(float) if mask else None
    return values, xs, targets, m


def fd_errors(cell, values, xs, targets, mask=None):
    """{value name: max relative error of BPTT against central differences}."""
    _, grads = reference.loss_and_gradients(cell, values, xs, targets, mask)
    numeric = reference.numerical_gradients(lambda v: reference.loss(cell, v, xs, targets, mask), values)
    assert grads.keys() == values.keys()
    return {name: reference.relative_error(grads[name], numeric[name], FD_FLOOR) for name in values}


CELLS = {
    "rnn-relu": lambda: reference.SimpleRNN("relu"),
    "rnn-tanh": lambda: reference.SimpleRNN("tanh"),
    "gru": reference.GRU,
    "gru-combined": reference.GRUCombined,
    "lstm": reference.LSTM,
    "stacked": lambda: reference.Stacked([reference.SimpleRNN("tanh"), reference.LSTM(), reference.GRU()]),
}


def problem_off_kinks(cell, **kwargs):
    """``random_problem``, redrawn until relu pre-activations are clear of 0 (as gradcheck does)."""
    first = kwargs.pop("seed", 0)
    for seed in range(first, first + 100):
        values, xs, targets, mask = random_problem(cell, seed=seed, **kwargs)
        if bptt.kink_distance(cell, values, xs, mask) > 1e-3:
            return values, xs, targets, mask
    raise AssertionError("no problem away from kinks")


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("T,B", [(1, 1), (1, 3), (4, 1), (5, 3)])
def test_bptt_matches_finite_differences(name, T, B):
    cell = CELLS[name]()
    errors = fd_errors(cell, *problem_off_kinks(cell, T=T, B=B, seed=T * 10 + B))
    assert max(errors.values()) < FD_TOLERANCE, errors


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("one_hot", [False, True])
def test_bptt_with_mask_and_either_target_form(name, one_hot):
    cell = CELLS[name]()
    errors = fd_errors(cell, *problem_off_kinks(cell, T=4, B=3, mask=True, one_hot=one_hot, seed=7))
    assert max(errors.values()) < FD_TOLERANCE, errors


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(sorted(CELLS)), T=st.integers(1, 6), B=st.integers(1, 4),
       n_in=st.integers(1, 4), n_hidden=st.integers(1, 5), V=st.integers(2, 6),
       mask=st.booleans(), one_hot=st.booleans(), seed=st.integers(0, 2**16))
def test_bptt_matches_finite_differences_random_cases(name, T, B, n_in, n_hidden, V, mask, one_hot, seed):
    cell = CELLS[name]()
    problem = problem_off_kinks(cell, T=T, B=B, n_in=n_in, n_hidden=n_hidden, V=V, mask=mask,
                                one_hot=one_hot, seed=seed)
    errors = fd_errors(cell, *problem)
    assert max(errors.values()) < FD_TOLERANCE, errors


def test_wrong_backward_line_is_caught(monkeypatch):
    """Drop σ's (1 − y) factor in one GRU backward line: finite differences must disagree."""
    cell = reference.GRU()
    problem = random_problem(cell, T=3, B=2, seed=3)
    assert max(fd_errors(cell, *problem).values()) < FD_TOLERANCE
    monkeypatch.setattr(gru, "sigmoid_backward", lambda dy, z, y: dy * y)
    errors = fd_errors(cell, *problem)
    assert max(errors.values()) > 1e-2
    for untouched in ("W_y", "b_y"):  # the output layer's gradients do not pass through the step
        assert errors[untouched] < FD_TOLERANCE


def test_lessons_w_h_update_is_caught(monkeypatch):
    """Lesson 7 updates W_h with a dot product of h and dz (a scalar), not their outer product."""
    cell = reference.SimpleRNN("tanh")
    problem = random_problem(cell, T=3, B=1, seed=4)
    step_backward = reference.SimpleRNN.step_backward

    def lessons_step_backward(self, p, d_new_states, cache, grads):
        correct = grads["W_h"].copy()
        result = step_backward(self, p, d_new_states, cache, grads)
        h, h_new = cache[1], cache[3]
        dz = d_new_states[0] * (1 - h_new ** 2)  # tanh's derivative
        grads["W_h"] = correct + (h * dz).sum()
        return result

    monkeypatch.setattr(reference.SimpleRNN, "step_backward", lessons_step_backward)
    errors = fd_errors(cell, *problem)
    assert errors["W_h"] > 1e-2 and errors["W_x"] < FD_TOLERANCE


def test_batch_loss_is_summed_over_time_and_averaged_over_the_batch():
    cell = reference.LSTM()
    values, xs, targets, _ = random_problem(cell, T=4, B=3, seed=5)
    per_sequence = []
    for b in range(3):
        single = {**values, "h0": values["h0"][b], "c0": values["c0"][b]}
        per_sequence.append(reference.loss(cell, single, xs[:, b], targets[:, b]))
    assert reference.loss(cell, values, xs, targets) == pytest.approx(np.mean(per_sequence), rel=1e-12)


def test_single_sequence_equals_batch_of_one():
    cell = reference.GRU()
    values, xs, targets, _ = random_problem(cell, T=3, B=1, seed=6)
    batch_loss, batch_grads = reference.loss_and_gradients(cell, values, xs, targets)
    single = {**values, "h0": values["h0"][0]}
    loss, grads = reference.loss_and_gradients(cell, single, xs[:, 0], targets[:, 0])
    assert loss == pytest.approx(batch_loss, rel=1e-13)
    assert grads["h0"].shape == (4,)
    np.testing.assert_allclose(grads["h0"], batch_grads["h0"][0], rtol=1e-13)
    np.testing.assert_allclose(grads["W_hh"], batch_grads["W_hh"], rtol=1e-13)


def test_one_hot_and_integer_targets_agree():
    cell = reference.SimpleRNN("relu")
    values, xs, targets, _ = random_problem(cell, seed=8)
    loss, grads = reference.loss_and_gradients(cell, values, xs, targets)
    loss_1h, grads_1h = reference.loss_and_gradients(cell, values, xs, np.eye(5)[targets])
    assert loss == pytest.approx(loss_1h, rel=1e-14)
    for name in grads:
        np.testing.assert_allclose(grads[name], grads_1h[name], rtol=1e-13, atol=1e-16)


def test_mask_of_ones_changes_nothing_and_padding_carries_the_state():
    cell = reference.LSTM()
    values, xs, targets, _ = random_problem(cell, T=5, B=2, seed=9)
    ones = np.ones((5, 2))
    assert reference.loss(cell, values, xs, targets, ones) == reference.loss(cell, values, xs, targets)
    mask = np.array([[1, 1], [1, 1], [1, 0], [0, 0], [0, 0]], dtype=float)
    states0 = [values["h0"], values["c0"]]
    outputs, final, _ = reference.forward(cell, values, xs, states0, mask)
    np.testing.assert_array_equal(outputs[4, 0], outputs[2, 0])  # sequence 0 ends after 3 steps
    np.testing.assert_array_equal(final[0][1], outputs[1, 1])    # sequence 1 after 2
    # padded steps add no loss: the loss equals the loss over the real steps alone
    short = reference.loss(cell, {**values, "h0": values["h0"][:1], "c0": values["c0"][:1]},
                           xs[:3, :1], targets[:3, :1])
    only_first = reference.loss(cell, values, xs, targets, mask * np.array([1.0, 0.0]))
    assert only_first == pytest.approx(short / 2, rel=1e-13)  # / B = 2


def test_gru_combined_is_the_gru_on_stacked_weights():
    cell, combined = reference.GRU(), reference.GRUCombined()
    values, xs, targets, _ = random_problem(cell, T=3, B=2, seed=10)
    combined_values = {k: values[k] for k in ("b_r", "b_z", "b_h", "W_y", "b_y", "h0")}
    for gate, h_name in (("r", "W_hr"), ("z", "W_hz"), ("h", "W_hh")):
        combined_values[f"W_{gate}"] = np.vstack([values[h_name], values[f"W_x{gate}"]])
    loss, grads = reference.loss_and_gradients(cell, values, xs, targets)
    loss_c, grads_c = reference.loss_and_gradients(combined, combined_values, xs, targets)
    assert loss_c == pytest.approx(loss, rel=1e-13)
    np.testing.assert_allclose(grads_c["W_z"], np.vstack([grads["W_hz"], grads["W_xz"]]), rtol=1e-12)


def test_stack_of_one_is_the_layer():
    layer = reference.LSTM()
    values, xs, targets, _ = random_problem(layer, seed=11)
    stacked = reference.Stacked([layer])
    stacked_values = {(f"l0.{k}" if k not in ("W_y", "b_y") else k): v for k, v in values.items()}
    loss, grads = reference.loss_and_gradients(layer, values, xs, targets)
    loss_s, grads_s = reference.loss_and_gradients(stacked, stacked_values, xs, targets)
    assert loss_s == loss
    np.testing.assert_array_equal(grads_s["l0.W_h"], grads["W_h"])
    np.testing.assert_array_equal(grads_s["l0.c0"], grads["c0"])


def test_kink_distance_only_for_relu():
    relu, tanh = reference.SimpleRNN("relu"), reference.SimpleRNN("tanh")
    values, xs, _, _ = random_problem(relu, seed=12)
    z = xs[0] @ values["W_x"] + values["b_x"] + values["h0"] @ values["W_h"] + values["b_h"]
    assert bptt.kink_distance(relu, values, xs) <= abs(z).min()
    assert bptt.kink_distance(tanh, values, xs) == np.inf
    assert bptt.kink_distance(reference.GRU(), random_problem(reference.GRU())[0], xs) == np.inf


def test_numerical_gradients_of_a_known_function():
    a, b = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([0.3, -0.7])
    arrays = {"a": a.copy(), "b": b.copy()}
    grads = numerical.numerical_gradients(lambda v: (v["a"] ** 3).sum() + np.sin(v["b"]).sum(), arrays)
    np.testing.assert_allclose(grads["a"], 3 * a ** 2, rtol=1e-9)
    np.testing.assert_allclose(grads["b"], np.cos(b), rtol=1e-9)
    np.testing.assert_array_equal(arrays["a"], a)  # inputs untouched


def test_relative_error():
    assert numerical.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert numerical.relative_error([0.0], [0.0]) == 0.0
    assert numerical.relative_error([1.0], [-1.0]) == 1.0
    assert numerical.relative_error([3.0, 1.0], [1.0, 1.0]) == pytest.approx(0.5)
    assert numerical.relative_error([1e-9], [3e-9]) == pytest.approx(0.5)
    assert numerical.relative_error([1e-9], [3e-9], floor=1e-4) == pytest.approx(2e-5)
    with pytest.raises(ValueError, match="shapes"):
        numerical.relative_error(np.zeros(2), np.zeros(3))


def test_reference_imports_only_numpy():
    for path in REFERENCE_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module]
            else:
                continue
            for module in modules:
                assert module == "numpy" or module.startswith("symrnn.reference"), (path.name, module)


def test_reference_runs_with_pytensor_unimportable():
    code = ("import sys; sys.modules['pytensor'] = None\n"
            "import numpy as np, symrnn.reference as R\n"
            "v = {'W_h': np.eye(2), 'b_h': np.zeros(2), 'W_x': np.ones((1, 2)), 'b_x': np.zeros(2),\n"
            "     'W_y': np.ones((2, 3)), 'b_y': np.zeros(3), 'h0': np.zeros((1, 2))}\n"
            "print(R.loss_and_gradients(R.SimpleRNN(), v, np.ones((2, 1, 1)), np.zeros((2, 1), int))[0])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=pathlib.Path(symrnn.__file__).parent.parent)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) == pytest.approx(2 * np.log(3))
