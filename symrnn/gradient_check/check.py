"""Gradient checks: ``pytensor.grad`` through ``scan`` against NumPy BPTT and finite differences.

Three independent computations of the same gradients, compared pairwise::

    grad_vs_bptt   pytensor.grad through scan_cell   vs  the cell's NumPy twin's hand-written BPTT
    bptt_vs_fd     NumPy BPTT                         vs  central differences of the NumPy loss
    grad_vs_fd     pytensor.grad                      vs  central differences of the compiled loss

The model around the cell is fixed and small: inputs (T, B, n_in) → the cell, scanned → ``Dense``
``W_y``, ``b_y`` → softmax cross-entropy, summed over time and averaged over the batch (the
``CharRNN`` loss), with random weights, initial states, inputs and targets (or ``data`` of your
choice). Every parameter, the output layer and the initial states (``h0``, ``c0`` …) are checked.

Any ``Cell`` can be checked: ``symrnn.gradcheck(my_cell)``. Built-in cells (and stacks of them)
are matched to their NumPy twins through ``symrnn.registry``; a cell without one gets the one pair
that needs no twin, ``grad_vs_fd``, unless a twin is given (``twin=``; the contract is
``symrnn.reference.ReferenceCell``). The cell itself is never touched: the check runs on a
float64 copy of it (``CHECK_DTYPE``) with random weights.
"""
import copy
import math
from dataclasses import dataclass

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.replace import graph_replace

from symrnn import reference, registry
from symrnn.backends.compile import QUICK_MODE, CompiledFunction
from symrnn.dtypes import CHECK_DTYPE
from symrnn.errors import ConfigError
from symrnn.gradient_check.report import FLOORS, PAIRS, GradientCheckReport
from symrnn.nn.cells import Stacked, hidden_parameters_error, make_cell
from symrnn.nn.layers import Dense
from symrnn.nn.losses import categorical_crossentropy, sparse_categorical_crossentropy
from symrnn.nn.recurrent import scan_cell

try:  # PyTensor >= 2.31 keeps graph walks in graph.traversal
    from pytensor.graph.traversal import ancestors
except ImportError:
    from pytensor.graph.basic import ancestors

# relu is not differentiable at 0: data are redrawn until every pre-activation is this far from
# it, 100× more than a finite-difference step can move one.
KINK_MARGIN = 1e-3

@dataclass
class CheckData:
    """One problem to check on, float64 NumPy arrays.

    values: name → array for every name of ``GradientCheck.names`` (the cell's parameters,
        ``W_y`` (H, V), ``b_y`` (V,), and the initial states ``h0``… (B, size)).
    xs: inputs (T, B, n_in). targets: (T, B) integer classes, or (T, B, V) one-hot rows with
        ``one_hot=True``. mask: (T, B), 1 on real steps, 0 on padding (with ``mask=True``).
    """

    values: dict
    xs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray = None


def float64_copy(cell):
    """A copy of ``cell`` computing in ``CHECK_DTYPE``, with its own float64 ``shared`` parameters.

    The copy shares everything else with ``cell``; ``GradientCheck`` refuses a cell whose
    ``step`` reads a variable that is not among its parameters (its graph would mention it).
    """
    twin = copy.copy(cell)
    twin.dtype = CHECK_DTYPE
    if isinstance(cell, Stacked):
        twin.cells = [float64_copy(layer) for layer in cell.cells]
        twin.params = [p for layer in twin.cells for p in layer.params]
    else:
        twin.params = [pytensor.shared(np.asarray(p.get_value(), dtype=CHECK_DTYPE), name=p.name,
                                       shape=p.type.shape) for p in cell.params]
    return twin


class GradientCheck:
    """A cell's check, compiled once and runnable on many problems.

    cell: any ``Cell`` (any dtype; it is copied to float64, never modified).
    n_out: classes of the softmax output. mask: check with a (T, B) padding mask.
    one_hot: one-hot (T, B, V) targets instead of integer (T, B) ones.
    twin: the NumPy twin to compare with (a ``symrnn.reference.ReferenceCell``); by default the
        built-in twin of the cell's class, if any (``reference_twin``). None checks
        ``grad_vs_fd`` only.

    Call it with ``seq_len``, ``batch_size`` and ``seed`` (random data), or ``data`` (a
    ``CheckData``), for a ``GradientCheckReport``. The compiled functions do not depend on those,
    so one instance checks many problems cheaply.
    """

    def __init__(self, cell, *, n_out=5, mask=False, one_hot=False, twin="auto", mode=QUICK_MODE):
        self.cell = float64_copy(cell)
        self.twin = reference_twin(cell) if twin == "auto" else twin
        self.n_out, self.mask, self.one_hot, self.mode = n_out, mask, one_hot, mode
        self.state_keys = [f"{name}0" for name in self.cell.state_names]
        self.names = [*self.cell.param_names, "W_y", "b_y", *self.state_keys]
        self.n_cell_out = self.cell.state_sizes()[self.cell.output_index()]
        self._check_names(type(cell).__name__)
        self.loss_fn, self.grads_fn = self._compile()

    def _check_names(self, cell_name):
        if len(set(self.names)) != len(self.names):
            raise ConfigError(f"gradcheck: {cell_name} has a parameter named like the check's "
                              f"own W_y, b_y or initial states: {self.names}")
        if self.twin is not None and (list(self.twin.param_names) != self.cell.param_names
                                      or tuple(self.twin.state_names) != tuple(self.cell.state_names)):
            raise ConfigError(f"gradcheck: the reference {self.twin!r} has parameters "
                              f"{list(self.twin.param_names)} and states {list(self.twin.state_names)}, "
                              f"the cell {self.cell.param_names} and {list(self.cell.state_names)}")

    def _compile(self):
        """(loss, gradients) as functions of (xs, targets, [mask], *values in ``names`` order)."""
        xs = pt.tensor3("xs", dtype=CHECK_DTYPE)
        targets = pt.tensor3("targets", dtype=CHECK_DTYPE) if self.one_hot else pt.lmatrix("targets")
        mask = pt.matrix("mask", dtype=CHECK_DTYPE) if self.mask else None
        states0 = [pt.matrix(key, dtype=CHECK_DTYPE) for key in self.state_keys]
        output = Dense(self.n_cell_out, self.n_out, name="y", rng=np.random.default_rng(0), dtype=CHECK_DTYPE)
        hidden, _ = scan_cell(self.cell, xs, states0, mask=mask)
        crossentropy = categorical_crossentropy if self.one_hot else sparse_categorical_crossentropy
        per_step = crossentropy(output(hidden), targets)
        loss = (per_step if mask is None else per_step * mask).sum(axis=0).mean()
        shared = [*self.cell.params, *output.params]
        self._refuse_hidden_variables(loss, shared)
        grads = pytensor.grad(loss, [*shared, *states0], disconnected_inputs="warn")
        # the shared parameters become inputs, so the functions are pure functions of the values
        inputs = {p: pt.tensor(name, dtype=CHECK_DTYPE, shape=p.type.shape) for name, p in zip(self.names, shared)}
        loss, *grads = graph_replace([loss, *grads], inputs)
        data = [xs, targets] + ([mask] if mask is not None else [])
        all_inputs = [*data, *inputs.values(), *states0]
        return tuple(CompiledFunction(all_inputs, outputs, name=name, mode=self.mode, show_progress=False)
                     for outputs, name in ((loss, "gradcheck_loss"), (grads, "gradcheck_grads")))

    def _refuse_hidden_variables(self, loss, shared):
        """A ``step`` reading a ``shared`` variable other than its parameters (from ``self``) would be
        checked in that variable's dtype, without its gradient: refuse it by name."""
        hidden = [v for v in ancestors([loss]) if isinstance(v, pytensor.compile.SharedVariable)
                  and v not in shared]
        if hidden:
            raise hidden_parameters_error(f"gradcheck: {type(self.cell).__name__}", hidden)

    def random_data(self, seq_len, batch_size, rng):
        """A random ``CheckData``: weights, states, inputs, targets and mask (relu kept off 0)."""
        for _ in range(100):
            values = {name: _random_array(rng, p.get_value().shape)
                      for name, p in zip(self.cell.param_names, self.cell.params)}
            values["W_y"] = _random_array(rng, (self.n_cell_out, self.n_out))
            values["b_y"] = _random_array(rng, (self.n_out,))
            for key, size in zip(self.state_keys, self.cell.state_sizes()):
                values[key] = _random_array(rng, (batch_size, size))
            targets = rng.integers(0, self.n_out, size=(seq_len, batch_size))
            data = CheckData(values, rng.normal(size=(seq_len, batch_size, self.cell.n_in)),
                             np.eye(self.n_out)[targets] if self.one_hot else targets,
                             _random_mask(rng, seq_len, batch_size) if self.mask else None)
            if self.twin is None or reference.bptt.kink_distance(self.twin, values, data.xs, data.mask) > KINK_MARGIN:
                return data
        raise ConfigError("gradcheck: could not draw data keeping every pre-activation away from a kink")

    def gradients(self, data):
        """Every gradient of ``data``'s loss, computed each way: {way: {value name: array}}."""
        inputs = [data.xs, data.targets] + ([data.mask] if self.mask else [])

        def compiled_loss(vals):
            return float(self.loss_fn(*inputs, *(vals[name] for name in self.names)))

        values = [data.values[name] for name in self.names]
        gradients = {"grad": dict(zip(self.names, self.grads_fn(*inputs, *values))),
                     "grad_fd": reference.numerical_gradients(compiled_loss, data.values)}
        if self.twin is not None:
            def numpy_loss(vals):
                return reference.loss(self.twin, vals, data.xs, data.targets, data.mask)
            gradients["bptt"] = reference.loss_and_gradients(self.twin, data.values, data.xs, data.targets,
                                                             data.mask)[1]
            gradients["bptt_fd"] = reference.numerical_gradients(numpy_loss, data.values)
        return gradients

    def __call__(self, *, seq_len=4, batch_size=3, seed=0, data=None):
        given = data is not None
        if not given:
            data = self.random_data(seq_len, batch_size, np.random.default_rng(seed))
        gradients = self.gradients(data)
        errors = {name: {pair: reference.relative_error(gradients[a][name], gradients[b][name], FLOORS[pair])
                         for pair, (a, b) in PAIRS.items() if a in gradients and b in gradients}
                  for name in self.names}
        seq_len, batch_size = data.xs.shape[:2]
        title = (f"gradcheck {self.cell!r} vs {self.twin or 'finite differences only'}: "
                 f"T={seq_len} B={batch_size} V={self.n_out}, {'one-hot' if self.one_hot else 'integer'} "
                 f"targets, {'masked' if self.mask else 'no mask'}, "
                 f"{'given data' if given else f'seed {seed}'}, {self.mode}")
        return GradientCheckReport(title, {name: data.values[name].shape for name in self.names}, errors)


def _random_array(rng, shape):
    """Weights N(0, 1/fan_in) for matrices (rows feed columns); N(0, 0.25) for vectors."""
    scale = 1 / math.sqrt(shape[-2]) if len(shape) >= 2 else 0.5
    return rng.normal(0.0, scale, size=shape)


def _random_mask(rng, seq_len, batch_size):
    """A padded batch's (T, B) mask: sequence b is real for its first lengths[b] steps."""
    lengths = rng.integers(1, seq_len + 1, size=batch_size)
    return (np.arange(seq_len)[:, None] < lengths).astype(CHECK_DTYPE)


def gradcheck(cell, *, seq_len=4, batch_size=3, n_out=5, mask=False, one_hot=False, seed=0,
              twin="auto", mode=QUICK_MODE, data=None):
    """Check every gradient of a model built on ``cell``; returns a ``GradientCheckReport``.

    ``report.passed`` says whether every pair agreed within tolerance; ``print(report)`` shows
    the table. ``data`` (a ``CheckData``) replaces the random problem drawn from ``seq_len``,
    ``batch_size`` and ``seed``. See ``GradientCheck`` for the other arguments.
    """
    check = GradientCheck(cell, n_out=n_out, mask=mask, one_hot=one_hot, twin=twin, mode=mode)
    return check(seq_len=seq_len, batch_size=batch_size, seed=seed, data=data)


def check_cell(cell, *, activation=None, twin=None, seed=0, mask=False, one_hot=False, mode=QUICK_MODE):
    """``gradcheck`` of the cell named ``cell`` (built-in or ``"module.path:ClassName"``) at random small shapes.

    The shapes (n_in 1–4, n_hidden 2–5, V 2–6, T 1–5, B 1–4) come from ``seed``; ``activation``
    ("relu", the default, or "tanh") applies to "rnn" only. ``twin``: the import path of a
    NumPy twin class (default: the registry's, for a built-in cell).
    """
    if activation is not None and cell != "rnn":
        raise ConfigError(f"--activation applies to the rnn cell only, not {cell}")
    rng = np.random.default_rng(seed)
    n_in, n_hidden, n_out = (int(rng.integers(lo, hi + 1)) for lo, hi in ((1, 4), (2, 5), (2, 6)))
    seq_len, batch_size = (int(rng.integers(lo, hi + 1)) for lo, hi in ((1, 5), (1, 4)))
    options = {"activation": activation or "relu"} if cell == "rnn" else {}
    made = make_cell(cell, n_in, n_hidden, dtype=CHECK_DTYPE, rng=rng, **options)
    twin = registry.import_object(twin).from_cell(made) if twin else "auto"
    return gradcheck(made, seq_len=seq_len, batch_size=batch_size, n_out=n_out, mask=mask,
                     one_hot=one_hot, seed=seed, twin=twin, mode=mode)


def reference_twin(cell):
    """The NumPy twin of a built-in cell (or a stack of them), by exact class; None otherwise."""
    if type(cell) is Stacked:
        layers = [reference_twin(layer) for layer in cell.cells]
        return None if None in layers else registry.import_object("symrnn.reference:Stacked")(layers)
    for entry in registry.CELLS.values():
        if type(cell) is registry.import_object(entry.cell):
            return registry.import_object(entry.twin).from_cell(cell)
    return None
