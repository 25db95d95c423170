"""A character model: characters → one-hot or embedding (→ batchnorm) → cell, scanned → Dense.

Graph building only (pure, symbolic); ``symrnn.training.graph`` turns it into training and prediction
graphs and ``symrnn.training.trainer`` compiles and runs them.
"""
import numpy as np
import pytensor.tensor as pt

from symrnn import registry
from symrnn.dtypes import TRAIN_DTYPE
from symrnn.errors import ConfigError
from symrnn.nn.cells import Stacked, make_cell
from symrnn.nn.layers import BatchNormalization, Dense, Embedding, OneHot, Recurrent, RecurrentDropout
from symrnn.nn.losses import sparse_categorical_crossentropy
from symrnn.validate import positive_int


class CharRNN:
    """The lesson's character models; ``params`` lists every trainable ``shared`` variable.

    With the defaults this is lesson 6's "Theano RNN": one-hot input, one SimpleRNN layer (relu,
    identity ``W_h``, ``he_normal`` ``W_x``) and a softmax output layer ``W_y, b_y``.

    embedding: width of a learned embedding (the lesson's n_fac 42) instead of one-hot input.
    batchnorm: normalise the embeddings (the lesson's trick for its stateful model).
    cell, layers: a built-in cell's name (``symrnn.registry.CELLS``: "rnn", "gru", "lstm", …),
        ``"module.path:ClassName"``, a ``Cell`` subclass, or a factory (a function or a
        ``functools.partial``) called as ``cell(n_in, n_hidden, dtype=, rng=, **cell_options)``;
        stacked ``layers`` deep. ``config`` records it by import path, to be built again.
    activation: "relu" or "tanh", for the "rnn" cell.
    dropout, recurrent_dropout: Keras-1's dropout_W / dropout_U, one mask per sequence.
    return_sequences: train on every position (many-to-many) or on the last only (many-to-one:
        the lesson's 8-char model, predicting the 9th character from 8).
    """

    def __init__(self, vocab_size, n_hidden=256, *, cell="rnn", cell_options=None, layers=1,
                 embedding=None, batchnorm=False, activation="relu", dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=True, dtype=TRAIN_DTYPE, seed=0):
        self.config = _config(vocab_size, n_hidden, cell, cell_options, layers, embedding, batchnorm,
                              activation, dropout, recurrent_dropout, return_sequences, dtype, seed)
        rng = np.random.default_rng(seed)
        self.dtype, self.return_sequences = dtype, return_sequences
        self.encoder = (Embedding(vocab_size, embedding, rng=rng, dtype=dtype) if embedding
                        else OneHot(vocab_size, dtype=dtype))
        self.batchnorm = BatchNormalization(embedding, name="bn", dtype=dtype) if batchnorm else None
        options = dict(self.config["cell_options"])
        if cell == "rnn":
            options["activation"] = activation
        cells = [make_cell(cell, self.encoder.n_out if k == 0 else n_hidden, n_hidden,
                                    dtype=dtype, rng=rng, **options) for k in range(layers)]
        self.cell = cells[0] if layers == 1 else Stacked(cells)
        drop = RecurrentDropout(dropout, recurrent_dropout, seed=seed) if dropout or recurrent_dropout else None
        self.recurrent = Recurrent(self.cell, dropout=drop)
        self.output = Dense(n_hidden, vocab_size, name="y", rng=rng, dtype=dtype)

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

    def state_variables(self, batch_size=None):
        """Fresh symbolic initial states, one (B, size) matrix per cell state, named ``h0`` etc.

        batch_size: B fixed in the variables' types (for JAX, which compiles for fixed shapes), or None.
        """
        return [pt.matrix(f"{name}0", dtype=self.dtype, shape=(batch_size, size))
                for name, size in zip(self.cell.state_names, self.cell.state_sizes())]

    def logits(self, inputs, initial_states, deterministic=True, last_only=False):
        """inputs (T, B) int → (logits (T, B, V), or (1, B, V) if ``last_only``; final states; updates).

        ``deterministic`` graphs (prediction) use no dropout and batchnorm's running averages,
        and have no updates; training graphs return the layers' (batchnorm's running averages,
        the dropout generator).
        """
        x, updates = self.encoder(inputs), {}
        if self.batchnorm is not None:
            x, bn_updates = self.batchnorm(x, deterministic)
            updates.update(bn_updates)
        hidden, final_states, rnn_updates = self.recurrent(x, initial_states, deterministic=deterministic)
        updates.update(rnn_updates)
        if last_only:
            hidden = hidden[-1:]
        return self.output(hidden), final_states, updates

    def window_loss(self, inputs, targets, initial_states):
        """The training loss: cross-entropy summed over the window, averaged over the batch.

        Many-to-one models count the last position only. Returns (loss, final states, updates),
        where updates are the layers' own (batchnorm running averages, dropout generators).
        With B = 1 and the defaults it is exactly the lesson's ``-(outp * log(y)).sum()``.
        """
        last_only = not self.return_sequences
        logits, final_states, updates = self.logits(inputs, initial_states, deterministic=False,
                                                    last_only=last_only)
        targets = targets[-1:] if last_only else targets
        loss = sparse_categorical_crossentropy(logits, targets).sum(axis=0).mean()
        return loss, final_states, updates

    def untrained(self):
        """The same model at its initial weights: built again from ``config`` (the same seed)."""
        return CharRNN(**self.config)

    def zero_states(self, batch_size):
        """NumPy zeros for every state, (batch_size, size) each: the lesson's ``h0``."""
        return [np.zeros((batch_size, n), dtype=self.dtype) for n in self.cell.state_sizes()]


def _config(vocab_size, n_hidden, cell, cell_options, layers, embedding, batchnorm, activation,
            dropout, recurrent_dropout, return_sequences, dtype, seed):
    """The model's settings as JSON values, after checking them: what a checkpoint records."""
    if positive_int("the vocabulary size", vocab_size) < 2:
        raise ConfigError(f"a character model needs at least 2 symbols, got {vocab_size}")
    if embedding is not None:
        positive_int("the embedding width", embedding)
    if batchnorm and embedding is None:
        raise ConfigError("batchnorm normalises embeddings: give an embedding width too")
    cell_path, recorded_options = registry.describe_cell(cell)
    return {"vocab_size": int(vocab_size), "n_hidden": positive_int("the hidden size", n_hidden),
            "cell": cell_path, "cell_options": {**recorded_options, **(cell_options or {})},
            "layers": positive_int("the number of layers", layers), "embedding": embedding,
            "batchnorm": bool(batchnorm), "activation": activation, "dropout": float(dropout),
            "recurrent_dropout": float(recurrent_dropout), "return_sequences": bool(return_sequences),
            "dtype": dtype, "seed": int(seed)}
