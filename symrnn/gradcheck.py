"""Gradient checks: ``pytensor.grad`` through ``scan`` against NumPy BPTT and finite differences.

Three independent computations of the same gradients, compared pairwise::

    grad_vs_bptt   pytensor.grad through scan_cell   vs  symrnn.reference's hand-written BPTT
    bptt_vs_fd     NumPy BPTT                         vs  central differences of the NumPy loss
    grad_vs_fd     pytensor.grad                      vs  central differences of the compiled loss

The model around the cell is fixed and small: inputs (T, B, n_in) → the cell, scanned → ``Dense``
``W_y``, ``b_y`` → softmax cross-entropy, summed over time and averaged over the batch (the
``CharRNN`` loss), with random weights, initial states, inputs and targets. Every parameter, the
output layer and the initial states (``h0``, ``c0`` …) are checked.

Any ``Cell`` can be checked: ``symrnn.gradcheck(my_cell)``. Built-in cells (and stacks of them)
are matched to their NumPy twins by class; a cell without one — a user's own, or a subclass that
changes ``step`` — gets the one pair that needs no twin, ``grad_vs_fd``. The cell itself is never
touched: the check runs on a float64 copy of it (``CHECK_DTYPE``) with fresh random weights.

Relative error, per element: ``|a − b| / max(|a| + |b|, floor)``, then the max over the array.
The floor makes elements too small for a pair's noise count by absolute error instead:
analytic pairs agree to rounding (≈ 1e-16), finite differences to ≈ 1e-10 absolute (see
``symrnn.reference.numerical``). Tolerances and floors are in ``TOLERANCES`` and ``FLOORS``;
docs/gradcheck.md explains them.
"""
import copy
import math
import sys
import types
from dataclasses import dataclass, field

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.replace import graph_replace

from symrnn import cells, reference
from symrnn.backend import CHECK_DTYPE, CompiledFunction
from symrnn.errors import ConfigError
from symrnn.layers import Dense
from symrnn.losses import categorical_crossentropy, sparse_categorical_crossentropy
from symrnn.recurrent import scan_cell

PAIRS = {"grad_vs_bptt": ("grad", "bptt"), "bptt_vs_fd": ("bptt", "bptt_fd"),
         "grad_vs_fd": ("grad", "grad_fd")}   # pair → the two gradients it compares
TOLERANCES = {"grad_vs_bptt": 1e-7, "bptt_vs_fd": 1e-5, "grad_vs_fd": 1e-5}
# Below the floor an element is judged by absolute error: ≤ tolerance · floor (1e-15 for the
# analytic pair, 1e-9 for the pairs with finite differences).
FLOORS = {"grad_vs_bptt": 1e-8, "bptt_vs_fd": 1e-4, "grad_vs_fd": 1e-4}
# relu is not differentiable at 0: data are redrawn until every pre-activation is this far from
# it, 100× more than a finite-difference step can move one.
KINK_MARGIN = 1e-3

# The compiled functions run on a handful of numbers, so only compile time matters: FAST_COMPILE
# compiles a gradient through scan in seconds, where Numba's first compile takes tens of them.
CHECK_MODE = "FAST_COMPILE"

_TWINS = {
    cells.SimpleRNN: lambda cell: reference.SimpleRNN(cell.activation_name),
    cells.GRU: lambda cell: reference.GRU(),
    cells.GRUCombined: lambda cell: reference.GRUCombined(),
    cells.LSTM: lambda cell: reference.LSTM(),
}


def reference_twin(cell):
    """The NumPy twin of a built-in cell (or a stack of them), by exact class; None otherwise."""
    if type(cell) is cells.Stacked:
        layers = [reference_twin(layer) for layer in cell.cells]
        return None if None in layers else reference.Stacked(layers)
    make = _TWINS.get(type(cell))
    return make(cell) if make else None


def float64_copy(cell):
    """A copy of ``cell`` computing in ``CHECK_DTYPE``, with its own float64 ``shared`` parameters."""
    twin = copy.copy(cell)
    twin.dtype = CHECK_DTYPE
    if isinstance(cell, cells.Stacked):
        twin.cells = [float64_copy(layer) for layer in cell.cells]
        twin.params = [p for layer in twin.cells for p in layer.params]
    else:
        twin.params = [pytensor.shared(np.asarray(p.get_value(), dtype=CHECK_DTYPE), name=p.name)
                       for p in cell.params]
    return twin


@dataclass
class GradcheckReport:
    """The outcome of one check: the max relative error of every value for every pair."""

    title: str
    shapes: dict                                 # value name → shape
    errors: dict                                 # value name → {pair: max relative error}
    tolerances: dict = field(default_factory=lambda: dict(TOLERANCES))

    @property
    def pairs(self):
        return [pair for pair in PAIRS if any(pair in e for e in self.errors.values())]

    @property
    def failures(self):
        """``[(value name, pair, error)]`` for every error over its tolerance (or NaN)."""
        return [(name, pair, err) for name, errs in self.errors.items() for pair, err in errs.items()
                if not err <= self.tolerances[pair]]

    @property
    def passed(self):
        return not self.failures

    def table(self):
        """The report as a text table: parameter, shape, the error of each pair, ok/FAIL."""
        failed = {name for name, _, _ in self.failures}
        rows = [["parameter", "shape", *self.pairs, "result"]]
        for name, errs in self.errors.items():
            rows.append([name, str(self.shapes[name]), *(f"{errs[pair]:.1e}" for pair in self.pairs),
                         "FAIL" if name in failed else "ok"])
        rows.append(["tolerance", "", *(f"{self.tolerances[pair]:.0e}" for pair in self.pairs), ""])
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [self.title] + ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                                for row in rows]
        if self.passed:
            lines.append("PASSED: every relative error is within its tolerance")
        else:
            lines.append("FAILED: " + "; ".join(f"{name} {pair} {err:.1e}"
                                                for name, pair, err in self.failures))
        return "\n".join(lines)

    def as_dict(self):
        """JSON-ready: title, shapes, tolerances, errors (NaN or inf → None) and ``passed``."""
        def finite(x):
            return x if math.isfinite(x) else None
        return {"title": self.title, "shapes": {k: list(v) for k, v in self.shapes.items()},
                "tolerances": self.tolerances,
                "errors": {name: {pair: finite(err) for pair, err in errs.items()}
                           for name, errs in self.errors.items()},
                "passed": self.passed}

    def __str__(self):
        return self.table()


class GradientCheck:
    """A cell's check, compiled once and runnable on many random problems.

    cell: any ``Cell`` (any dtype; it is copied to float64, never modified).
    n_out: classes of the softmax output. mask: check with a (T, B) padding mask.
    one_hot: one-hot (T, B, V) targets instead of integer (T, B) ones.
    twin: the NumPy twin to compare with; by default the built-in twin of the cell's class, if
        any (``reference_twin``). None checks ``grad_vs_fd`` only.

    Call it with ``seq_len``, ``batch_size`` and ``seed`` for a ``GradcheckReport``; the compiled
    functions do not depend on those, so one instance checks many shapes cheaply.
    """

    def __init__(self, cell, *, n_out=5, mask=False, one_hot=False, twin="auto", mode=CHECK_MODE):
        self.cell = float64_copy(cell)
        self.twin = reference_twin(cell) if twin == "auto" else twin
        self.n_out, self.mask, self.one_hot, self.mode = n_out, mask, one_hot, mode
        self.state_keys = [f"{name}0" for name in self.cell.state_names]
        self.names = [*self.cell.param_names, "W_y", "b_y", *self.state_keys]
        self.n_cell_out = self.cell.state_sizes()[self.cell.output_index()]
        if len(set(self.names)) != len(self.names):
            raise ConfigError(f"gradcheck: {type(cell).__name__} has a parameter named like the check's "
                              f"own W_y, b_y or initial states: {self.names}")
        if self.twin is not None and (list(self.twin.param_names) != self.cell.param_names
                                      or tuple(self.twin.state_names) != tuple(self.cell.state_names)):
            raise ConfigError(f"gradcheck: the reference {self.twin!r} has parameters "
                              f"{list(self.twin.param_names)} and states {list(self.twin.state_names)}, "
                              f"the cell {self.cell.param_names} and {list(self.cell.state_names)}")
        self.loss_fn, self.grads_fn = self._compile()

    def _compile(self):
        """(loss, gradients) as functions of (xs, targets, [mask], *values in ``names`` order)."""
        dtype = CHECK_DTYPE
        xs = pt.tensor3("xs", dtype=dtype)
        targets = pt.tensor3("targets", dtype=dtype) if self.one_hot else pt.lmatrix("targets")
        mask = pt.matrix("mask", dtype=dtype) if self.mask else None
        states0 = [pt.matrix(key, dtype=dtype) for key in self.state_keys]
        output = Dense(self.n_cell_out, self.n_out, names=("W_y", "b_y"), rng=np.random.default_rng(0), dtype=dtype)

        hidden, _ = scan_cell(self.cell, xs, states0, mask=mask)
        logits = output(hidden)
        crossentropy = categorical_crossentropy if self.one_hot else sparse_categorical_crossentropy
        per_step = crossentropy(logits, targets)
        if mask is not None:
            per_step = per_step * mask
        loss = per_step.sum(axis=0).mean()
        shared = [*self.cell.params, *output.params]
        grads = pytensor.grad(loss, [*shared, *states0], disconnected_inputs="warn")

        # the shared parameters become inputs, so the functions are pure functions of the values
        inputs = {p: pt.tensor(name, dtype=dtype, shape=(None,) * p.ndim)
                  for name, p in zip(self.names, shared)}
        loss, *grads = graph_replace([loss, *grads], inputs)
        data = [xs, targets] + ([mask] if mask is not None else [])
        all_inputs = [*data, *inputs.values(), *states0]
        return tuple(CompiledFunction(all_inputs, outputs, name=name, mode=self.mode, show_progress=False)
                     for outputs, name in ((loss, "gradcheck_loss"), (grads, "gradcheck_grads")))

    def random_problem(self, seq_len, batch_size, rng):
        """Random values (dict), inputs, targets and mask; relu pre-activations kept off 0."""
        for _ in range(100):
            values = {name: _random_array(rng, p.get_value().shape)
                      for name, p in zip(self.cell.param_names, self.cell.params)}
            values["W_y"] = _random_array(rng, (self.n_cell_out, self.n_out))
            values["b_y"] = _random_array(rng, (self.n_out,))
            for key, size in zip(self.state_keys, self.cell.state_sizes()):
                values[key] = _random_array(rng, (batch_size, size))
            xs = rng.normal(size=(seq_len, batch_size, self.cell.n_in))
            targets = rng.integers(0, self.n_out, size=(seq_len, batch_size))
            if self.one_hot:
                targets = np.eye(self.n_out)[targets]
            mask = None
            if self.mask:  # padded batch: sequence b is real for its first lengths[b] steps
                lengths = rng.integers(1, seq_len + 1, size=batch_size)
                mask = (np.arange(seq_len)[:, None] < lengths).astype(CHECK_DTYPE)
            if self.twin is None or reference.bptt.kink_distance(self.twin, values, xs, mask) > KINK_MARGIN:
                return values, xs, targets, mask
        raise ConfigError("gradcheck: could not draw data keeping every pre-activation away from a kink")

    def __call__(self, *, seq_len=4, batch_size=3, seed=0):
        rng = np.random.default_rng(seed)
        values, xs, targets, mask = self.random_problem(seq_len, batch_size, rng)
        data = [xs, targets] + ([mask] if mask is not None else [])

        def compiled_loss(vals):
            return float(self.loss_fn(*data, *(vals[name] for name in self.names)))

        gradients = {"grad": dict(zip(self.names, self.grads_fn(*data, *(values[n] for n in self.names)))),
                     "grad_fd": reference.numerical_gradients(compiled_loss, values)}
        if self.twin is not None:
            def numpy_loss(vals):
                return reference.loss(self.twin, vals, xs, targets, mask)
            gradients["bptt"] = reference.loss_and_gradients(self.twin, values, xs, targets, mask)[1]
            gradients["bptt_fd"] = reference.numerical_gradients(numpy_loss, values)
        errors = {name: {pair: reference.relative_error(gradients[a][name], gradients[b][name],
                                                        FLOORS[pair])
                         for pair, (a, b) in PAIRS.items() if a in gradients and b in gradients}
                  for name in self.names}
        title = (f"gradcheck {self.cell!r} vs {self.twin or 'finite differences only'}: "
                 f"T={seq_len} B={batch_size} "
                 f"V={self.n_out}, {'one-hot' if self.one_hot else 'integer'} targets, "
                 f"{'masked' if self.mask else 'no mask'}, seed {seed}, {self.mode}")
        return GradcheckReport(title, {name: values[name].shape for name in self.names}, errors)


def _random_array(rng, shape):
    """Weights N(0, 1/fan_in) for matrices (rows feed columns); N(0, 0.25) for vectors."""
    scale = 1 / math.sqrt(shape[-2]) if len(shape) >= 2 else 0.5
    return rng.normal(0.0, scale, size=shape)


def gradcheck(cell, *, seq_len=4, batch_size=3, n_out=5, mask=False, one_hot=False, seed=0,
              twin="auto", mode=CHECK_MODE):
    """Check every gradient of a model built on ``cell``; returns a ``GradcheckReport``.

    ``report.passed`` says whether every pair agreed within tolerance; ``print(report)`` shows
    the table. See ``GradientCheck`` for the arguments.
    """
    check = GradientCheck(cell, n_out=n_out, mask=mask, one_hot=one_hot, twin=twin, mode=mode)
    return check(seq_len=seq_len, batch_size=batch_size, seed=seed)


BUILTIN_CELLS = {
    "rnn": lambda n_in, n_hidden, activation: cells.SimpleRNN(n_in, n_hidden, activation, dtype=CHECK_DTYPE),
    "gru": lambda n_in, n_hidden, activation: cells.GRU(n_in, n_hidden, dtype=CHECK_DTYPE),
    "lstm": lambda n_in, n_hidden, activation: cells.LSTM(n_in, n_hidden, dtype=CHECK_DTYPE),
}


def check_builtin(name, *, activation=None, seed=0, mask=False, one_hot=False, mode=CHECK_MODE):
    """``gradcheck`` of built-in cell ``name`` ("rnn", "gru", "lstm") at random small shapes.

    The shapes (n_in 1–4, n_hidden 2–5, V 2–6, T 1–5, B 1–4) come from ``seed``; ``activation``
    ("relu", the default, or "tanh") applies to "rnn" only.
    """
    if name not in BUILTIN_CELLS:
        raise ConfigError(f"unknown cell {name!r}; choose one of {sorted(BUILTIN_CELLS)}")
    if activation is not None and name != "rnn":
        raise ConfigError(f"--activation applies to the rnn cell only, not {name}")
    rng = np.random.default_rng(seed)
    n_in, n_hidden, n_out = (int(rng.integers(lo, hi + 1)) for lo, hi in ((1, 4), (2, 5), (2, 6)))
    seq_len, batch_size = (int(rng.integers(lo, hi + 1)) for lo, hi in ((1, 5), (1, 4)))
    cell = BUILTIN_CELLS[name](n_in, n_hidden, activation or "relu")
    return gradcheck(cell, seq_len=seq_len, batch_size=batch_size, n_out=n_out, mask=mask,
                     one_hot=one_hot, seed=seed, mode=mode)


class _CallableModule(types.ModuleType):
    """This module, callable: ``symrnn.gradcheck(cell)`` is ``symrnn.gradcheck.gradcheck(cell)``.

    ``symrnn/__init__`` imports this module only on first use (``import symrnn`` stays free of
    PyTensor), and a package's submodule attribute is the module itself, so the module is what
    ``symrnn.gradcheck`` names; making it callable keeps ``symrnn.gradcheck(cell)`` working.
    """

    def __call__(self, *args, **kwargs):
        return gradcheck(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
