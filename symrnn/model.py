"""A character model: characters → one-hot or embedding (→ batchnorm) → cell, scanned → Dense.

Graph building only (pure, symbolic); compiling and running lives in ``symrnn.train``.
"""
import numpy as np
import pytensor.tensor as pt

from symrnn.backend import TRAIN_DTYPE
from symrnn.cells import GRU, LSTM, Cell, SimpleRNN, Stacked
from symrnn.errors import ConfigError
from symrnn.layers import BatchNormalization, Dense, Embedding, OneHot, Recurrent, RecurrentDropout
from symrnn.losses import sparse_categorical_crossentropy

CELLS = {"rnn": SimpleRNN, "gru": GRU, "lstm": LSTM}


def make_cell(kind, n_in, n_hidden, activation, dtype, rng):
    """A cell: built-in by name ("rnn" — SimpleRNN with ``activation`` —, "gru", "lstm"), or of
    a ``Cell`` subclass of your own, constructed as ``kind(n_in, n_hidden, dtype=, rng=)``."""
    if isinstance(kind, type) and issubclass(kind, Cell):
        return kind(n_in, n_hidden, dtype=dtype, rng=rng)
    if kind not in CELLS:
        raise ConfigError(f"unknown cell {kind!r}; choose one of {sorted(CELLS)} or pass a Cell subclass")
    extra = {"activation": activation} if kind == "rnn" else {}
    return CELLS[kind](n_in, n_hidden, dtype=dtype, rng=rng, **extra)


class CharRNN:
    """The lesson's character models; ``params`` lists every trainable ``shared`` variable.

    With the defaults this is lesson 6's "Theano RNN": one-hot input, one SimpleRNN layer (relu,
    identity ``W_h``, ``he_normal`` ``W_x``) and a softmax output layer ``W_y, b_y``.

    embedding: width of a learned embedding (the lesson's n_fac 42) instead of one-hot input.
    batchnorm: normalise the embeddings (the lesson's trick for its stateful model).
    cell, layers: "rnn" | "gru" | "lstm" or a ``Cell`` subclass of your own, stacked ``layers`` deep.
    dropout, recurrent_dropout: Keras-1's dropout_W / dropout_U, one mask per sequence.
    return_sequences: train on every position (many-to-many) or on the last only (many-to-one:
        the lesson's 8-char model, predicting the 9th character from 8).
    """

    def __init__(self, vocab_size, n_hidden=256, *, cell="rnn", layers=1, embedding=None,
                 batchnorm=False, activation="relu", dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=True, dtype=TRAIN_DTYPE, seed=0):
        if int(vocab_size) != vocab_size or vocab_size < 2:
            raise ConfigError(f"a character model needs at least 2 symbols, got {vocab_size}")
        for what, n in (("hidden size", n_hidden), ("number of layers", layers)):
            if int(n) != n or n <= 0:
                raise ConfigError(f"the {what} must be a positive integer, got {n}")
        if embedding is not None and (int(embedding) != embedding or embedding <= 0):
            raise ConfigError(f"the embedding width must be a positive integer, got {embedding}")
        if batchnorm and embedding is None:
            raise ConfigError("batchnorm normalises embeddings: give an embedding width too")
        cell_name = cell if isinstance(cell, str) else f"{cell.__module__}.{cell.__qualname__}"
        self.config = {"vocab_size": int(vocab_size), "n_hidden": int(n_hidden), "cell": cell_name,
                       "layers": int(layers), "embedding": embedding, "batchnorm": bool(batchnorm),
                       "activation": activation, "dropout": float(dropout),
                       "recurrent_dropout": float(recurrent_dropout),
                       "return_sequences": bool(return_sequences), "dtype": dtype, "seed": int(seed)}
        rng = np.random.default_rng(seed)
        self.dtype, self.return_sequences = dtype, return_sequences
        self.encoder = (Embedding(vocab_size, embedding, rng=rng, dtype=dtype) if embedding
                        else OneHot(vocab_size, dtype))
        self.batchnorm = BatchNormalization(embedding, dtype=dtype) if batchnorm else None
        cells = [make_cell(cell, self.encoder.n_out if k == 0 else n_hidden, n_hidden, activation, dtype, rng)
                 for k in range(layers)]
        self.cell = cells[0] if layers == 1 else Stacked(cells)
        drop = RecurrentDropout(dropout, recurrent_dropout, seed=seed) if dropout or recurrent_dropout else None
        self.recurrent = Recurrent(self.cell, dropout=drop)
        self.output = Dense(n_hidden, vocab_size, names=("W_y", "b_y"), rng=rng, dtype=dtype)

    def _layers(self):
        return [layer for layer in (self.encoder, self.batchnorm, self.recurrent, self.output) if layer]

    @property
    def variables(self):
        """Every ``shared`` array of the model, trainable or not (what a checkpoint keeps)."""
        return [p for layer in self._layers() for p in layer.params]

    @property
    def params(self):
        return [p for p in self.variables if p.tag.trainable]

    @property
    def random_generators(self):
        """The ``shared`` random generators of dropout layers (a checkpoint keeps their state)."""
        drop = self.recurrent.dropout
        return [drop.rng] if drop is not None else []

    def state_variables(self):
        """Fresh symbolic initial states, one (B, size) matrix per cell state, named ``h0`` etc."""
        return [pt.matrix(f"{name}0", dtype=self.dtype) for name in self.cell.state_names]

    def logits(self, inputs, initial_states, deterministic=True, last_only=False):
        """inputs (T, B) int → (logits (T, B, V), or (1, B, V) if ``last_only``; final states).

        ``deterministic`` graphs (prediction) use no dropout and batchnorm's running averages.
        """
        x = self.encoder(inputs)
        if self.batchnorm is not None:
            x = self.batchnorm(x, deterministic)
        hidden, final_states = self.recurrent(x, initial_states, deterministic=deterministic)
        if last_only:
            hidden = hidden[-1:]
        return self.output(hidden), final_states

    def window_loss(self, inputs, targets, initial_states):
        """The training loss: cross-entropy summed over the window, averaged over the batch.

        Many-to-one models count the last position only. Returns (loss, final states, updates),
        where updates are the layers' own (batchnorm running averages, dropout generators).
        With B = 1 and the defaults it is exactly the lesson's ``-(outp * log(y)).sum()``.
        """
        last_only = not self.return_sequences
        logits, final_states = self.logits(inputs, initial_states, deterministic=False, last_only=last_only)
        targets = targets[-1:] if last_only else targets
        loss = sparse_categorical_crossentropy(logits, targets).sum(axis=0).mean()
        updates = {}
        for layer in (self.batchnorm, self.recurrent):
            if layer is not None:
                updates.update(layer.updates)
        return loss, final_states, updates

    def zero_states(self, batch_size):
        """NumPy zeros for every state, (batch_size, size) each: the lesson's ``h0``."""
        return [np.zeros((batch_size, n), dtype=self.dtype) for n in self.cell.state_sizes()]
