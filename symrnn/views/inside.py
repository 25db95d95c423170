"""Inside a SimpleRNN character model: its weights as arrays, and its forward pass step by step.

For each time step t of one sequence (B = 1), the numbers the lesson's step adds up::

    x(t)       the input vector: a one-hot row, or the character's embedding (after batchnorm)
    U·x(t)     x(t)·W_x + b_x                       (H,)
    W·h(t−1)   h(t−1)·W_h + b_h                     (H,)
    h(t)       act(U·x(t) + W·h(t−1))               (H,)
    logits     h(t)·W_y + b_y                       (V,)
    p(t)       softmax(logits)                      (V,)

read out of the model's own layers (its encoder, cell and output ``Dense``) by one compiled
PyTensor function, so the numbers are the model's, not a second implementation's.
"""
import numpy as np
import pytensor.tensor as pt

from symrnn.backends.compile import CompiledFunction
from symrnn.errors import ConfigError
from symrnn.nn.cells import SimpleRNN
from symrnn.nn.layers import OneHot

MAX_HIDDEN = 512  # beyond this a step-by-step page is too large to read (and to load)


def describe(config):
    """One line describing a ``CharRNN`` config: cell, layers, sizes and input encoding."""
    encoder = f"embedding {config['embedding']}" if config.get("embedding") else "one-hot"
    return (f"{config.get('cell', 'rnn')} × {config.get('layers', 1)}, {config['n_hidden']} hidden units, "
            f"vocabulary {config['vocab_size']}, {encoder}")


def summary(model):
    """``describe`` of the model's config, with the number of weights it trains."""
    n_weights = sum(p.get_value(borrow=True).size for p in model.params)
    return f"{describe(model.config)} ({n_weights:,} weights)"


def check_viewable(model):
    """Raise ``ConfigError`` (with the model's summary) unless ``model`` can be shown step by step."""
    if not isinstance(model.cell, SimpleRNN):
        raise ConfigError(f"the step viewer shows one-layer SimpleRNN models; this one is {summary(model)}")
    check_size(model.config)


def check_size(config):
    """Raise ``ConfigError`` if the model of ``config`` has too many hidden units to show step by step
    (checked before the model is built: its arrays may be huge)."""
    if config["n_hidden"] > MAX_HIDDEN:
        raise ConfigError(f"too large to show step by step: {describe(config)}; the viewer draws every "
                          f"number, up to {MAX_HIDDEN} hidden units")


def weights(model, mode=None):
    """The model's numbers as NumPy arrays: ``inputs`` (V, n_in) — row c is x(t) for character c —,
    ``W_x`` (n_in, H), ``b_x``, ``W_h`` (H, H), ``b_h``, ``W_y`` (H, V), ``b_y``."""
    check_viewable(model)
    cell = model.cell
    table = {p.name: p.get_value() for p in cell.params}
    table["W_y"], table["b_y"] = model.output.W.get_value(), model.output.b.get_value()
    V = model.config["vocab_size"]
    if isinstance(model.encoder, OneHot) and model.batchnorm is None:
        table["inputs"] = np.eye(V, dtype=model.dtype)
        return table
    symbols = pt.matrix("symbols", dtype="int32")
    encode = CompiledFunction([symbols], _encoded(model, symbols), name="input vectors", mode=mode,
                              show_progress=False)
    table["inputs"] = encode(np.arange(V, dtype=np.int32)[:, None])[:, 0]
    return table


def _encoded(model, indices):
    x = model.encoder(indices)
    return model.batchnorm(x, deterministic=True)[0] if model.batchnorm is not None else x


def forward_steps(model, indices, mode=None):
    """The forward pass over ``indices`` (T,) from h0 = 0, step by step.

    Returns a dict of (T, ·) arrays: ``x`` (T, n_in), ``Ux`` and ``Wh`` and ``h`` (T, H),
    ``logits`` and ``p`` (T, V).
    """
    check_viewable(model)
    cell = model.cell
    W_h, b_h, W_x, b_x = cell.params
    inp = pt.matrix("inp", dtype="int32")                        # (T, 1)
    h0 = model.state_variables()
    x = _encoded(model, inp)                                    # (T, 1, n_in)
    hidden, _, _ = model.recurrent(x, h0, deterministic=True)   # (T, 1, H)
    logits = model.output(hidden)                               # (T, 1, V)
    h_before = pt.concatenate([h0[0][None], hidden[:-1]])       # h(t−1) for every t
    outputs = {"x": x, "Ux": pt.dot(x, W_x) + b_x, "Wh": pt.dot(h_before, W_h) + b_h, "h": hidden,
               "logits": logits, "p": pt.special.softmax(logits, axis=-1)}
    fn = CompiledFunction([inp, *h0], list(outputs.values()), name="forward steps", mode=mode,
                          show_progress=False)
    values = fn(np.asarray(indices, dtype=np.int32)[:, None], *model.zero_states(1))
    return {name: value[:, 0] for name, value in zip(outputs, values)}
