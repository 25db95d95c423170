"""symrnn.gradcheck: pytensor.grad vs NumPy BPTT vs finite differences, for every kind of cell.

Compiling the check costs a few seconds per cell and does not depend on the shapes or data, so
each cell's ``GradientCheck`` is compiled once per module and run on many problems.
"""
import importlib
import json
import math
import pathlib
import runpy
import subprocess
import sys
import time

import numpy as np
import pytensor.tensor as pt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytensor.gradient import grad_scale

import symrnn
from symrnn import reference
from symrnn.cli import main
from symrnn.errors import ConfigError
from symrnn.gradient_check.report import PAIRS, TOLERANCES, GradientCheckReport
from symrnn.nn import cells, init

gc = importlib.import_module("symrnn.gradient_check.check")
ROOT = pathlib.Path(__file__).parents[2]


class Gated(cells.Cell):
    """A user's cell with no NumPy twin: ``h' = tanh(x·U + h·W) ⊙ σ(h·G)``."""

    def __init__(self, n_in, n_hidden, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.add_param("U", (n_in, n_hidden), init.glorot_uniform)
        self.add_param("W", (n_hidden, n_hidden), init.orthogonal)
        self.add_param("G", (n_hidden, n_hidden), init.orthogonal)

    def step(self, x, h, U, W, G):
        return pt.tanh(pt.dot(x, U) + pt.dot(h, W)) * pt.sigmoid(pt.dot(h, G))


class WrongGradient(Gated):
    """Same forward pass, but the gradient through the recurrent ``h·W`` has its sign flipped."""

    def step(self, x, h, U, W, G):
        return pt.tanh(pt.dot(x, U) + pt.dot(grad_scale(h, -1.0), W)) * pt.sigmoid(pt.dot(h, G))


CHECKS = {
    "rnn-relu-mask": lambda: gc.GradientCheck(cells.SimpleRNN(3, 4, "relu", dtype="float64"), mask=True),
    "rnn-tanh-onehot": lambda: gc.GradientCheck(cells.SimpleRNN(2, 3, "tanh"), n_out=4, one_hot=True),
    "gru-mask": lambda: gc.GradientCheck(cells.GRU(2, 3, dtype="float64"), n_out=3, mask=True),
    "gru-combined": lambda: gc.GradientCheck(cells.GRUCombined(2, 3, dtype="float64"), n_out=3),
    "lstm-mask-onehot": lambda: gc.GradientCheck(cells.LSTM(2, 3, dtype="float64"), n_out=3, mask=True,
                                                 one_hot=True),
    "stacked": lambda: gc.GradientCheck(cells.Stacked([cells.SimpleRNN(2, 3, "tanh", dtype="float64"),
                                                       cells.LSTM(3, 2, dtype="float64")]), n_out=3),
}
_compiled = {}


def compiled(name):
    if name not in _compiled:
        _compiled[name] = CHECKS[name]()
    return _compiled[name]


def assert_far_under_tolerance(report, factor=10):
    assert report.passed, report.table()
    for name, errs in report.errors.items():
        for pair, err in errs.items():
            assert err * factor <= TOLERANCES[pair], (name, pair, err)


@pytest.mark.parametrize("name", CHECKS)
@pytest.mark.parametrize("T,B", [(1, 1), (4, 3)])
def test_three_way_agreement(name, T, B):
    report = compiled(name)(seq_len=T, batch_size=B, seed=T + B)
    assert report.pairs == list(PAIRS)
    assert_far_under_tolerance(report)


@settings(max_examples=8, deadline=None)
@given(name=st.sampled_from(sorted(CHECKS)), T=st.integers(1, 6), B=st.integers(1, 4),
       seed=st.integers(0, 2**16))
def test_three_way_agreement_random_cases(name, T, B, seed):
    assert_far_under_tolerance(compiled(name)(seq_len=T, batch_size=B, seed=seed))


def test_report_lists_every_value_with_its_shape():
    check = compiled("lstm-mask-onehot")
    report = check(seq_len=2, batch_size=5, seed=1)
    assert list(report.errors) == ["W_x", "W_h", "b", "W_y", "b_y", "h0", "c0"]
    assert report.shapes["W_x"] == (2, 12) and report.shapes["c0"] == (5, 3)
    table = report.table()
    for text in ("W_x", "(2, 12)", "grad_vs_bptt", "bptt_vs_fd", "grad_vs_fd", "1e-07", "PASSED"):
        assert text in table
    as_json = json.loads(json.dumps(report.as_dict()))
    assert as_json["passed"] is True
    assert set(as_json["errors"]["c0"]) == set(PAIRS)


def test_a_wrong_reference_gradient_fails(monkeypatch):
    """A sign flip in one backward line of the NumPy SimpleRNN: both pairs with BPTT fail."""
    check = compiled("rnn-relu-mask")
    step_backward = reference.SimpleRNN.step_backward

    def flipped(self, p, d_new_states, cache, grads):
        dx, (dh,) = step_backward(self, p, d_new_states, cache, grads)
        return dx, (-dh,)  # dh = dz @ W_hᵀ with the wrong sign

    monkeypatch.setattr(reference.SimpleRNN, "step_backward", flipped)
    report = check(seq_len=3, batch_size=2, seed=0)
    assert not report.passed
    failed = {(name, pair) for name, pair, _ in report.failures}
    assert ("h0", "grad_vs_bptt") in failed and ("h0", "bptt_vs_fd") in failed
    assert not any(pair == "grad_vs_fd" for _, pair in failed)  # pytensor.grad is still right
    table = report.table().splitlines()
    assert table[-1].startswith("FAILED") and any(line.endswith("FAIL") for line in table)


def test_user_cell_without_twin_checks_grad_against_finite_differences():
    report = gc.gradcheck(Gated(3, 4), seq_len=3, batch_size=2)
    assert report.pairs == ["grad_vs_fd"]
    assert list(report.errors) == ["U", "W", "G", "W_y", "b_y", "h0"]
    assert_far_under_tolerance(report)


def test_user_cell_with_a_wrong_symbolic_gradient_fails():
    report = gc.gradcheck(WrongGradient(2, 3), seq_len=3, batch_size=2)
    assert not report.passed
    assert {name for name, _, _ in report.failures} >= {"W", "h0"}


def test_stack_with_a_user_cell_has_no_twin_but_is_checked():
    stack = cells.Stacked([cells.GRU(2, 3, dtype="float64"), Gated(3, 2, dtype="float64")])
    assert gc.reference_twin(stack) is None
    report = gc.gradcheck(stack, seq_len=2, batch_size=2, mask=True)
    assert report.pairs == ["grad_vs_fd"] and "l1.G" in report.errors and "l1.h0" in report.errors
    assert_far_under_tolerance(report)


def test_subclass_changing_step_gets_no_twin():
    class Doubled(cells.SimpleRNN):
        def step(self, x, h, W_h, b_h, W_x, b_x):
            return 2 * super().step(x, h, W_h, b_h, W_x, b_x)

    assert gc.reference_twin(Doubled(2, 3)) is None
    assert isinstance(gc.reference_twin(cells.SimpleRNN(2, 3, "tanh")), reference.SimpleRNN)


def test_float32_cell_is_checked_in_float64_and_left_untouched():
    cell = cells.SimpleRNN(2, 3, "tanh")
    before = [p.get_value().copy() for p in cell.params]
    check = compiled("rnn-tanh-onehot")
    assert check.cell.dtype == "float64" and cell.dtype == "float32"
    check(seq_len=2, batch_size=2, seed=3)
    for p, value in zip(cell.params, before):
        assert p.dtype == "float32"
        np.testing.assert_array_equal(p.get_value(), value)


def test_mismatched_twin_is_refused():
    with pytest.raises(ConfigError, match="parameters"):
        gc.GradientCheck(cells.SimpleRNN(2, 3, dtype="float64"), twin=reference.LSTM())


def test_symrnn_gradcheck_is_the_function_and_import_symrnn_needs_no_pytensor():
    assert symrnn.gradcheck is gc.gradcheck
    code = "import sys, symrnn; assert 'pytensor' not in sys.modules, 'pytensor imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_cli_gradcheck_passes_in_seconds(cell, capsys):
    start = time.perf_counter()
    status = main(["gradcheck", "--cell", cell, "--seed", "1", "--json"])
    seconds = time.perf_counter() - start
    captured = capsys.readouterr()
    result = json.loads(captured.out)  # stdout is the JSON document alone; the table is on stderr
    assert status == 0 and result["passed"] is True
    assert "PASSED" in captured.err
    for name, errs in result["errors"].items():
        assert set(errs) == set(PAIRS)
        for pair, err in errs.items():
            assert err * 10 <= result["tolerances"][pair], (name, pair, err)
    assert seconds < 60, f"gradcheck --cell {cell} took {seconds:.0f} s"


def test_cli_gradcheck_exits_non_zero_on_failure(monkeypatch, capsys):
    failing = GradientCheckReport("a failing check", {"W_h": (2, 2)},
                                 {"W_h": {"grad_vs_bptt": 0.5, "bptt_vs_fd": 1e-9, "grad_vs_fd": math.nan}})
    monkeypatch.setattr(gc, "check_cell", lambda *args, **kwargs: failing)
    assert main(["gradcheck", "--cell", "rnn", "--json"]) != 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"title": "a failing check", "shapes": {"W_h": [2, 2]},
                                   "tolerances": TOLERANCES, "passed": False,
                                   "errors": {"W_h": {"grad_vs_bptt": 0.5, "bptt_vs_fd": 1e-9,
                                                      "grad_vs_fd": None}}}
    assert "FAILED: W_h grad_vs_bptt 5.0e-01; W_h grad_vs_fd nan" in captured.err


def test_check_cell_refuses_bad_names():
    with pytest.raises(ConfigError, match="unknown cell"):
        gc.check_cell("transformer")
    with pytest.raises(ConfigError, match="rnn cell only"):
        gc.check_cell("lstm", activation="tanh")


def test_lesson7_numpy_rnn_learns_like_pytensor(tmp_path, capsys):
    """The example: one SGD step from the same weights agrees to 1e-6; then NumPy training runs."""
    text = tmp_path / "text.txt"
    text.write_text("the cat sat on the mat; the dog sat on the log. " * 20)
    example = runpy.run_path(str(ROOT / "examples" / "lesson7_numpy_rnn.py"))
    result = example["main"](["--text", str(text), "--hidden", "12", "--windows", "40",
                              "--report-every", "20"])
    assert set(result["one_step_difference"]) == {"W_h", "b_h", "W_x", "b_x", "W_y", "b_y"}
    assert max(result["one_step_difference"].values()) < 1e-6
    assert len(result["errors"]) == 40 and all(np.isfinite(result["errors"]))
    out = capsys.readouterr().out
    assert "one SGD step from the same weights" in out and out.count("Error: ") == 2
