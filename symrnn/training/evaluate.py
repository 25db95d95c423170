"""Held-out loss: mean cross-entropy in nats per character, from a trainer's deterministic predictions.

The same loss in the field's other units: bits per character = nats / ln 2 (char-rnn's and the
text8/enwik8 tables'), perplexity = e^nats (the effective number of equally likely next
characters; d2l.ai's and Keras' unit).
"""
import math

import numpy as np


def bits(nats):
    """A loss in nats per character as bits per character."""
    return nats / math.log(2)


def perplexity(nats):
    """A loss in nats per character as a perplexity."""
    return math.exp(nats)


def in_all_units(nats):
    """``"2.174 nats/char = 3.137 bits/char, perplexity 8.8"``."""
    return f"{nats:.3f} nats/char = {bits(nats):.3f} bits/char, perplexity {perplexity(nats):.1f}"


def evaluate_positions(trainer, inputs, targets, batch_size=512):
    """Mean cross-entropy (nats) at each window position, (T,), over (n_windows, T) windows from h0 = 0."""
    total = np.zeros(inputs.shape[1])
    for start in range(0, len(inputs), batch_size):
        x, y = inputs[start:start + batch_size].T, targets[start:start + batch_size].T
        probs, _ = trainer.predict(x, None)
        total += _nll(probs, y).sum(axis=1)
    return total / len(inputs)


def evaluate(trainer, inputs, targets, batch_size=512):
    """Mean cross-entropy in nats per character of (n_windows, T) windows, each from h0 = zeros."""
    return float(evaluate_positions(trainer, inputs, targets, batch_size).mean())


def evaluate_stream(trainer, inputs, targets):
    """Mean cross-entropy per character of stateful batches (n_batches, T, B), state carried."""
    states, total = None, 0.0
    for x, y in zip(inputs, targets):
        probs, states = trainer.predict(x, states)
        total += _nll(probs, y).sum()
    return total / inputs.size


def _nll(probs, targets):
    """-log probs[targets] elementwise: probs (T, B, V), targets (T, B) → (T, B)."""
    picked = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
    return -np.log(np.maximum(picked, np.finfo(probs.dtype).tiny))
