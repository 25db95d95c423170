"""Layers: input encodings, the per-step output, normalisation, dropout, and a cell as a layer.

``Dense`` applied to all time steps at once is Keras' TimeDistributed(Dense): one matrix product
over the (T·B, H) bag of states, which is the lesson's ``y = softmax(h·W_y + b_y)`` moved out of
the step so it runs as a single large product instead of T small ones.

Training and prediction graphs differ for ``Dropout``, ``RecurrentDropout``,
``BatchNormalization`` and ``Recurrent``: the caller chooses when building the graph,
``deterministic=True`` for prediction, as in Lasagne. Their training graphs need ``shared``
variables updated at every call (a random generator's state, running averages), so these layers
return ``(output, updates)`` from the call: ``updates`` is an ``OrderedDict`` to merge into the
training function's ``upd_dict`` (empty in deterministic graphs). Without it every call would
draw the same dropout masks.

Every layer lists its ``shared`` variables in ``params``; the trainable ones carry
``tag.trainable``. A layer's ``name``, if given, suffixes its parameters' names (``W_y``, ``b_y``
for ``Dense(..., name="y")``).
"""
import inspect
from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.tensor.random.op import RandomVariable

from symrnn.dtypes import as_dtype, checked_updates
from symrnn.errors import ConfigError
from symrnn.nn import init
from symrnn.nn.recurrent import learned_initial_states, scan_cell
from symrnn.validate import fraction, positive_int


def _named(role, name):
    """A parameter's name: its role in the layer, suffixed with the layer's name if it has one."""
    return f"{role}_{name}" if name else role


class OneHot:
    """Integer indices (...,) → one-hot rows (..., n_symbols): the lesson's input encoding."""

    def __init__(self, n_symbols, *, dtype):
        self.n_symbols = self.n_out = positive_int("OneHot: the number of symbols", n_symbols)
        self.dtype, self.params = dtype, []

    def __call__(self, indices):
        return pt.eye(self.n_symbols, dtype=self.dtype)[indices]


class Dense:
    """``x·W + b`` over the last axis of x (..., n_in) → (..., n_out), any leading axes."""

    def __init__(self, n_in, n_out, *, name=None, W_init=init.he_normal, rng, dtype):
        self.n_in, self.n_out = positive_int("Dense: n_in", n_in), positive_int("Dense: n_out", n_out)
        self.W = init.param(_named("W", name), (n_in, n_out), W_init, rng, dtype)
        self.b = init.param(_named("b", name), (n_out,), init.zeros, rng, dtype)
        self.params = [self.W, self.b]

    def __call__(self, x):
        flat = x.reshape((-1, self.n_in))  # (T·B, n_in): one product for every step
        out = pt.dot(flat, self.W) + self.b
        return out.reshape((*[x.shape[i] for i in range(x.ndim - 1)], self.n_out), ndim=x.ndim)


class Embedding:
    """Integer indices (...) → learned vectors (..., n_out): row ``i`` of ``W`` for symbol ``i``.

    This is ``OneHot`` followed by a bias-free ``Dense`` — ``one_hot(i)·W`` picks row i of W —
    computed as a lookup instead of a (V-wide) matrix product: the lesson's point.
    """

    def __init__(self, n_symbols, n_out, *, name=None, W_init=init.glorot_uniform, rng, dtype):
        self.n_symbols = positive_int("Embedding: the number of symbols", n_symbols)
        self.n_out = positive_int("Embedding: n_out", n_out)
        self.W = init.param(_named("E", name), (n_symbols, n_out), W_init, rng, dtype)
        self.params = [self.W]

    def __call__(self, indices):
        return self.W[indices]


class BatchNormalization:
    """Normalise each feature (the last axis) over the batch, then scale by γ and shift by β.

    ``y = γ·(x − μ)/sqrt(σ² + ε) + β`` (Ioffe & Szegedy 2015), with μ, σ² over every axis but the
    last — all T·B vectors of a (T, B, n) sequence batch, as the lesson's stateful model does
    on its embeddings. Training graphs use the batch's μ, σ² and put the running averages' new
    values, ``momentum·running + (1 − momentum)·batch``, in the updates they return;
    deterministic graphs use the running averages. ``params``: gamma, beta (trainable), then
    mean, var (running averages: ``tag.trainable`` False, changed only through the updates).
    """

    def __init__(self, n_features, *, momentum=0.99, epsilon=1e-3, name=None, dtype):
        self.n_features = positive_int("BatchNormalization: n_features", n_features)
        self.momentum, self.epsilon = fraction("BatchNormalization momentum", momentum), epsilon

        def make(role, value, trainable):
            return init.param(_named(role, name), (n_features,), init.constant(value), None, dtype,
                              trainable=trainable, regularizable=False)
        self.gamma, self.beta = make("gamma", 1.0, True), make("beta", 0.0, True)
        self.mean, self.var = make("mean", 0.0, False), make("var", 1.0, False)
        self.params = [self.gamma, self.beta, self.mean, self.var]

    def __call__(self, x, deterministic=False):
        """x (..., n_features) → (normalised x, updates of the running averages)."""
        updates = OrderedDict()
        if deterministic:
            mean, var = self.mean, self.var
        else:
            axes = tuple(range(x.ndim - 1))
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            keep = as_dtype(self.momentum, x.dtype)
            updates = checked_updates(OrderedDict([(self.mean, keep * self.mean + (1 - keep) * mean),
                                           (self.var, keep * self.var + (1 - keep) * var)]))
        scale = self.gamma / pt.sqrt(var + as_dtype(self.epsilon, x.dtype))
        return (x - mean) * scale + self.beta, updates


# pytensor >= 3 returns (next_rng, draw) when asked, and warns when not; older releases have no
# such argument and keep next_rng as the first output of the draw's node.
_HAS_NEXT_RNG = "return_next_rng" in inspect.signature(RandomVariable.__call__).parameters


def _bernoulli(p, shape, rng):
    """(next_rng, draw): 1 with probability p, else 0, of ``shape``, from ``shared`` generator ``rng``."""
    if _HAS_NEXT_RNG:
        return pt.random.bernoulli(p, size=shape, rng=rng, return_next_rng=True)
    draw = pt.random.bernoulli(p, size=shape, rng=rng)
    return draw.owner.outputs[0], draw


def keep_masks(rng, shapes_and_rates, dtype):
    """Inverted-dropout masks: each element is 1/(1 − rate) with probability 1 − rate, else 0.

    rng: a ``shared`` NumPy Generator; shapes_and_rates: ``[(shape, rate), ...]``.
    Returns ``(next_rng, masks)``; the training function must update ``rng`` to ``next_rng``,
    or every call draws the same masks. A rate of 0 gives ones and draws nothing.
    """
    masks = []
    for shape, rate in shapes_and_rates:
        if rate == 0:
            masks.append(pt.ones(shape, dtype=dtype))
            continue
        rng, kept = _bernoulli(1 - rate, shape, rng)
        masks.append(pt.cast(kept, dtype) * as_dtype(1 / (1 - rate), dtype))
    return rng, masks


class Dropout:
    """Inverted dropout of every element of x: zero with probability ``rate``, scale the rest by
    1/(1 − rate); the identity in deterministic graphs. A fresh mask at every call and every
    element — for one mask per sequence inside a recurrence use ``RecurrentDropout``.
    """

    def __init__(self, rate, *, seed=0):
        self.rate = fraction("dropout rate", rate)
        self.rng = pytensor.shared(np.random.default_rng(seed), name="dropout_rng")
        self.params = []

    def __call__(self, x, deterministic=False):
        """x → (x with dropout, the generator's update); (x, no updates) when deterministic."""
        if deterministic or self.rate == 0:
            return x, OrderedDict()
        next_rng, (mask,) = keep_masks(self.rng, [(x.shape, self.rate)], x.dtype)
        return x * mask, OrderedDict([(self.rng, next_rng)])


class RecurrentDropout:
    """Variational dropout for ``scan_cell`` (Gal & Ghahramani 2016; Keras 1's dropout_W, dropout_U).

    One mask per sequence, drawn once outside the scan and reused at every step: ``input_rate``
    drops elements of each layer's input, ``recurrent_rate`` of the output state fed back into
    its step. ``scan_cell`` multiplies the input sequence by its mask and hands the recurrent mask
    to ``Cell.step_dropped``, so any cell — a user's included — gets dropout without writing a
    line for it.
    """

    def __init__(self, input_rate=0.0, recurrent_rate=0.0, *, seed=0):
        self.input_rate = fraction("input dropout rate", input_rate)
        self.recurrent_rate = fraction("recurrent dropout rate", recurrent_rate)
        self.rng = pytensor.shared(np.random.default_rng(seed), name="recurrent_dropout_rng")

    def masks(self, cell, inputs):
        """(masks for ``scan_cell(cell, inputs, dropout_masks=...)``, (B, width) each or (width,);
        the generator's update)."""
        lead = (inputs.shape[1],) if inputs.ndim == 3 else ()
        specs = [spec for n_x, n_h in cell.dropout_sizes()
                 for spec in (((*lead, n_x), self.input_rate), ((*lead, n_h), self.recurrent_rate))]
        next_rng, masks = keep_masks(self.rng, specs, cell.dtype)
        return masks, OrderedDict([(self.rng, next_rng)])


class Recurrent:
    """A cell scanned over time, as a layer: Keras' SimpleRNN/GRU/LSTM layers in one class.

    return_sequences: the output at every step, (T, B, H) (many-to-many), or only the last one,
        (B, H) (many-to-one): the final output state, which with a mask is each sequence's last
        real step and with ``go_backwards`` the step at t = 0.
    go_backwards: read the sequence from the end (outputs still in input order).
    learn_initial_state: start every sequence from trainable vectors instead of zeros.
    dropout: a ``RecurrentDropout``, applied in non-deterministic calls.
    """

    def __init__(self, cell, *, return_sequences=True, go_backwards=False,
                 learn_initial_state=False, dropout=None):
        self.cell, self.return_sequences, self.go_backwards = cell, return_sequences, go_backwards
        self.dropout = dropout
        self.initial_states = learned_initial_states(cell) if learn_initial_state else None
        self.params = [*cell.params, *(self.initial_states or [])]

    def __call__(self, inputs, initial_states=None, mask=None, deterministic=False):
        """inputs (T, B, n_in) → (outputs, final states, updates of the dropout generator).

        Given ``initial_states`` win over learned ones.
        """
        masks, updates = None, OrderedDict()
        if self.dropout is not None and not deterministic:
            masks, updates = self.dropout.masks(self.cell, inputs)
        outputs, final_states = scan_cell(self.cell, inputs, initial_states or self.initial_states, mask,
                                          self.go_backwards, dropout_masks=masks)
        if not self.return_sequences:
            outputs = final_states[self.cell.output_index()]
        return outputs, final_states, updates


MERGE_MODES = {
    "concat": lambda a, b: pt.concatenate([a, b], axis=-1),
    "sum": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "ave": lambda a, b: (a + b) / np.asarray(2, a.dtype),
}


class Bidirectional:
    """Two recurrent layers over the same sequence, one reading it forwards and one backwards, their
    outputs merged (Schuster & Paliwal 1997; Keras' ``Bidirectional``).

    forward, backward: ``Recurrent`` layers of the same ``return_sequences``; the backward one is
    set to ``go_backwards`` (its outputs still come in input order, so step t of the merged
    sequence sees the whole sequence). merge_mode: ``"concat"`` (width 2H), ``"sum"``, ``"mul"``
    or ``"ave"``. With a mask each direction skips the padding: the backward one starts at each
    sequence's last real step.
    """

    def __init__(self, forward, backward, merge_mode="concat"):
        if merge_mode not in MERGE_MODES:
            raise ConfigError(f"Bidirectional: unknown merge_mode {merge_mode!r}; choose one of {sorted(MERGE_MODES)}")
        if forward.return_sequences != backward.return_sequences:
            raise ConfigError("Bidirectional: both directions must agree on return_sequences")
        backward.go_backwards = not forward.go_backwards
        self.forward, self.backward, self.merge_mode = forward, backward, merge_mode
        self.params = [*forward.params, *backward.params]

    def __call__(self, inputs, mask=None, deterministic=False):
        """inputs (T, B, n_in) → (merged outputs, final states forward then backward, updates)."""
        out_f, final_f, upd_f = self.forward(inputs, mask=mask, deterministic=deterministic)
        out_b, final_b, upd_b = self.backward(inputs, mask=mask, deterministic=deterministic)
        return MERGE_MODES[self.merge_mode](out_f, out_b), [*final_f, *final_b], OrderedDict([*upd_f.items(),
                                                                                              *upd_b.items()])
