"""Keras 1's recurrent layers — SimpleRNN, GRU, LSTM — on symrnn's cells and ``scan_cell``.

Each layer builds a cell of ``symrnn.nn.keras_cells`` (Keras 1's equations and weight layout) and
scans it with ``symrnn.nn.layers.Recurrent``: batch-major (N, T, n_in) in, (N, T, H) or (N, H) out.
Keras 1's arguments and defaults: ``init='glorot_uniform'``, ``inner_init='orthogonal'``,
``activation='tanh'``, ``inner_activation='hard_sigmoid'`` (GRU, LSTM), ``forget_bias_init='one'``
(LSTM), ``dropout_W``/``dropout_U`` (one mask per sequence, while training), ``return_sequences``,
``go_backwards`` (outputs then come last step first, as in Keras 1), ``stateful``. ``inner_init``
is honoured whatever ``consume_less`` says (Keras 1.2 read it only with 'gpu'); ``unroll`` and
``consume_less`` change nothing else.

``stateful=True`` carries each row's final states into the same row of the next batch — across
``fit``, ``predict`` and epochs — until ``reset_states()``; it needs the batch size fixed by
``batch_input_shape`` on the model's first layer.
"""
from collections import OrderedDict

import numpy as np
import pytensor

from symrnn.errors import ConfigError, ShapeError
from symrnn.keras import initializations
from symrnn.keras.engine import FLOATX, Layer
from symrnn.nn import keras_cells, layers


class Recurrent(Layer):
    """What the three layers share; subclasses name their ``cell_class`` and its extra options."""

    cell_class = None

    def __init__(self, output_dim, init="glorot_uniform", inner_init="orthogonal", activation="tanh",
                 W_regularizer=None, U_regularizer=None, b_regularizer=None, dropout_W=0.0, dropout_U=0.0,
                 return_sequences=False, go_backwards=False, stateful=False, unroll=False, consume_less="cpu",
                 input_dim=None, input_length=None, **kwargs):
        super().__init__(input_dim=input_dim, input_length=input_length, **kwargs)
        self.output_dim, self.init, self.inner_init, self.activation = output_dim, init, inner_init, activation
        self.dropout_W, self.dropout_U = dropout_W, dropout_U
        self.return_sequences, self.go_backwards, self.stateful = return_sequences, go_backwards, stateful
        self.regularizers = [(W_regularizer, "W"), (U_regularizer, "U"), (b_regularizer, "b")]
        self.states = None

    def cell_options(self):
        return {"activation": self.activation}

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ShapeError(f"{type(self).__name__} {self.name!r} reads (batch, steps, features), got {input_shape}")
        self.cell = self.cell_class(input_shape[-1], self.output_dim, **self.cell_options(), dtype=FLOATX,
                                    rng=np.random, W_init=initializations.get(self.init),
                                    U_init=initializations.get(self.inner_init))
        dropout = None
        if self.dropout_W or self.dropout_U:
            dropout = layers.RecurrentDropout(self.dropout_W, self.dropout_U, seed=int(np.random.randint(2 ** 31)))
        self.recurrent = layers.Recurrent(self.cell, return_sequences=self.return_sequences,
                                          go_backwards=self.go_backwards, dropout=dropout)
        self.params = list(self.cell.params)
        if self.stateful:
            batch = input_shape[0]
            if batch is None:
                raise ConfigError(f"{type(self).__name__} {self.name!r}: stateful=True needs the batch size fixed: "
                                  f"give the model's first layer batch_input_shape=(batch_size, ...)")
            self.states = [pytensor.shared(np.zeros((batch, size), FLOATX), name=f"{self.name}_{name}_state")
                           for name, size in zip(self.cell.state_names, self.cell.state_sizes())]

    def output_shape_for(self, input_shape):
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.output_dim)
        return (input_shape[0], self.output_dim)

    def apply(self, x, mask, training):
        """x (N, T, n_in) → (outputs, the stateful states' updates and the dropout generator's)."""
        time_major = x.dimshuffle(1, 0, 2)
        step_mask = None if mask is None else mask.T
        outputs, final_states, updates = self.recurrent(time_major, initial_states=self.states, mask=step_mask,
                                                        deterministic=not training)
        updates = OrderedDict(updates)
        if self.states:
            updates.update(zip(self.states, final_states))
        if not self.return_sequences:
            return outputs, updates
        if self.go_backwards:
            outputs = outputs[::-1]  # Keras 1 returns them in the order they were computed
        return outputs.dimshuffle(1, 0, 2), updates

    def compute_mask(self, x, mask):
        return mask if self.return_sequences else None

    def reset_states(self):
        """Zero the carried states (stateful layers)."""
        for state in self.states or []:
            state.set_value(np.zeros_like(state.get_value()))

    def config(self):
        """The arguments that rebuild this layer (for a ``Bidirectional`` wrapper's second direction)."""
        options = {"output_dim": self.output_dim, "init": self.init, "inner_init": self.inner_init,
                   "activation": self.activation, "dropout_W": self.dropout_W, "dropout_U": self.dropout_U,
                   "return_sequences": self.return_sequences}
        for name in ("inner_activation", "forget_bias_init"):
            if hasattr(self, name):
                options[name] = getattr(self, name)
        return options


class SimpleRNN(Recurrent):
    """``h' = activation(x·W + b + h·U)``; the lesson's with ``activation='relu', inner_init='identity'``."""

    cell_class = keras_cells.KerasSimpleRNN


class GRU(Recurrent):
    """Keras 1's GRU: z and r gates by ``inner_activation``, candidate by ``activation``, h' = z⊙h + (1−z)⊙ĥ."""

    cell_class = keras_cells.KerasGRU

    def __init__(self, output_dim, inner_activation="hard_sigmoid", **kwargs):
        super().__init__(output_dim, **kwargs)
        self.inner_activation = inner_activation

    def cell_options(self):
        return {"activation": self.activation, "inner_activation": self.inner_activation}


class LSTM(Recurrent):
    """Keras 1's LSTM: i, f, o gates by ``inner_activation``; the forget bias starts at 1
    (``forget_bias_init='one'``)."""

    cell_class = keras_cells.KerasLSTM

    def __init__(self, output_dim, inner_activation="hard_sigmoid", forget_bias_init="one", **kwargs):
        if forget_bias_init not in ("one", "zero"):
            raise ConfigError(f"LSTM: forget_bias_init {forget_bias_init!r} is not provided; use 'one' or 'zero'")
        super().__init__(output_dim, **kwargs)
        self.inner_activation, self.forget_bias_init = inner_activation, forget_bias_init

    def cell_options(self):
        return {"activation": self.activation, "inner_activation": self.inner_activation,
                "forget_bias": 1.0 if self.forget_bias_init == "one" else 0.0}


