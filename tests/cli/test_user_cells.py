"""A user's cell from the command line: ``--cell module.path:ClassName`` in train, sample and gradcheck,
factories for extra constructor arguments, and one clear line for each way to get a cell wrong."""
import functools
import json
import sys
import textwrap

import numpy as np
import pytensor.tensor as pt
import pytest

from symrnn.cli import main
from symrnn.errors import CellError, DtypeError, ShapeError
from symrnn.nn.model import CharRNN
from symrnn.nn.recurrent import scan_cell

FAST = ["--mode", "FAST_COMPILE", "--no-progress"]

USER_MODULE = '''
import numpy as np
import pytensor.tensor as pt

from symrnn.nn import init
from symrnn.nn.cells import Cell
from symrnn.reference import ReferenceCell


class IndRNN(Cell):
    """h' = tanh(x·W + u⊙h + b): each unit sees only its own past (Li et al. 2018)."""

    def __init__(self, n_in, n_hidden, *, recurrent_scale=1.0, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.add_param("W", (n_in, n_hidden), init.glorot_uniform)
        self.add_param("u", (n_hidden,), init.constant(recurrent_scale))
        self.add_param("b", (n_hidden,), init.zeros)

    def step(self, x, h, W, u, b):
        return pt.tanh(pt.dot(x, W) + u * h + b)


class IndRNNTwin(ReferenceCell):
    param_names = ("W", "u", "b")

    def step(self, p, x, h):
        h_new = np.tanh(x @ p["W"] + p["u"] * h + p["b"])       # (1)
        return (h_new,), (x, h, h_new)

    def step_backward(self, p, d_new_states, cache, grads):
        (dh_new,), (x, h, h_new) = d_new_states, cache
        dz = dh_new * (1 - h_new ** 2)                           # (1)
        grads["W"] += x.T @ dz
        grads["u"] += (dz * h).sum(axis=0)
        grads["b"] += dz.sum(axis=0)
        return dz @ p["W"].T, (dz * p["u"],)


def half_memory(n_in, n_hidden, **kwargs):
    """A factory: IndRNN with its recurrent weights at 0.5."""
    return IndRNN(n_in, n_hidden, recurrent_scale=0.5, **kwargs)


class NoSuchOutput(IndRNN):
    output_state = "y"


class TwiceAsWide(Cell):
    """Returns a state 2·n_hidden wide without saying so in state_sizes()."""

    def __init__(self, n_in, n_hidden, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.add_param("W", (n_in, 2 * n_hidden), init.glorot_uniform)

    def step(self, x, h, W):
        return pt.tanh(pt.dot(x, W))


class NeedsDepth(IndRNN):
    def __init__(self, n_in, n_hidden, depth, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
'''


@pytest.fixture
def user_module(tmp_path, monkeypatch, request):
    """A module of user cells, written to a temporary folder put on the path; returns its name."""
    name = f"user_cells_{request.node.name.replace('[', '_').replace(']', '_').replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(USER_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def one_line_error(capsys, argv):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("symrnn: error:"), err
    return err


def test_train_sample_and_gradcheck_a_user_cell_from_the_command_line(user_module, corpus, tmp_path, capsys):
    ck = str(tmp_path / "ck.npz")
    cell = f"{user_module}:IndRNN"
    assert main(["train", "--cell", cell, "--steps", "50", "--text", corpus, "--hidden", "16", "--embedding", "5",
                 "--optimizer", "adam", "--batch-size", "4", "--report-every", "25", "--checkpoint", ck,
                 "--json", *FAST]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["steps"] == 50 and summary["cell"] == cell
    assert main(["sample", "--checkpoint", ck, "--cell", cell, "--prime", "the ", "--length", "20", "--seed", "1",
                 *FAST]) == 0
    sampled = capsys.readouterr().out.rstrip("\n")
    assert sampled.startswith("the ") and len(sampled) == 24
    assert main(["gradcheck", "--cell", cell, "--json"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["passed"] and set(report["errors"]["u"]) == {"grad_vs_fd"}


def test_gradcheck_a_user_cell_with_its_numpy_twin(user_module, capsys):
    assert main(["gradcheck", "--cell", f"{user_module}:IndRNN", "--twin", f"{user_module}:IndRNNTwin",
                 "--seed", "3", "--json"]) == 0
    captured = capsys.readouterr()
    assert "vs IndRNNTwin()" in captured.err.splitlines()[0]   # the twin prints its name
    report = json.loads(captured.out)
    assert report["passed"] and set(report["errors"]["W"]) == {"grad_vs_bptt", "bptt_vs_fd", "grad_vs_fd"}


def test_a_factory_function_gives_extra_constructor_arguments(user_module, corpus, tmp_path, capsys):
    ck = str(tmp_path / "ck.npz")
    assert main(["train", "--cell", f"{user_module}:half_memory", "--steps", "3", "--text", corpus,
                 "--hidden", "6", "--checkpoint", ck, *FAST]) == 0
    assert main(["sample", "--checkpoint", ck, "--cell", f"{user_module}:half_memory", "--prime", "the",
                 "--length", "5", *FAST]) == 0
    capsys.readouterr()


def test_a_partial_is_recorded_with_its_options_and_built_again(user_module):
    module = __import__(user_module)
    model = CharRNN(7, 4, cell=functools.partial(module.IndRNN, recurrent_scale=0.25))
    assert model.config["cell"] == f"{user_module}:IndRNN"
    assert model.config["cell_options"] == {"recurrent_scale": 0.25}
    again = CharRNN(**model.config)
    np.testing.assert_array_equal(again.cell.params[1].get_value(), np.full(4, 0.25, "float32"))


def test_a_partial_with_options_a_checkpoint_cannot_hold_is_one_line(user_module):
    module = __import__(user_module)
    with pytest.raises(CellError, match="module-level factory"):
        CharRNN(7, 4, cell=functools.partial(module.IndRNN, recurrent_scale=np.float32))


def test_sample_names_a_cell_it_cannot_import(user_module, corpus, tmp_path, capsys, monkeypatch):
    ck = str(tmp_path / "ck.npz")
    assert main(["train", "--cell", f"{user_module}:IndRNN", "--steps", "2", "--text", corpus, "--hidden", "6",
                 "--checkpoint", ck, *FAST]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(tmp_path)])
    monkeypatch.delitem(sys.modules, user_module)
    err = one_line_error(capsys, ["sample", "--checkpoint", ck, "--cell", f"{user_module}:IndRNN", "--prime", "the",
                                  *FAST])
    assert f"cannot import cell '{user_module}:IndRNN'" in err and "PYTHONPATH" in err


@pytest.mark.parametrize("cell, message", [
    ("NoSuchOutput", "output_state is 'y', which names none of its states"),
    ("TwiceAsWide", "returned state 'h' 12 wide, but the cell's state_sizes() say 6"),
    ("NeedsDepth", "cannot be built as (n_in, n_hidden, dtype=, rng=)"),
    ("Missing", "has no 'Missing'"),
])
def test_a_wrong_user_cell_is_one_clear_line(user_module, corpus, capsys, cell, message):
    err = one_line_error(capsys, ["train", "--cell", f"{user_module}:{cell}", "--steps", "1", "--text", corpus,
                                  "--hidden", "6", *FAST])
    assert message in err


def test_an_unknown_cell_name_is_a_one_line_usage_error(corpus, capsys):
    err = one_line_error(capsys, ["train", "--cell", "transformer", "--text", corpus, *FAST])
    assert "unknown cell 'transformer'" in err and "module.path:ClassName" in err


def test_cell_errors_have_their_own_classes(user_module):
    module = __import__(user_module)
    with pytest.raises(CellError, match="names none of its states"):
        scan_cell(module.NoSuchOutput(2, 3), pt.tensor3("x", dtype="float32"))
    with pytest.raises(ShapeError, match="12 wide"):
        scan_cell(module.TwiceAsWide(2, 6), pt.tensor3("x", dtype="float32"))


def test_float64_inputs_to_a_float32_cell_blame_the_inputs_not_step(user_module):
    cell = __import__(user_module).IndRNN(2, 3)
    with pytest.raises(DtypeError, match="the inputs are float64 but IndRNN computes in float32"):
        scan_cell(cell, pt.tensor3("x", dtype="float64"))
