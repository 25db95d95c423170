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
    n_classes = logits.shape[-1]
    log_probs = pt.special.log_softmax(logits, axis=-1).reshape((-1, n_classes))
    flat_targets = targets.flatten()
    picked = log_probs[pt.arange(flat_targets.shape[0]), flat_targets]
    return -picked.reshape(targets.shape, ndim=targets.ndim)
