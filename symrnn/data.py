"""Text → vocabulary → index arrays → the lesson's windows.

The vocabulary is the lesson's: the sorted set of characters with ``"\\0"`` (padding) inserted
at index 0. Files are decoded as UTF-8 by default; ``encoding="latin-1"`` reads one character
per byte, as the lesson's Python 2 counted its corpus (Nietzsche: 85 distinct bytes → vocabulary
of 86; as UTF-8, 84 characters → 85).
"""
import codecs
import json
import math
import os
import re
from dataclasses import dataclass

import numpy as np

from symrnn.errors import DataError, UnknownCharacterError
from symrnn.validate import fraction, positive_int

PAD = "\0"
CHUNK = 1 << 24  # characters encoded at a time: a large text never has a wide copy made whole


def _code_points(text):
    """The code points of ``text``, a chunk at a time: (start, uint32 array) pairs."""
    for start in range(0, len(text), CHUNK):
        yield start, np.frombuffer(text[start:start + CHUNK].encode("utf-32-le", "surrogatepass"), "<u4")


class Vocabulary:
    """Characters ↔ integer indices. ``chars[0]`` is the padding character ``"\\0"``.

    ``encode`` gives the narrowest unsigned type that holds every index (``dtype``): one byte a
    character for any vocabulary of up to 256, so a large text costs little memory as indices.
    """

    def __init__(self, chars):
        chars = list(chars)
        if not chars or chars[0] != PAD or len(set(chars)) != len(chars):
            raise DataError("a vocabulary is a list of distinct characters starting with '\\0'")
        self.chars = chars
        self.index = {c: i for i, c in enumerate(chars)}
        self.dtype = np.min_scalar_type(len(chars) - 1)
        codes = [ord(c) for c in chars]
        self._table = np.full(max(codes) + 2, -1, np.int32)  # code point → index; -1: not in the vocabulary
        self._table[codes] = np.arange(len(chars))

    @classmethod
    def from_text(cls, text):
        """The lesson's ``chars = sorted(set(text)); chars.insert(0, "\\0")``."""
        if not text:
            raise DataError("the text is empty: there is nothing to build a vocabulary from")
        seen = np.zeros(0, bool)
        for _, codes in _code_points(text):
            counts = np.bincount(codes)
            seen = np.pad(seen, (0, max(0, len(counts) - len(seen))))
            seen[:len(counts)] |= counts > 0
        return cls([PAD, *(chr(code) for code in np.flatnonzero(seen) if code)])

    def __len__(self):
        return len(self.chars)

    def encode(self, text):
        """Indices (len(text),) of ``text``, of type ``dtype``; ``UnknownCharacterError`` names any
        unknown character."""
        indices = np.empty(len(text), self.dtype)
        for start, codes in _code_points(text):
            found = self._table[np.minimum(codes, len(self._table) - 1)]
            if found.min(initial=0) < 0:
                self._unknown(text, start + int(np.argmax(found < 0)))
            indices[start:start + len(codes)] = found
        return indices

    def _unknown(self, text, first):
        unknown = sorted({c for c in text if c not in self.index})
        raise UnknownCharacterError(
            f"{len(unknown)} character(s) not in the model's vocabulary of {len(self)}: "
            f"{', '.join(repr(c) for c in unknown[:10])} (first at position {first})")

    def decode(self, indices):
        return "".join(self.chars[int(i)] for i in np.asarray(indices).ravel())

    def to_json(self):
        return json.dumps(self.chars)

    @classmethod
    def from_json(cls, text):
        return cls(json.loads(text))


DEFAULT_ENCODING = "utf-8"


def text_encoding(name):
    """The codec's canonical name for the encoding ``name``, or ``DataError`` naming it."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise DataError(f"unknown text encoding {name!r}; use e.g. utf-8, latin-1 or utf-16") from None


def load_text(path, encoding=DEFAULT_ENCODING):
    """The text of file ``path``; ``DataError`` for a missing, empty or binary file, and for bytes
    that are not ``encoding`` (naming the first one's offset). A UTF-16 or UTF-32 text is read
    with ``encoding="utf-16"`` (``"utf-32"``): its byte-order mark says which order."""
    encoding = text_encoding(encoding)
    if not os.path.isfile(path):
        raise DataError(f"text file not found: {path}")
    with open(path, "rb") as file:
        raw = file.read()
    if not raw:
        raise DataError(f"text file is empty: {path}")
    wide = encoding.startswith(("utf-16", "utf-32"))  # NUL bytes are part of their characters
    if not wide and (nul := raw.find(b"\0")) >= 0:
        raise DataError(f"{path} looks like a binary file (a NUL byte at byte {nul}), not text")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        hint = "; if it is one byte per character, use --encoding latin-1" if encoding != "latin-1" else ""
        raise DataError(f"{path} is not valid {encoding}: {err.reason} at byte {err.start}{hint}") from None
    if wide and PAD in text:
        raise DataError(f"{path} looks like a binary file (a NUL character at position {text.index(PAD)}), not text")
    return text


def default_corpus():
    """The corpus used when no text is given: CPython's own documentation topics (~420k characters),
    as prose.

    ``pydoc_data.topics`` ships with every CPython, so symrnn needs to ship no third-party text. Its
    text is laid out for a terminal: indentation, tables padded with spaces, rules of ``-`` and
    ``=``. A character model spends itself on that layout (a paragraph of blanks is its likeliest
    output), so the lines are stripped, runs of spaces become one, rule lines go, and no more than
    one blank line stands between paragraphs.
    """
    from pydoc_data.topics import topics

    text = "\n".join(topics[key] for key in sorted(topics))
    text = re.sub(r"^[ \t]*[-=+|*~^_#. ]*$", "", text, flags=re.M)   # rules, and lines of blanks
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def split_tail(indices, val_fraction):
    """(train, val): the last ``val_fraction`` of ``indices`` is held out, the rest trains."""
    fraction("the validation fraction", val_fraction, DataError)
    n_val = int(round(len(indices) * val_fraction))
    return indices[:len(indices) - n_val], indices[len(indices) - n_val:]


def lesson_windows(indices, seq_len, stride=None):
    """The lesson's layout: windows starting every ``stride`` (default ``seq_len``) characters.

    Returns ``(inputs, targets)``, each (n_windows, seq_len), views of ``indices`` (no copy): ``inputs[i]`` is
    ``indices[s : s+seq_len]`` and ``targets[i]`` the same window shifted by one,
    ``indices[s+1 : s+seq_len+1]`` — predict characters 2..9 from 1..8.
    """
    seq_len = positive_int("the sequence length", seq_len, DataError)
    stride = stride or seq_len
    indices = np.asarray(indices)
    if len(indices) <= seq_len:
        raise DataError(f"the text has {len(indices)} characters, too short for one window of "
                        f"{seq_len} inputs + 1 target")
    windows = np.lib.stride_tricks.sliding_window_view(indices, seq_len + 1)[::stride]  # a view: no copy
    return windows[:, :-1], windows[:, 1:]


def one_hot(indices, n_symbols, dtype):
    """One-hot rows (..., n_symbols) of integer ``indices`` (...)."""
    return np.eye(n_symbols, dtype=dtype)[indices]


def stateful_batches(indices, batch_size, seq_len):
    """The text as ``batch_size`` parallel streams, cut into consecutive (T, B) batches.

    Returns ``(inputs, targets)``, each (n_batches, seq_len, batch_size) of the indices' type, time-major: the
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
    indices = np.asarray(indices)
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
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    if inputs.ndim != 2 or inputs.shape != targets.shape:
        raise DataError(f"inputs {inputs.shape} and targets {targets.shape} must be the same "
                        f"(n_windows, T) shape")
    order = rng.permutation(len(inputs))
    return ((_batch(inputs[rows]), _batch(targets[rows]))
            for rows in (order[start:start + batch_size] for start in range(0, len(order), batch_size)))


def _batch(windows):
    """(B, T) windows as the (T, B) int32 batch a train function takes."""
    return np.ascontiguousarray(windows.T, dtype=np.int32)


# -- batches for the training loop (``symrnn.training.fit``): each has ``stateful``, ``steps_per_epoch``
# and ``epoch(e)``, the (T, B) (inputs, targets) pairs of epoch ``e``.

class WindowBatches:
    """(T, B) batches of the lesson's windows: in order (the lesson), or shuffled each epoch.

    Epoch ``e`` is shuffled with ``default_rng([seed, e])``, so any step's batch can be found
    again — what makes a resumed run repeat the uninterrupted one exactly.
    """

    stateful = False

    def __init__(self, inputs, targets, batch_size, *, shuffle=False, seed=0):
        self.inputs, self.targets = np.asarray(inputs), np.asarray(targets)  # views stay views
        self.batch_size, self.shuffle, self.seed = batch_size, shuffle, seed
        self.steps_per_epoch = math.ceil(len(self.inputs) / batch_size)
        self.seq_len = self.inputs.shape[1]

    def epoch(self, e):
        if self.shuffle:
            return minibatches(self.inputs, self.targets, self.batch_size, np.random.default_rng([self.seed, e]))
        return ((_batch(self.inputs[s:s + self.batch_size]), _batch(self.targets[s:s + self.batch_size]))
                for s in range(0, len(self.inputs), self.batch_size))


class StreamBatches:
    """Stateful training: B parallel streams (``data.stateful_batches``); the final state of
    each batch is the initial state of the next, reset to zeros at every epoch start."""

    stateful = True

    def __init__(self, inputs, targets):
        self.inputs, self.targets = inputs, targets       # (n_batches, T, B) each
        self.steps_per_epoch, self.seq_len, self.batch_size = inputs.shape

    def epoch(self, e):
        return ((x.astype(np.int32), y.astype(np.int32)) for x, y in zip(self.inputs, self.targets))


@dataclass
class Corpus:
    """A text ready for training: its vocabulary, the training batches and the held-out part.

    train_idx, val_idx: the text's indices split by ``split_tail``; batches: ``WindowBatches``, or
    ``StreamBatches`` when ``stateful``; val: the held-out windows ``(inputs, targets)`` (or
    streams) of the first ``MAX_HELD_OUT`` held-out characters, None when the held-out part is
    shorter than one (a held-out loss over all of a very large text's tail would take longer than
    training between two reports; ``held_out_measured`` says how many were used).
    """

    MAX_HELD_OUT = 1_000_000


    text: str
    vocab: Vocabulary
    train_idx: np.ndarray
    val_idx: np.ndarray
    batches: object
    val: tuple

    @property
    def held_out_measured(self):
        """How many of the held-out characters the held-out loss reads."""
        return min(len(self.val_idx), self.MAX_HELD_OUT)

    @classmethod
    def build(cls, text, *, val_fraction, seq_len, batch_size, stride=None, stateful=False, shuffle=False, seed=0):
        vocab = Vocabulary.from_text(text)
        train_idx, val_idx = split_tail(vocab.encode(text), val_fraction)
        if len(train_idx) <= seq_len:
            held_out = f" (after holding out {val_fraction:.0%} of it)" if len(val_idx) else ""
            raise DataError(f"the text has {len(text):,} characters; the {len(train_idx):,} that train{held_out} are "
                            f"too short for one window of {seq_len} inputs + 1 target")
        measured = val_idx[:cls.MAX_HELD_OUT]
        if stateful:
            batches = StreamBatches(*stateful_batches(train_idx, batch_size, seq_len))
            enough = len(measured) > batch_size * seq_len
            val = stateful_batches(measured, batch_size, seq_len) if enough else None
        else:
            windows = lesson_windows(train_idx, seq_len, stride)
            if batch_size > len(windows[0]):
                raise DataError(f"a batch of {batch_size:,} windows is more than the {len(windows[0]):,} windows of "
                                f"{seq_len} the training text holds; use a smaller --batch-size")
            batches = WindowBatches(*windows, batch_size, shuffle=shuffle, seed=seed)
            val = lesson_windows(measured, seq_len) if len(measured) > seq_len else None
        return cls(text, vocab, train_idx, val_idx, batches, val)
