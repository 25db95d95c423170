"""``pad_sequences``: lists of sequences → one (N, maxlen) array, padded and cut as Keras 1 does."""
import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Each sequence cut to ``maxlen`` (from the front with truncating='pre') and padded with ``value``
    (in front with padding='pre')."""
    sequences = [list(s) for s in sequences]
    maxlen = max((len(s) for s in sequences), default=0) if maxlen is None else maxlen
    out = np.full((len(sequences), maxlen), value, dtype=dtype)
    for row, s in enumerate(sequences):
        s = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        if s:
            if padding == "pre":
                out[row, maxlen - len(s):] = s
            else:
                out[row, :len(s)] = s
    return out
