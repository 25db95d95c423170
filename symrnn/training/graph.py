"""The training and prediction graphs of a model, built as the lesson builds them, never compiled here.

The training graph::

    error, final, layer_updates = model.window_loss(inp, outp, h0)   # scan inside
    g_all = pytensor.grad(error, w_all)
    upd_dict = sgd(g_all, w_all, lr)                                  # {w: w - g*lr}
    upd_dict.update(layer_updates)

``symrnn.training.trainer.Trainer`` compiles it (``pytensor.function(inputs, outputs, updates=upd_dict)``)
when first called; the optimiser's state variables exist as soon as the graph does.

``fixed_shape_training_graph`` and ``prediction_graph(model, shape)`` build the same graphs for
one (T, B), the scans included, on the same ``shared`` variables, for a backend that compiles
per shape (``symrnn.backends.compile``); the first on a training graph or on ``update_rule``, the
optimiser's updates alone, on which the trainer builds every window's graph.
"""
from collections import OrderedDict
from dataclasses import dataclass

import pytensor
import pytensor.tensor as pt
from pytensor.graph.replace import graph_replace

from symrnn.optim.clip import clip_by_global_norm
from symrnn.registry import optimizer_builder


@dataclass(frozen=True)
class TrainingGraph:
    """One SGD-style update of a model, symbolic.

    inputs: ``[inp (T, B) int32, outp (T, B) int32, *h0 (B, size_i), lr]`` (lr a scalar of the
        model's dtype). outputs: ``[error (scalar), *final_states]``. upd_dict: shared variable →
        new value, the optimiser's updates merged with the layers' (batchnorm, dropout).
        gradients: ``g_all``, one per ``model.params``, as the optimiser's updates read them.
        layer_updates: the shared variables the layers update (their values are in upd_dict).
    """

    inputs: list
    outputs: list
    upd_dict: OrderedDict
    gradients: list
    layer_updates: list


@dataclass(frozen=True)
class PredictionGraph:
    """inputs ``[inp (T, B) int32, *h0]`` → outputs ``[probabilities (T, B, V), *final_states]``."""

    inputs: list
    outputs: list


def training_graph(model, optimizer, clip=None):
    """The lesson's training graph for ``model``: optimiser by name or builder, global-norm ``clip``."""
    inp, outp, h0 = _window_variables(model)
    lr = pt.scalar("lr", dtype=model.dtype)
    error, final_states, layer_updates, g_all = _loss_and_gradients(model, inp, outp, h0)
    steps = clip_by_global_norm(g_all, clip) if clip else g_all
    upd_dict = optimizer_builder(optimizer)(steps, model.params, lr)
    upd_dict.update(layer_updates)
    return TrainingGraph([inp, outp, *h0, lr], [error, *final_states], upd_dict, g_all, list(layer_updates))


def update_rule(model, optimizer, clip=None):
    """The optimiser's part of ``training_graph`` alone: ``upd_dict`` built on stand-in gradients
    (one ``w.type()`` per weight), without the loss, its scans or their gradients.

    A ``TrainingGraph`` with inputs ``[lr]``, no outputs, and the stand-ins as ``gradients``:
    ``fixed_shape_training_graph`` builds a window's graph on it as on a whole training graph, the
    optimiser's state variables included. The trainer builds every graph it compiles on this one,
    so a backend that compiles per shape never builds a training graph for any shape.
    """
    lr = pt.scalar("lr", dtype=model.dtype)
    g_all = [w.type(name=f"g_{w.name}") for w in model.params]
    steps = clip_by_global_norm(g_all, clip) if clip else g_all
    upd_dict = optimizer_builder(optimizer)(steps, model.params, lr)
    return TrainingGraph([lr], [], upd_dict, g_all, [])


def fixed_shape_training_graph(graph, model, shape):
    """``graph`` (a ``TrainingGraph`` or ``update_rule`` of ``model``) for (T, B) = ``shape``: the
    window's loss, scans and gradients built anew on inputs of that shape (None: any), and the
    optimiser's updates of ``graph.upd_dict`` (its state variables included) rewired to the new
    gradients.

    Returns a ``TrainingGraph`` whose ``upd_dict`` holds the optimiser's and the layers' updates.
    """
    inp, outp, h0 = _window_variables(model, shape)
    lr = graph.inputs[-1]
    error, final_states, layer_updates, g_all = _loss_and_gradients(model, inp, outp, h0)
    optimised = [w for w in graph.upd_dict if w not in graph.layer_updates]
    values = graph_replace([graph.upd_dict[w] for w in optimised], dict(zip(graph.gradients, g_all)), strict=False)
    upd_dict = OrderedDict([*zip(optimised, values), *layer_updates.items()])
    return TrainingGraph([inp, outp, *h0, lr], [error, *final_states], upd_dict, g_all, list(layer_updates))


def _window_variables(model, shape=(None, None)):
    """Symbolic ``inp`` and ``outp`` (T, B) int32 and the initial states (B, size_i), of ``shape``."""
    inp, outp = (pt.tensor(name, dtype="int32", shape=shape) for name in ("inp", "outp"))
    return inp, outp, model.state_variables(shape[1])


def _loss_and_gradients(model, inp, outp, h0):
    """(error, final states, layer updates, g_all): the window's loss and its gradient for every weight."""
    error, final_states, layer_updates = model.window_loss(inp, outp, h0)
    # scan's gradient gives a state that gets no gradient from outside the loop a zero placeholder
    # in floatX (float64 unless configured): it would widen a float32 model's backward loop
    with pytensor.config.change_flags(floatX=model.dtype):
        g_all = pytensor.grad(error, model.params)
    return error, final_states, layer_updates, g_all


def prediction_graph(model, shape=(None, None)):
    """Next-character probabilities of ``model``, deterministic (no dropout, batchnorm's averages),
    for inputs of ``shape`` (T, B) (None: any length)."""
    inp = pt.tensor("inp", dtype="int32", shape=shape)
    h0 = model.state_variables(shape[1])
    logits, final_states, _ = model.logits(inp, h0, deterministic=True)
    return PredictionGraph([inp, *h0], [pt.special.softmax(logits, axis=-1), *final_states])
