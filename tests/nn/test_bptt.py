"""symrnn.nn.bptt: a backward pass that reads the forward pass's saved values.

It must give PyTensor's own scan gradient (and the NumPy reference: tests/test_gradcheck.py) for
every cell, and do less work: no recomputed recurrent product in the backward loop.
"""
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.builders import OpFromGraph
from pytensor.compile.mode import Mode
from pytensor.graph.traversal import ancestors, applys_between
from pytensor.scan.op import Scan
from pytensor.tensor.math import Dot

from symrnn.nn import bptt, cells
from symrnn.nn.recurrent import scan_cell

CELLS = {
    "rnn-relu": lambda: cells.SimpleRNN(3, 4, "relu", dtype="float64", seed=1),
    "gru": lambda: cells.GRU(3, 4, dtype="float64", seed=2),
    "gru-combined": lambda: cells.GRUCombined(3, 4, dtype="float64", seed=3),
    "lstm": lambda: cells.LSTM(3, 4, dtype="float64", seed=4),
    "stacked": lambda: cells.Stacked([cells.SimpleRNN(3, 4, "tanh", dtype="float64", seed=5),
                                      cells.LSTM(4, 2, dtype="float64", seed=6)]),
}
REWRITTEN = Mode(linker="py", optimizer="fast_run")  # the rewrites of a real build, evaluated with NumPy


def gradients(cell, monkeypatch, gradient, *, mask, go_backwards, T=5, B=3):
    """∂loss/∂(inputs, initial states, params) with ``$SYMRNN_GRADIENT`` = ``gradient``; the loss
    reads every output and every final state."""
    monkeypatch.setenv("SYMRNN_GRADIENT", gradient)
    x = pt.tensor3("x", dtype="float64")
    h0 = [pt.matrix(f"s{k}", dtype="float64") for k in range(len(cell.state_names))]
    m = pt.matrix("m", dtype="float64") if mask else None
    out, final = scan_cell(cell, x, h0, mask=m, go_backwards=go_backwards)
    loss = (pt.sin(out) * pt.arange(1, out.shape[2] + 1)).sum() + sum((f ** 2).sum() for f in final)
    wrt = [x, *h0, *cell.params]
    grads = pytensor.grad(loss, wrt, disconnected_inputs="ignore")  # a stopped gradient: zeros
    fn = pytensor.function([x, *h0] + ([m] if mask else []), grads, mode="FAST_COMPILE")
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(T, B, cell.n_in))] + [rng.normal(size=(B, n)) for n in cell.state_sizes()]
    if mask:
        values.append((rng.random((T, B)) > 0.3).astype("float64"))
    return fn(*values)


@pytest.mark.parametrize("name,mask,go_backwards", [(name, True, True) for name in CELLS] + [("lstm", False, False)])
def test_equals_pytensors_scan_gradient(name, mask, go_backwards, monkeypatch):
    cell = CELLS[name]()
    saved = gradients(cell, monkeypatch, "saved", mask=mask, go_backwards=go_backwards)
    scan = gradients(cell, monkeypatch, "scan", mask=mask, go_backwards=go_backwards)
    for a, b in zip(saved, scan):
        assert np.abs(a - b).max() <= 1e-12 * max(1.0, np.abs(b).max())


def saved_values(cell):
    """The values the forward loop keeps for the gradient of ``cell``'s step: (op names sorted, OneStep)."""
    xw = cell.precompute_input(pt.tensor3("x", dtype="float64"), *cell.params)
    states = [pt.matrix(f"s{k}", dtype="float64") for k in range(len(cell.state_names))]
    one_step = bptt.OneStep(cell.step, [xw], states, cell.params)
    return sorted(type(v.owner.op.scalar_op).__name__ for v in one_step.saved), one_step


def test_saves_an_lstms_gates_and_recomputes_tanh_c():
    ops, one_step = saved_values(cells.LSTM(3, 4, dtype="float64"))
    assert ops == ["Sigmoid", "Sigmoid", "Sigmoid", "Tanh"]  # i, f, o and g
    c_new = one_step.new_states[1]
    assert all(c_new not in v.owner.inputs for v in one_step.saved)  # tanh(c') comes from c', a state


def test_saves_a_grus_gates_and_recomputes_one_minus_z_and_r_h():
    ops, one_step = saved_values(cells.GRU(3, 4, dtype="float64"))
    assert ops == ["Sigmoid", "Sigmoid", "Tanh"]  # r, z and ĥ; 1 − z and r⊙h are elementwise of them and h
    assert len(one_step.saved) == 3


def loop_products(cell, monkeypatch, gradient):
    """Matrix products inside each scan loop of the compiled gradient, forward loop first."""
    monkeypatch.setenv("SYMRNN_GRADIENT", gradient)
    x = pt.tensor3("x", dtype="float64")
    out, _ = scan_cell(cell, x)
    fn = pytensor.function([x], pytensor.grad((out ** 2).sum(), cell.params), mode=REWRITTEN)
    loops = [node for node in fn.maker.fgraph.toposort() if isinstance(node.op, Scan)]
    return [sum(isinstance(n.op, Dot) or "Gemm" in type(n.op).__name__ or "Dot" in type(n.op).__name__
                for n in loop.op.fgraph.apply_nodes) for loop in loops]


@pytest.mark.parametrize("kind,forward,backward_scan", [("rnn", 1, 2), ("gru", 3, 6), ("lstm", 1, 2)])
def test_the_backward_loop_recomputes_no_product(kind, forward, backward_scan, monkeypatch):
    from symrnn.nn.cells import make_cell

    cell = make_cell(kind, 5, 4, dtype="float64", rng=np.random.default_rng(0))
    assert loop_products(cell, monkeypatch, "scan") == [forward, backward_scan]
    # what remains in the backward loop: δ·W_hᵀ, one per recurrent product (the GRU's r·h reads
    # h through a product too); the weights' gradients are taken after the loop
    assert loop_products(cell, monkeypatch, "saved") == [forward, {"rnn": 1, "gru": 3, "lstm": 1}[kind]]


@pytest.mark.parametrize("name", ["gru", "lstm", "stacked"])
def test_the_gradient_graph_holds_each_loop_once(name, monkeypatch):
    """Before any rewrite: the forward pass's OpFromGraph holds the forward loop and its pullback the
    backward loop alone. (A copy of the forward loop in the pullback is merged back only when the
    rewrites happen to leave both copies alike: it once ran the GRU's forward loop twice.)"""
    monkeypatch.setenv("SYMRNN_GRADIENT", "saved")
    cell = CELLS[name]()
    out, _ = scan_cell(cell, pt.tensor3("x", dtype="float64"))
    grads = pytensor.grad((out ** 2).sum(), cell.params)
    loops = {}
    for node in {v.owner for v in ancestors(grads) if v.owner is not None}:
        if isinstance(node.op, OpFromGraph):
            inner = applys_between(node.op.inner_inputs, node.op.inner_outputs)
            loops.setdefault(node.op.name, []).append(sum(isinstance(n.op, Scan) for n in inner))
    layers = len(cell.layers())
    assert loops == {"scan_saving_forward": [1] * layers, "scan_saving_forward_LOp": [1] * layers}


class RowMixing(cells.SimpleRNN):
    """A step that subtracts the batch mean: rows are not independent."""

    rows_independent = False

    def step(self, xw, h, W_h, b_h, W_x, b_x):
        z = xw + pt.dot(h, W_h) + b_h
        return pt.tanh(z - z.mean(axis=0))


def test_a_step_that_mixes_rows_keeps_pytensors_gradient(monkeypatch):
    cell = RowMixing(3, 4, "tanh", dtype="float64")
    saved = gradients(cell, monkeypatch, "saved", mask=False, go_backwards=False)
    scan = gradients(cell, monkeypatch, "scan", mask=False, go_backwards=False)
    for a, b in zip(saved, scan):  # folding time into the batch would change the batch mean
        np.testing.assert_array_equal(a, b)


def test_an_unknown_gradient_setting_is_one_clear_error(monkeypatch):
    from symrnn.errors import ConfigError

    monkeypatch.setenv("SYMRNN_GRADIENT", "Scan")
    with pytest.raises(ConfigError, match=r"^SYMRNN_GRADIENT is 'Scan'; set it to one of saved, scan"):
        scan_cell(cells.SimpleRNN(3, 4, dtype="float64"), pt.tensor3("x", dtype="float64"))


class Gated(cells.Cell):
    """h' = tanh(x·W + g ⊙ h + b), g = stop(σ(h·U)): a gate whose gradient a user stops or scales."""

    def __init__(self, n_in, n_hidden, stop, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.stop = stop
        self.add_param("W", (n_in, n_hidden), cells.init.glorot_uniform)
        self.add_param("U", (n_hidden, n_hidden), cells.init.orthogonal)
        self.add_param("b", (n_hidden,), cells.init.zeros)

    def step(self, x, h, W, U, b):
        return pt.tanh(pt.dot(x, W) + self.stop(pt.sigmoid(pt.dot(h, U))) * h + b)


STOPS = {"disconnected_grad": pytensor.gradient.disconnected_grad, "zero_grad": pytensor.gradient.zero_grad,
         "grad_scale": lambda v: pytensor.gradient.grad_scale(v, 0.5)}


@pytest.mark.parametrize("stop", STOPS)
def test_a_cell_that_stops_or_scales_a_gradient_gets_pytensors_scan_gradient(stop, monkeypatch):
    cell = Gated(3, 4, STOPS[stop], dtype="float64", seed=7)
    saved = gradients(cell, monkeypatch, "saved", mask=False, go_backwards=False)
    scan = gradients(cell, monkeypatch, "scan", mask=False, go_backwards=False)
    for a, b in zip(saved, scan):
        assert np.abs(a - b).max() <= 1e-12 * max(1.0, np.abs(b).max())


def test_gradcheck_reports_a_stopped_gradient_and_training_runs_through_it():
    """A stop-gradient makes pytensor.grad differ from finite differences by design: the check says
    so (it does not crash), and a model with the cell trains."""
    from symrnn import gradcheck
    from symrnn.nn.model import CharRNN
    from symrnn.training.trainer import Trainer

    report = gradcheck(Gated(3, 4, STOPS["disconnected_grad"], dtype="float64"))
    assert not report.passed and report.errors["U"]["grad_vs_fd"] > 0.1
    model = CharRNN(6, 4, cell=lambda n_in, n_hidden, **kw: Gated(n_in, n_hidden, STOPS["disconnected_grad"], **kw))
    trainer = Trainer(model, "adam", mode="FAST_COMPILE", show_progress=False)
    batch = np.random.default_rng(0).integers(0, 6, size=(2, 5, 3))
    losses = [trainer.train_step(batch[0], batch[1], 0.01)[0] for _ in range(3)]
    assert np.isfinite(losses).all() and losses[-1] < losses[0]
