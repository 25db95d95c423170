"""The output of every step: dense layer, softmax and cross-entropy, forward and backward.

Forward::

    logits = h · W_y + b_y                       (T, B, V)
    log_p  = logits − logsumexp(logits)          log softmax, stable for any logits
    ce     = −Σ_v y_v · log_p_v                  (T, B) one cross-entropy per step
    loss   = Σ_t Σ_b mask · ce / B               summed over time, averaged over the batch

Backward: softmax and cross-entropy are differentiated together, dL/d logits = (p·Σ_v y_v − y)/B,
which for one-hot targets is the familiar p − y (lesson 7 multiplies out the softmax Jacobian
instead; the product is the same).
"""
import numpy as np


def forward(W_y, b_y, h, targets, mask=None):
    """h (T, B, H); targets (T, B) ints or (T, B, V) one-hot. Returns (loss, cache)."""
    logits = h @ W_y + b_y
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    y = np.eye(W_y.shape[1])[targets] if np.issubdtype(np.asarray(targets).dtype, np.integer) else targets
    weight = np.ones(h.shape[:2]) if mask is None else mask
    batch_size = h.shape[1]
    ce = -(y * log_p).sum(axis=-1)
    loss = (weight * ce).sum() / batch_size
    return loss, (h, y, np.exp(log_p), weight, batch_size)


def backward(W_y, cache):
    """(dL/dh (T, B, H), {"W_y": dL/dW_y, "b_y": dL/db_y}) from ``forward``'s cache."""
    h, y, p, weight, batch_size = cache
    # loss = Σ weight · ce / B,  ce = −Σ y · log softmax(logits)
    d_logits = (p * y.sum(axis=-1, keepdims=True) - y) * weight[..., None] / batch_size
    # logits = h · W_y + b_y
    d_W_y = h.reshape(-1, h.shape[-1]).T @ d_logits.reshape(-1, d_logits.shape[-1])
    d_b_y = d_logits.sum(axis=(0, 1))
    d_h = d_logits @ W_y.T
    return d_h, {"W_y": d_W_y, "b_y": d_b_y}
