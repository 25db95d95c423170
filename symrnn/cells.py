"""Cells: the one recurrent abstraction.

A cell owns named ``shared`` parameters and a pure ``step`` function on symbolic tensors, in the
lesson's shape::

    def step(self, x, h, W_h, b_h, W_x, b_x):   # x_t, the state at t-1, then the parameters
        return relu(dot(x, W_x) + b_x + dot(h, W_h) + b_h)

``symrnn.recurrent.scan_cell`` hands ``step`` to ``pytensor.scan`` with the parameters as
``non_sequences``, exactly as the lesson does; masks, going backwards, stacking, training,
sampling and gradient checks are all written once against this interface. Built-in cells use
nothing a user's cell cannot: to write your own, subclass ``Cell``, declare parameters with
``add_param`` in ``__init__`` and define ``step``.

Shapes: ``x`` is ``(B, n_in)`` (or ``(n_in,)`` for a single sequence), every state ``(B, n_hidden)``.
"""
import inspect

import numpy as np
import pytensor.tensor as pt

from symrnn import init
from symrnn.backend import TRAIN_DTYPE
from symrnn.errors import ConfigError

ACTIVATIONS = {
    "relu": lambda z: pt.maximum(z, 0),
    "tanh": pt.tanh,
}


def get_activation(name):
    """The elementwise function called ``name`` ("relu" or "tanh")."""
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

    def __init__(self, n_in, n_hidden, *, dtype=TRAIN_DTYPE, rng=None, seed=0):
        for what, n in (("n_in", n_in), ("n_hidden", n_hidden)):
            if int(n) != n or n <= 0:
                raise ConfigError(f"{type(self).__name__}: {what} must be a positive integer, got {n!r}")
        self.n_in, self.n_hidden, self.dtype = int(n_in), int(n_hidden), dtype
        self.rng = rng if rng is not None else np.random.default_rng(seed)
        self.params = []

    def add_param(self, name, shape, initialiser, **tags):
        """Create ``shared`` parameter ``name`` (see ``symrnn.init.param``), keep it, return it."""
        if any(p.name == name for p in self.params):
            raise ConfigError(f"{type(self).__name__}: parameter {name!r} declared twice")
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
        return self.state_names.index(self.output_state or self.state_names[0])

    def step(self, x, *states_and_params):
        raise NotImplementedError(f"{type(self).__name__} must define step(x, *states, *params)")

    def check_step_signature(self):
        """Raise ``ConfigError`` unless ``step`` names ``x``, the states, then the params in order.

        Skipped for a ``step`` taking ``*args`` (e.g. a stack of cells).
        """
        sig = inspect.signature(self.step)
        kinds = [p.kind for p in sig.parameters.values()]
        if inspect.Parameter.VAR_POSITIONAL in kinds:
            return
        names = list(sig.parameters)
        expected = len(self.state_names) + len(self.params) + 1
        if len(names) != expected or names[1 + len(self.state_names):] != self.param_names:
            want = ", ".join(["x", *self.state_names, *self.param_names])
            raise ConfigError(f"{type(self).__name__}.step must take ({want}) — the input, the "
                              f"states, then the parameters in the order add_param declared them; "
                              f"it takes ({', '.join(names)})")

    def __repr__(self):
        return f"{type(self).__name__}(n_in={self.n_in}, n_hidden={self.n_hidden}, dtype={self.dtype})"


class SimpleRNN(Cell):
    """The lesson's RNN: ``h = act(x·W_x + b_x + h·W_h + b_h)``.

    Two biases, as in the lesson (they are redundant: only their sum matters). Defaults are the
    lesson's: relu, ``W_x`` by ``he_normal`` (the lesson's ``init_wgts``), ``W_h`` the identity.
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

    def step(self, x, h, W_h, b_h, W_x, b_x):
        return self.activation(pt.dot(x, W_x) + b_x + pt.dot(h, W_h) + b_h)
