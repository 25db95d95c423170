"""Cross-entropy losses, in nats, computed from logits for numerical stability.

Both take ``logits`` (..., V) — the pre-softmax scores — and return the loss at every position
(...,): ``-log softmax(logits)[target]``. Working from logits through ``log_softmax`` never takes
the log of an underflowed probability, so the loss stays finite for any logits. Reduce the
result yourself: the lesson sums over the window (``.sum()``); per-character reports take the mean.
"""
import pytensor.tensor as pt


def categorical_crossentropy(logits, targets):
    """``-Σ_v targets[..., v] · log softmax(logits)[..., v]`` for one-hot (or soft) ``targets`` (..., V)."""
    return -(targets * pt.special.log_softmax(logits, axis=-1)).sum(axis=-1)


def sparse_categorical_crossentropy(logits, targets):
    """``-log softmax(logits)[..., targets]`` for integer ``targets`` (...) indexing the last axis."""
    return -picked(pt.special.log_softmax(logits, axis=-1), targets)


def picked(values, targets):
    """``values[..., targets]``: for each position of ``targets`` (...), its entry of ``values`` (..., V)."""
    flat_targets = targets.flatten()
    flat = values.reshape((-1, values.shape[-1]))[pt.arange(flat_targets.shape[0]), flat_targets]
    return flat.reshape(targets.shape, ndim=targets.ndim)
