"""Text → vocabulary → index arrays → the lesson's windows.

The vocabulary is the lesson's: the sorted set of characters with ``"\\0"`` (padding) inserted
at index 0. Files are read as bytes and decoded as Latin-1 by default, one character per byte,
as the lesson's corpus is counted (Nietzsche: 85 distinct bytes → vocabulary of 86).
"""
import json
import os

import numpy as np

from symrnn.errors import DataError, ShapeError, UnknownCharacterError

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
    if not 0 <= val_fraction < 1:
        raise DataError(f"the validation fraction must be in [0, 1), got {val_fraction}")
    n_val = int(round(len(indices) * val_fraction))
    return indices[:len(indices) - n_val], indices[len(indices) - n_val:]


def lesson_windows(indices, seq_len, stride=None):
    """The lesson's layout: windows starting every ``stride`` (default ``seq_len``) characters.

    Returns ``(inputs, targets)``, each (n_windows, seq_len) int32: ``inputs[i]`` is
    ``indices[s : s+seq_len]`` and ``targets[i]`` the same window shifted by one,
    ``indices[s+1 : s+seq_len+1]`` — predict characters 2..9 from 1..8.
    """
    if seq_len <= 0:
        raise DataError(f"the sequence length must be positive, got {seq_len}")
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


def _positive(name, value):
    if int(value) != value or value <= 0:
        raise DataError(f"the {name} must be a positive integer, got {value}")
    return int(value)


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
    batch_size, seq_len = _positive("batch size", batch_size), _positive("sequence length", seq_len)
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
    batch_size = _positive("batch size", batch_size)
    inputs, targets = np.asarray(inputs, dtype=np.int32), np.asarray(targets, dtype=np.int32)
    if inputs.ndim != 2 or inputs.shape != targets.shape:
        raise DataError(f"inputs {inputs.shape} and targets {targets.shape} must be the same "
                        f"(n_windows, T) shape")
    order = rng.permutation(len(inputs))
    return ((np.ascontiguousarray(inputs[rows].T), np.ascontiguousarray(targets[rows].T))
            for rows in (order[start:start + batch_size] for start in range(0, len(order), batch_size)))


class MixIterator:
    """The lesson's ``MixIterator``: batches from several iterators joined into one batch.

    Each ``next()`` takes ``counts[i]`` items (default 1) from ``iterators[i]``, in order, and
    concatenates them element by element along ``batch_axis`` (1 for symrnn's time-major (T, B)
    arrays; the lesson's Keras arrays had it at 0) — the pseudo-labelling recipe, where each batch
    mixes labelled with pseudo-labelled examples. Items are tuples of arrays such as
    ``(inputs, targets)``. Iteration stops when any iterator runs out.
    """

    def __init__(self, iterators, counts=None, batch_axis=1):
        self.iterators = [iter(it) for it in iterators]
        self.counts = [1] * len(self.iterators) if counts is None else list(counts)
        if not self.iterators or len(self.counts) != len(self.iterators):
            raise DataError(f"MixIterator needs one count per iterator, got {len(self.counts)} "
                            f"counts for {len(self.iterators)} iterators")
        for count in self.counts:
            _positive("count of items per iterator", count)
        self.batch_axis = batch_axis

    def __iter__(self):
        return self

    def __next__(self):
        items = [next(it) for it, count in zip(self.iterators, self.counts) for _ in range(count)]
        try:
            return tuple(np.concatenate(parts, axis=self.batch_axis) for parts in zip(*items, strict=True))
        except ValueError as err:
            shapes = [tuple(np.shape(part) for part in item) for item in items]
            raise ShapeError(f"MixIterator cannot join items of shapes {shapes} along axis "
                             f"{self.batch_axis}: {err}") from None
