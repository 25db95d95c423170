"""Text → vocabulary → index arrays → the lesson's windows.

The vocabulary is the lesson's: the sorted set of characters with ``"\\0"`` (padding) inserted
at index 0. Files are read as bytes and decoded as Latin-1 by default, one character per byte,
as the lesson's corpus is counted (Nietzsche: 85 distinct bytes → vocabulary of 86).
"""
import json
import math
import os
from dataclasses import dataclass

import numpy as np

from symrnn.errors import DataError, UnknownCharacterError
from symrnn.validate import fraction, positive_int

PAD = "\0"


class Vocabulary:
    """Characters ↔ integer indices. ``chars[0]`` is the padding character ``"\\0"``."""

    def __init__(self, chars):
        chars = list(chars)
        if not chars or chars[0] != PAD or len(set(chars)) != len(chars):
            raise DataError("a vocabulary is a list of distinct characters starting with '\\0'")
        self.chars = chars
        self.index = {c: i for i, c in enumerate(chars)}

    @classmethod
    def from_text(cls, text):
        """The lesson's ``chars = sorted(set(text)); chars.insert(0, "\\0")``."""
        if not text:
            raise DataError("the text is empty: there is nothing to build a vocabulary from")
        return cls([PAD, *sorted(set(text) - {PAD})])

    def __len__(self):
        return len(self.chars)

    def encode(self, text):
        """Indices (len(text),) int32 of ``text``; ``UnknownCharacterError`` names any unknown character."""
        try:
            return np.fromiter((self.index[c] for c in text), dtype=np.int32, count=len(text))
        except KeyError:
            unknown = sorted({c for c in text if c not in self.index})
            first = min(text.index(c) for c in unknown)
            raise UnknownCharacterError(
                f"{len(unknown)} character(s) not in the model's vocabulary of {len(self)}: "
                f"{', '.join(repr(c) for c in unknown[:10])} (first at position {first})") from None

    def decode(self, indices):
        return "".join(self.chars[int(i)] for i in np.asarray(indices).ravel())

    def to_json(self):
        return json.dumps(self.chars)

    @classmethod
    def from_json(cls, text):
        return cls(json.loads(text))


def load_text(path, encoding="latin-1"):
    """The text of file ``path``; ``DataError`` for a missing, empty or binary file."""
    if not os.path.isfile(path):
        raise DataError(f"text file not found: {path}")
    raw = open(path, "rb").read()
    if not raw:
        raise DataError(f"text file is empty: {path}")
    if b"\0" in raw[:1 << 20]:
        raise DataError(f"{path} looks like a binary file (it contains NUL bytes), not text")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        raise DataError(f"{path} is not valid {encoding}: {err.reason} at byte {err.start}") from None


def default_corpus():
    """The corpus used when no text is given: CPython's own documentation topics (~465k chars).

    ``pydoc_data.topics`` ships with every CPython, so symrnn needs to ship no third-party text.
    """
    from pydoc_data.topics import topics
    return "\n".join(topics[key] for key in sorted(topics))


def split_tail(indices, val_fraction):
    """(train, val): the last ``val_fraction`` of ``indices`` is held out, the rest trains."""
    fraction("the validation fraction", val_fraction, DataError)
    n_val = int(round(len(indices) * val_fraction))
    return indices[:len(indices) - n_val], indices[len(indices) - n_val:]


def lesson_windows(indices, seq_len, stride=None):
    """The lesson's layout: windows starting every ``stride`` (default ``seq_len``) characters.

    Returns ``(inputs, targets)``, each (n_windows, seq_len) int32: ``inputs[i]`` is
    ``indices[s : s+seq_len]`` and ``targets[i]`` the same window shifted by one,
    ``indices[s+1 : s+seq_len+1]`` — predict characters 2..9 from 1..8.
    """
    seq_len = positive_int("the sequence length", seq_len, DataError)
    stride = stride or seq_len
    starts = np.arange(0, len(indices) - seq_len, stride)
    if len(starts) == 0:
        raise DataError(f"the text has {len(indices)} characters, too short for one window of "
                        f"{seq_len} inputs + 1 target")
    offsets = starts[:, None] + np.arange(seq_len)
    indices = np.asarray(indices, dtype=np.int32)
    return indices[offsets], indices[offsets + 1]


def one_hot(indices, n_symbols, dtype):
    """One-hot rows (..., n_symbols) of integer ``indices`` (...)."""
    return np.eye(n_symbols, dtype=dtype)[indices]


def stateful_batches(indices, batch_size, seq_len):
    """The text as ``batch_size`` parallel streams, cut into consecutive (T, B) batches.

    Returns ``(inputs, targets)``, each (n_batches, seq_len, batch_size) int32, time-major: the
    text is split into ``batch_size`` equal streams (one per row) and batch k holds the k-th
    ``seq_len`` characters of every stream, so row i of batch k+1 continues row i of batch k and a
    stateful model may carry its final state over. ``targets`` are the inputs shifted by one in
    the stream. Every character of the first ``n_batches · seq_len · batch_size`` is an input
    exactly once; the tail that fills no whole batch is dropped (Gorner's ``rnn_minibatch_sequencer``).

    (The lesson's ``stateful=True, shuffle=False`` fed consecutive *windows* to consecutive rows,
    so there row i of batch k+1 did not continue row i of batch k.)
    """
    batch_size = positive_int("the batch size", batch_size, DataError)
    seq_len = positive_int("the sequence length", seq_len, DataError)
    indices = np.asarray(indices, dtype=np.int32)
    n_batches = (len(indices) - 1) // (batch_size * seq_len)
    if n_batches == 0:
        raise DataError(f"the text has {len(indices)} characters, too short for {batch_size} "
                        f"streams of {seq_len} inputs + 1 target")
    n_inputs = n_batches * seq_len * batch_size

    def layout(stream):  # (B · n_batches · T,) → (n_batches, T, B)
        return np.ascontiguousarray(stream.reshape(batch_size, n_batches, seq_len).transpose(1, 2, 0))
    return layout(indices[:n_inputs]), layout(indices[1:n_inputs + 1])


def minibatches(inputs, targets, batch_size, rng):
    """Shuffled time-major minibatches of the windows of ``lesson_windows``, each window once.

    inputs, targets: (n_windows, T). Yields ``(inputs, targets)`` pairs (T, B) int32 in an order
    drawn from numpy Generator ``rng``; the last batch is smaller when ``batch_size`` does not
    divide the number of windows.
    """
    batch_size = positive_int("the batch size", batch_size, DataError)
    inputs, targets = np.asarray(inputs, dtype=np.int32), np.asarray(targets, dtype=np.int32)
    if inputs.ndim != 2 or inputs.shape != targets.shape:
        raise DataError(f"inputs {inputs.shape} and targets {targets.shape} must be the same "
                        f"(n_windows, T) shape")
    order = rng.permutation(len(inputs))
    return ((np.ascontiguousarray(inputs[rows].T), np.ascontiguousarray(targets[rows].T))
            for rows in (order[start:start + batch_size] for start in range(0, len(order), batch_size)))


# -- batches for the training loop (``symrnn.training.fit``): each has ``stateful``, ``steps_per_epoch``
# and ``epoch(e)``, the (T, B) (inputs, targets) pairs of epoch ``e``.

class WindowBatches:
    """(T, B) batches of the lesson's windows: in order (the lesson), or shuffled each epoch.

    Epoch ``e`` is shuffled with ``default_rng([seed, e])``, so any step's batch can be found
    again — what makes a resumed run repeat the uninterrupted one exactly.
    """

    stateful = False

    def __init__(self, inputs, targets, batch_size, *, shuffle=False, seed=0):
        self.inputs, self.targets = np.asarray(inputs, np.int32), np.asarray(targets, np.int32)
        self.batch_size, self.shuffle, self.seed = batch_size, shuffle, seed
        self.steps_per_epoch = math.ceil(len(self.inputs) / batch_size)
        self.seq_len = self.inputs.shape[1]

    def epoch(self, e):
        if self.shuffle:
            return minibatches(self.inputs, self.targets, self.batch_size, np.random.default_rng([self.seed, e]))
        return ((np.ascontiguousarray(self.inputs[s:s + self.batch_size].T),
                 np.ascontiguousarray(self.targets[s:s + self.batch_size].T))
                for s in range(0, len(self.inputs), self.batch_size))


class StreamBatches:
    """Stateful training: B parallel streams (``data.stateful_batches``); the final state of
    each batch is the initial state of the next, reset to zeros at every epoch start."""

    stateful = True

    def __init__(self, inputs, targets):
        self.inputs, self.targets = inputs, targets       # (n_batches, T, B) each
        self.steps_per_epoch, self.seq_len, self.batch_size = inputs.shape

    def epoch(self, e):
        return zip(self.inputs, self.targets)


@dataclass
class Corpus:
    """A text ready for training: its vocabulary, the training batches and the held-out part.

    train_idx, val_idx: the text's indices split by ``split_tail``; batches: ``WindowBatches``, or
    ``StreamBatches`` when ``stateful``; val: the held-out windows ``(inputs, targets)`` (or
    streams), None when the held-out part is shorter than one.
    """

    text: str
    vocab: Vocabulary
    train_idx: np.ndarray
    val_idx: np.ndarray
    batches: object
    val: tuple

    @classmethod
    def build(cls, text, *, val_fraction, seq_len, batch_size, stride=None, stateful=False, shuffle=False, seed=0):
        vocab = Vocabulary.from_text(text)
        train_idx, val_idx = split_tail(vocab.encode(text), val_fraction)
        if stateful:
            batches = StreamBatches(*stateful_batches(train_idx, batch_size, seq_len))
            enough = len(val_idx) > batch_size * seq_len
            val = stateful_batches(val_idx, batch_size, seq_len) if enough else None
        else:
            windows = lesson_windows(train_idx, seq_len, stride)
            batches = WindowBatches(*windows, batch_size, shuffle=shuffle, seed=seed)
            val = lesson_windows(val_idx, seq_len) if len(val_idx) > seq_len else None
        return cls(text, vocab, train_idx, val_idx, batches, val)
