"""A character model: characters → one-hot → cell, scanned → Dense → softmax.

Graph building only (pure, symbolic); compiling and running lives in ``symrnn.train``.
"""
import numpy as np
import pytensor.tensor as pt

from symrnn.backend import TRAIN_DTYPE
from symrnn.cells import SimpleRNN
from symrnn.errors import ConfigError
from symrnn.layers import Dense, OneHot
from symrnn.losses import sparse_categorical_crossentropy
from symrnn.recurrent import scan_cell


class CharRNN:
    """The lesson's character model; ``params`` lists every trainable ``shared`` variable.

    With the defaults this is lesson 6's "Theano RNN": one-hot input, SimpleRNN (relu, identity
    ``W_h``, ``he_normal`` ``W_x``) and a softmax output layer ``W_y, b_y``.
    """

    def __init__(self, vocab_size, n_hidden=256, *, activation="relu", dtype=TRAIN_DTYPE, seed=0):
        if vocab_size < 2:
            raise ConfigError(f"a character model needs at least 2 symbols, got {vocab_size}")
        if int(n_hidden) != n_hidden or n_hidden <= 0:
            raise ConfigError(f"the hidden size must be a positive integer, got {n_hidden}")
        self.config = {"vocab_size": int(vocab_size), "n_hidden": int(n_hidden),
                       "activation": activation, "dtype": dtype, "seed": int(seed)}
        rng = np.random.default_rng(seed)
        self.dtype = dtype
        self.encoder = OneHot(vocab_size, dtype)
        self.cell = SimpleRNN(self.encoder.n_out, n_hidden, activation, dtype=dtype, rng=rng)
        self.output = Dense(n_hidden, vocab_size, names=("W_y", "b_y"), rng=rng, dtype=dtype)

    @property
    def params(self):
        return [p for part in (self.encoder, self.cell, self.output) for p in part.params
                if p.tag.trainable]

    def state_variables(self):
        """Fresh symbolic initial states, one (B, size) matrix per cell state, named ``h0`` etc."""
        return [pt.matrix(f"{name}0", dtype=self.dtype) for name in self.cell.state_names]

    def logits(self, inputs, initial_states):
        """inputs (T, B) int → (logits (T, B, V), final states [(B, size)])."""
        hidden, final_states = scan_cell(self.cell, self.encoder(inputs), initial_states)
        return self.output(hidden), final_states

    def window_loss(self, inputs, targets, initial_states):
        """The lesson's error: cross-entropy summed over the window, averaged over the batch.

        Returns (loss scalar, final states). With B = 1 it is exactly the lesson's
        ``-(outp * log(y)).sum()``.
        """
        logits, final_states = self.logits(inputs, initial_states)
        return sparse_categorical_crossentropy(logits, targets).sum(axis=0).mean(), final_states

    def zero_states(self, batch_size):
        """NumPy zeros for every state, (batch_size, size) each: the lesson's ``h0``."""
        return [np.zeros((batch_size, n), dtype=self.dtype) for n in self.cell.state_sizes()]
