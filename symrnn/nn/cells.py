"""Cells: the one recurrent abstraction.

A cell owns named ``shared`` parameters and a pure ``step`` function on symbolic tensors, in the
lesson's shape::

    def step(self, x, h, W_h, b_h, W_x, b_x):   # x_t, the state at t-1, then the parameters
        return relu(dot(x, W_x) + b_x + dot(h, W_h) + b_h)

``symrnn.nn.recurrent.scan_cell`` hands ``step`` to ``pytensor.scan`` with the parameters as
``non_sequences``, exactly as the lesson does; masks, going backwards, stacking, training,
sampling and gradient checks are all written once against this interface. Built-in cells use
nothing a user's cell cannot: to write your own, subclass ``Cell``, declare parameters with
``add_param`` in ``__init__`` and define ``step``.

One optional hook is about speed, not meaning: ``precompute_input`` takes the products of the
input with its weights (``x·W_x + b``) out of ``step``, so that scan computes them for every
time step in one large matrix product before the loop (Lasagne's ``precompute_input``, Keras 1's
``preprocess_input``), and ``step`` receives them in place of ``x``. The built-in cells do this;
by default ``step`` gets ``x`` itself.

Shapes: ``x`` is ``(B, n_in)`` (or ``(n_in,)`` for a single sequence), every state ``(B, n_hidden)``.

Built in: ``SimpleRNN`` (the lesson's), ``GRU`` and ``GRUCombined`` (the lesson's two GRU
formulations), ``LSTM``, and ``Stacked`` (layers of any cells). See docs/custom_cells.md.
"""
import inspect

import numpy as np
import pytensor.tensor as pt

from symrnn import registry
from symrnn.dtypes import TRAIN_DTYPE
from symrnn.errors import CellError, ConfigError
from symrnn.nn import init
from symrnn.validate import positive_int


def hard_sigmoid(z):
    """Keras 1's piecewise-linear sigmoid, ``clip(0.2·z + 0.5, 0, 1)``, in z's dtype."""
    return pt.clip(z * np.asarray(0.2, z.dtype) + np.asarray(0.5, z.dtype), 0, 1).astype(z.dtype)


ACTIVATIONS = {
    "relu": lambda z: pt.maximum(z, 0),
    "tanh": pt.tanh,
    "sigmoid": pt.sigmoid,
    "hard_sigmoid": hard_sigmoid,
    "linear": lambda z: z,
}


def hidden_parameters_error(who, hidden):
    """The ``CellError`` for ``who`` (a step, a cell) reading the ``shared`` variables ``hidden``
    itself (``self.W``) instead of the parameters it is passed: no gradient reaches them that way."""
    return CellError(f"{who} reads {', '.join(repr(v.name) for v in hidden)} without taking it as an argument: "
                     f"step and precompute_input must use the parameters they are passed")


def get_activation(name):
    """The elementwise function called ``name`` (a key of ``ACTIVATIONS``)."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ConfigError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") from None


class Cell:
    """Base class of every recurrent cell.

    Subclasses set ``state_names`` (the recurrent state tensors, in ``step`` order; the first is
    the output unless ``output_state`` says otherwise), call ``add_param`` in ``__init__``, and
    define ``step(x, *states_tm1, *params) -> state or tuple of states``, taking the parameters
    in the order they were added.
    """

    state_names = ("h",)
    output_state = None
    # step treats the batch's rows independently: symrnn.nn.bptt may then take the weights'
    # gradients over all T·B rows at once. A step that mixes rows sets False.
    rows_independent = True

    def __init__(self, n_in, n_hidden, *, dtype=TRAIN_DTYPE, rng=None, seed=0):
        name = type(self).__name__
        self.n_in, self.n_hidden = positive_int(f"{name}: n_in", n_in), positive_int(f"{name}: n_hidden", n_hidden)
        self.dtype = dtype
        self.rng = rng if rng is not None else np.random.default_rng(seed)
        self.params = []

    def add_param(self, name, shape, initialiser, **tags):
        """Create ``shared`` parameter ``name`` (see ``symrnn.nn.init.param``), keep it, return it."""
        if any(p.name == name for p in self.params):
            raise CellError(f"{type(self).__name__}: parameter {name!r} declared twice")
        var = init.param(name, shape, initialiser, self.rng, self.dtype, **tags)
        self.params.append(var)
        return var

    @property
    def param_names(self):
        return [p.name for p in self.params]

    def state_sizes(self):
        """Width of each state tensor, in ``state_names`` order (all ``n_hidden`` by default)."""
        return [self.n_hidden] * len(self.state_names)

    def output_index(self):
        """Position in ``state_names`` of the state that is the cell's output."""
        output = self.output_state or self.state_names[0]
        if output not in self.state_names:
            raise CellError(f"{type(self).__name__}.output_state is {output!r}, which names none of its "
                            f"states {tuple(self.state_names)}")
        return self.state_names.index(output)

    def layers(self):
        """The cells ``scan_cell`` scans one after another: this cell alone (a stack lists its layers)."""
        return [self]

    def precompute_input(self, x, *params):
        """What ``step`` needs of the input, for every time step at once: (T, B, n_in) → (T, B, k).

        ``scan_cell`` calls this once, before the loop, and hands ``step`` its slice for each
        step in place of ``x``. Computing ``x·W_x + b`` here makes T small products inside the
        loop (and as many in the backward pass) one large product outside it. The default passes
        ``x`` through unchanged, so ``step`` sees the raw input.
        """
        return x

    def step(self, x, *states_and_params):
        raise NotImplementedError(f"{type(self).__name__} must define step(x, *states, *params)")

    def dropout_sizes(self):
        """Widths ``(input, recurrent)`` of the dropout masks of each layer (one pair for a plain cell)."""
        return [(self.n_in, self.state_sizes()[self.output_index()])]

    def step_dropped(self, h_mask, x, *states_and_params):
        """``step`` under variational dropout of the recurrent connection (Gal & Ghahramani 2016,
        Keras 1's dropout_U).

        ``h_mask`` (B, size) is drawn once per sequence and reused at every step: the output state
        fed back into ``step`` is multiplied by it. (The input's mask, Keras 1's dropout_W, is
        applied by ``scan_cell`` to the whole input sequence, before ``precompute_input``.) For a
        cell whose output state enters ``step`` only through matrix products (SimpleRNN, LSTM's h)
        that is all there is to it; a cell that also carries its state through unchanged
        overrides this (see ``GRU``).
        """
        states = list(states_and_params[:len(self.state_names)])
        out = self.output_index()
        states[out] = states[out] * h_mask
        return self.step(x, *states, *states_and_params[len(self.state_names):])

    def check_step_signature(self):
        """Raise ``CellError`` unless ``step`` names ``x``, the states, then the params in order
        (and an overridden ``precompute_input``, ``x`` then the params).

        Skipped for a function taking ``*args`` (e.g. a stack of cells).
        """
        name = type(self).__name__
        checks = [(self.step, self.state_names)]
        if type(self).precompute_input is not Cell.precompute_input:
            checks.append((self.precompute_input, ()))
        for method, states in checks:
            sig = inspect.signature(method)
            if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in sig.parameters.values()):
                continue
            names = list(sig.parameters)
            if len(names) != 1 + len(states) + len(self.params) or names[1 + len(states):] != self.param_names:
                want = ", ".join(["x", *states, *self.param_names])
                raise CellError(f"{name}.{method.__name__} must take ({want}) — the input, "
                                  f"{'the states, ' if states else ''}then the parameters in the "
                                  f"order add_param declared them; it takes ({', '.join(names)})")

    def __repr__(self):
        return f"{type(self).__name__}(n_in={self.n_in}, n_hidden={self.n_hidden}, dtype={self.dtype})"


class SimpleRNN(Cell):
    """The lesson's RNN: ``h = act(x·W_x + b_x + h·W_h + b_h)``.

    The lesson's step, ``act(dot(x, W_x) + b_x + dot(h, W_h) + b_h)``, split in two: the input's
    part ``x·W_x + b_x`` for every step at once (``precompute_input``), the recurrent part in
    ``step``. Two biases, as in the lesson (they are redundant: only their sum matters). Defaults
    are the lesson's: relu, ``W_x`` by ``he_normal`` (the lesson's ``init_wgts``), ``W_h`` the
    identity.
    """

    def __init__(self, n_in, n_hidden, activation="relu", *, W_x_init=init.he_normal,
                 W_h_init=init.identity, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.activation_name = activation
        self.activation = get_activation(activation)
        self.add_param("W_h", (n_hidden, n_hidden), W_h_init)
        self.add_param("b_h", (n_hidden,), init.zeros)
        self.add_param("W_x", (n_in, n_hidden), W_x_init)
        self.add_param("b_x", (n_hidden,), init.zeros)

    def precompute_input(self, x, W_h, b_h, W_x, b_x):
        """x (T, B, n_in) → x·W_x + b_x (T, B, H)."""
        return pt.dot(x, W_x) + b_x

    def step(self, xw, h, W_h, b_h, W_x, b_x):
        """xw: this step's x·W_x + b_x (B, H); h: the state at t−1 (B, H)."""
        return self.activation(xw + pt.dot(h, W_h) + b_h)


def column_blocks(initialiser, n_blocks):
    """An initialiser filling a (rows, n_blocks·k) matrix with ``n_blocks`` independent (rows, k) blocks.

    An LSTM's ``W_h`` (H, 4H) is four gate matrices side by side; each should be orthogonal on its
    own, as if the gates had separate weights (as in Keras 1).
    """
    def fill(rng, shape, dtype):
        rows, cols = shape
        return np.concatenate([initialiser(rng, (rows, cols // n_blocks), dtype)
                               for _ in range(n_blocks)], axis=1)
    return fill


def row_blocks(top_initialiser, top_rows, bottom_initialiser):
    """An initialiser stacking a ``top_rows``-row block over the remaining rows, each its own way.

    A combined-weight matrix multiplying ``[h, x]`` has ``W_h``'s rows on top of ``W_x``'s.
    """
    def fill(rng, shape, dtype):
        rows, cols = shape
        return np.vstack([top_initialiser(rng, (top_rows, cols), dtype),
                          bottom_initialiser(rng, (rows - top_rows, cols), dtype)])
    return fill


def forget_gate_bias(n_hidden, forget_bias):
    """An initialiser of an LSTM's bias (4H,): zeros, but ``forget_bias`` in the forget gate's block,
    the second (i, f, … in both symrnn's and Keras 1's order)."""
    def fill(rng, shape, dtype):
        b = np.zeros(shape, dtype=dtype)
        b[n_hidden:2 * n_hidden] = forget_bias
        return b
    return fill


class GRU(Cell):
    """Gated recurrent unit, in the lesson's convention::

        r  = σ(x·W_xr + h·W_hr + b_r)              reset gate
        z  = σ(x·W_xz + h·W_hz + b_z)              update gate
        ĥ  = tanh(x·W_xh + (r⊙h)·W_hh + b_h)       candidate: reset applied to h BEFORE its matmul
        h' = z⊙ĥ + (1−z)⊙h                         z weights the NEW candidate

    Other libraries differ: Lasagne applies the reset after the matmul, ``r⊙(h·W_hh)`` (as cuDNN
    does), and Keras 1 lets z keep the old state, ``h' = z⊙h + (1−z)⊙ĥ``. Same family of
    functions, different parameters — weights do not transfer between conventions unchanged.

    Init: ``W_x*`` glorot_uniform, ``W_h*`` orthogonal, biases zero.
    """

    def __init__(self, n_in, n_hidden, *, W_x_init=init.glorot_uniform, W_h_init=init.orthogonal,
                 **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        for gate in "rzh":
            self.add_param(f"W_x{gate}", (n_in, n_hidden), W_x_init)
            self.add_param(f"W_h{gate}", (n_hidden, n_hidden), W_h_init)
            self.add_param(f"b_{gate}", (n_hidden,), init.zeros)

    def precompute_input(self, x, W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h):
        """x (T, B, n_in) → the input's part of each gate, (T, B, 3H) in blocks r, z, ĥ:
        ``[x·W_xr + b_r | x·W_xz + b_z | x·W_xh + b_h]``."""
        return pt.concatenate([pt.dot(x, W_xr) + b_r, pt.dot(x, W_xz) + b_z, pt.dot(x, W_xh) + b_h],
                              axis=-1)

    def step(self, xw, h, W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h):
        """xw: this step's input blocks (B, 3H) (see ``precompute_input``); h (B, H)."""
        return self.update(xw, h, h, W_hr, W_hz, W_hh)

    def update(self, xw, h_read, h, W_hr, W_hz, W_hh):
        """The equations, with the state the matmuls read (``h_read``) apart from the one carried (``h``)."""
        H = self.n_hidden
        r = pt.sigmoid(xw[..., :H] + pt.dot(h_read, W_hr))
        z = pt.sigmoid(xw[..., H:2 * H] + pt.dot(h_read, W_hz))
        h_new = pt.tanh(xw[..., 2 * H:] + pt.dot(r * h_read, W_hh))
        return z * h_new + (1 - z) * h

    def step_dropped(self, h_mask, xw, h, *params):
        """Keras 1's GRU dropout: the mask drops h where it enters a matmul; the carried h stays whole.

        (Dropping the carried state too would scale it by 1/keep at every step it is kept.)
        """
        p = dict(zip(self.param_names, params))
        return self.update(xw, h * h_mask, h, p["W_hr"], p["W_hz"], p["W_hh"])


class GRUCombined(Cell):
    """The GRU with one matrix per gate acting on ``[h, x]`` (the lesson's second formulation)::

        r  = σ([h, x]·W_r + b_r)
        z  = σ([h, x]·W_z + b_z)
        ĥ  = tanh([r⊙h, x]·W_h + b_h)
        h' = z⊙ĥ + (1−z)⊙h

    ``W_r`` is ``GRU``'s ``vstack([W_hr, W_xr])`` ((H + n_in), H), and so on: the same function
    as ``GRU``, with three large matmuls per step instead of six small ones. (That is the point
    of this formulation, so it keeps the default ``precompute_input``: ``step`` reads x itself.)
    """

    def __init__(self, n_in, n_hidden, *, W_x_init=init.glorot_uniform, W_h_init=init.orthogonal,
                 **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        weights = row_blocks(W_h_init, n_hidden, W_x_init)
        for gate in "rzh":
            self.add_param(f"W_{gate}", (n_hidden + n_in, n_hidden), weights)
            self.add_param(f"b_{gate}", (n_hidden,), init.zeros)

    def step(self, x, h, W_r, b_r, W_z, b_z, W_h, b_h):
        return self.update(x, h, h, W_r, b_r, W_z, b_z, W_h, b_h)

    @staticmethod
    def update(x, h_read, h, W_r, b_r, W_z, b_z, W_h, b_h):
        """The equations, with the state the matmuls read (``h_read``) apart from the one carried (``h``)."""
        hx = pt.concatenate([h_read, x], axis=-1)
        r = pt.sigmoid(pt.dot(hx, W_r) + b_r)
        z = pt.sigmoid(pt.dot(hx, W_z) + b_z)
        h_new = pt.tanh(pt.dot(pt.concatenate([r * h_read, x], axis=-1), W_h) + b_h)
        return z * h_new + (1 - z) * h

    def step_dropped(self, h_mask, x, h, *params):
        """As ``GRU.step_dropped``: the matmuls read h·mask, the carried h stays whole."""
        return self.update(x, h * h_mask, h, *params)


class LSTM(Cell):
    """Long short-term memory, gates as column blocks i, f, g, o of one product::

        [i | f | g | o] = x·W_x + h·W_h + b        W_x (n_in, 4H), W_h (H, 4H), b (4H)
        i, f, o = σ(.),  g = tanh(.)
        c' = f⊙c + i⊙g
        h' = o⊙tanh(c')

    States ``("h", "c")``; the output is h. The forget-gate bias ``b[H:2H]`` starts at
    ``forget_bias`` (1.0, Jozefowicz et al. 2015), so the memory is kept at first.
    Init: each gate's block of ``W_x`` glorot_uniform and of ``W_h`` orthogonal.
    """

    state_names = ("h", "c")

    def __init__(self, n_in, n_hidden, *, forget_bias=1.0, W_x_init=init.glorot_uniform,
                 W_h_init=init.orthogonal, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.forget_bias = forget_bias
        self.add_param("W_x", (n_in, 4 * n_hidden), column_blocks(W_x_init, 4))
        self.add_param("W_h", (n_hidden, 4 * n_hidden), column_blocks(W_h_init, 4))
        self.add_param("b", (4 * n_hidden,), forget_gate_bias(n_hidden, forget_bias))

    def precompute_input(self, x, W_x, W_h, b):
        """x (T, B, n_in) → the input's part of the gates, x·W_x + b (T, B, 4H)."""
        return pt.dot(x, W_x) + b

    def step(self, xw, h, c, W_x, W_h, b):
        """xw: this step's x·W_x + b (B, 4H); h, c: the states at t−1 (B, H)."""
        H = self.n_hidden
        gates = xw + pt.dot(h, W_h)
        i = pt.sigmoid(gates[..., :H])
        f = pt.sigmoid(gates[..., H:2 * H])
        g = pt.tanh(gates[..., 2 * H:3 * H])
        o = pt.sigmoid(gates[..., 3 * H:])
        c_new = f * c + i * g
        return o * pt.tanh(c_new), c_new


class Stacked(Cell):
    """Cells on top of each other (TensorFlow's MultiRNNCell): layer k's output is layer k+1's input.

    Its parameters are its layers' parameters, in order; its states are its layers' states,
    named ``"l0.h", "l1.h", "l1.c"``, …; its output is the top layer's. Layers may be different
    kinds of cell. ``step`` advances every layer by one time step (for a scan of your own);
    ``scan_cell`` scans ``layers()`` one after another instead — the same function, but each
    layer's input products are then precomputed over the whole sequence (as cuDNN and PyTorch
    do), where one scan over all layers would compute them inside the loop for every layer
    above the first.
    """

    def __init__(self, cells):
        cells = list(cells)
        if not cells or not all(isinstance(c, Cell) for c in cells):
            raise ConfigError("Stacked needs a non-empty list of cells")
        for k in range(1, len(cells)):
            if cells[k].n_in != cells[k - 1].n_hidden:
                raise ConfigError(f"Stacked: layer {k} takes {cells[k].n_in} inputs but layer {k - 1} "
                                  f"outputs {cells[k - 1].n_hidden}")
        dtypes = {c.dtype for c in cells}
        if len(dtypes) != 1:
            raise ConfigError(f"Stacked: all layers must share one dtype, got {sorted(dtypes)}")
        super().__init__(cells[0].n_in, cells[-1].n_hidden, dtype=cells[0].dtype)
        self.cells = cells
        self.params = [p for c in cells for p in c.params]
        self.state_names = tuple(f"l{k}.{name}" for k, c in enumerate(cells) for name in c.state_names)
        top = cells[-1]
        self.output_state = f"l{len(cells) - 1}.{top.state_names[top.output_index()]}"

    @property
    def param_names(self):
        return [f"l{k}.{p.name}" for k, c in enumerate(self.cells) for p in c.params]

    def state_sizes(self):
        return [size for c in self.cells for size in c.state_sizes()]

    def layers(self):
        return list(self.cells)

    def dropout_sizes(self):
        return [pair for c in self.cells for pair in c.dropout_sizes()]

    def check_step_signature(self):
        for c in self.cells:
            c.check_step_signature()

    def split(self, per_state, per_param):
        """Cut lists laid out as the stack's states and parameters into one (states, params) per layer."""
        layers = []
        for cell in self.cells:
            n_states, n_params = len(cell.state_names), len(cell.params)
            layers.append((per_state[:n_states], per_param[:n_params]))
            per_state, per_param = per_state[n_states:], per_param[n_params:]
        return layers

    def step(self, x, *states_and_params):
        """One time step through every layer: x (B, n_in) → every layer's new states, in stack order."""
        n_states = len(self.state_names)
        layers = self.split(states_and_params[:n_states], states_and_params[n_states:])
        new_states = []
        for cell, (cell_states, cell_params) in zip(self.cells, layers):
            out = cell.step(cell.precompute_input(x, *cell_params), *cell_states, *cell_params)
            out = list(out) if isinstance(out, (list, tuple)) else [out]
            new_states += out
            x = out[cell.output_index()]
        return new_states

    def __repr__(self):
        return f"Stacked([{', '.join(repr(c) for c in self.cells)}])"


def make_cell(cell, n_in, n_hidden, *, dtype, rng, **options):
    """``cell`` (anything ``cell_factory`` accepts), built as ``factory(n_in, n_hidden, dtype=, rng=, **options)``."""
    factory = registry.cell_factory(cell)
    try:
        inspect.signature(factory).bind(n_in, n_hidden, dtype=dtype, rng=rng, **options)
    except TypeError as err:
        raise CellError(f"cell {registry.describe_cell(cell)[0]!r} cannot be built as (n_in, n_hidden, dtype=, rng="
                        f"{''.join(', ' + k + '=' for k in options)}): {err}; pass a factory that "
                        f"supplies its other arguments") from None
    except ValueError:  # no signature to inspect (a builtin): let the call say
        pass
    made = factory(n_in, n_hidden, dtype=dtype, rng=rng, **options)
    if not isinstance(made, Cell):
        raise CellError(f"cell factory {registry.describe_cell(cell)[0]!r} returned {type(made).__name__}, not a Cell")
    return made
