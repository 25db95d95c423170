"""The training and prediction graphs of a model, built as the lesson builds them, never compiled here.

The training graph::

    error, final, layer_updates = model.window_loss(inp, outp, h0)   # scan inside
    g_all = pytensor.grad(error, w_all)
    upd_dict = sgd(g_all, w_all, lr)                                  # {w: w - g*lr}
    upd_dict.update(layer_updates)

``symrnn.train.Trainer`` compiles it (``pytensor.function(inputs, outputs, updates=upd_dict)``)
when first called; the optimiser's state variables exist as soon as the graph does.
"""
from collections import OrderedDict
from dataclasses import dataclass

import pytensor
import pytensor.tensor as pt

from symrnn.clip import clip_by_global_norm
from symrnn.errors import ConfigError
from symrnn.updates import OPTIMIZERS


@dataclass(frozen=True)
class TrainingGraph:
    """One SGD-style update of a model, symbolic.

    inputs: ``[inp (T, B) int32, outp (T, B) int32, *h0 (B, size_i), lr]`` (lr a scalar of the
        model's dtype). outputs: ``[error (scalar), *final_states]``. upd_dict: shared variable →
        new value, the optimiser's updates merged with the layers' (batchnorm, dropout).
    """

    inputs: list
    outputs: list
    upd_dict: OrderedDict


@dataclass(frozen=True)
class PredictionGraph:
    """inputs ``[inp (T, B) int32, *h0]`` → outputs ``[probabilities (T, B, V), *final_states]``."""

    inputs: list
    outputs: list


def optimizer_by_name(optimizer):
    """An update-dict builder ``(grads, params, lr) -> OrderedDict``: ``optimizer`` itself, or by name."""
    if callable(optimizer):
        return optimizer
    if optimizer not in OPTIMIZERS:
        raise ConfigError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[optimizer]


def training_graph(model, optimizer, clip=None):
    """The lesson's training graph for ``model``: optimiser by name or builder, global-norm ``clip``."""
    inp, outp = pt.matrix("inp", dtype="int32"), pt.matrix("outp", dtype="int32")
    h0 = model.state_variables()
    lr = pt.scalar("lr", dtype=model.dtype)
    w_all = model.params
    error, final_states, layer_updates = model.window_loss(inp, outp, h0)
    # scan's gradient gives a state that gets no gradient from outside the loop a zero placeholder
    # in floatX (float64 unless configured): it would widen a float32 model's backward loop
    with pytensor.config.change_flags(floatX=model.dtype):
        g_all = pytensor.grad(error, w_all)
    if clip:
        g_all = clip_by_global_norm(g_all, clip)
    upd_dict = optimizer_by_name(optimizer)(g_all, w_all, lr)
    upd_dict.update(layer_updates)
    return TrainingGraph([inp, outp, *h0, lr], [error, *final_states], upd_dict)


def prediction_graph(model):
    """Next-character probabilities of ``model``, deterministic (no dropout, batchnorm's averages)."""
    inp = pt.matrix("inp", dtype="int32")
    h0 = model.state_variables()
    logits, final_states, _ = model.logits(inp, h0, deterministic=True)
    return PredictionGraph([inp, *h0], [pt.special.softmax(logits, axis=-1), *final_states])
