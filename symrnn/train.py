"""Compiling and running: the lesson's train and predict functions, the training loop, checkpoints.

The training function is built exactly as in the lesson::

    error, final = model.window_loss(inp, outp, h0)       # scan inside
    g_all = pytensor.grad(error, w_all)
    upd_dict = sgd(g_all, w_all, lr)                       # {w: w - g*lr}
    fn = pytensor.function([inp, outp, h0, lr], error, updates=upd_dict)
"""
import itertools
import math
import time
from collections import deque

import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn import checkpoint, data
from symrnn.backend import CompiledFunction
from symrnn.clip import clip_by_global_norm
from symrnn.errors import ConfigError, ShapeError, TrainingDiverged
from symrnn.updates import OPTIMIZERS, optimizer_state


class Trainer:
    """Compiles (lazily, on first use) and calls a model's train and predict functions.

    optimizer: a name from ``symrnn.updates.OPTIMIZERS`` or an update-dict builder
    ``(grads, params, lr) -> OrderedDict``; clip: global gradient-norm limit (None: no clipping).
    Arrays are time-major: ``inputs``/``targets`` (T, B) integer indices, every state (B, size).
    """

    def __init__(self, model, optimizer="sgd", *, clip=None, mode=None, show_progress=True):
        if isinstance(optimizer, str):
            if optimizer not in OPTIMIZERS:
                raise ConfigError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}")
            optimizer = OPTIMIZERS[optimizer]
        self.model, self.optimizer, self.clip = model, optimizer, clip
        self.mode, self.show_progress = mode, show_progress
        self._train_fn = self._predict_fn = None
        self.upd_dict = None

    @property
    def train_fn(self):
        """``(inp, outp, *h0, lr) -> [error, *final_states]``, applying ``upd_dict``."""
        if self._train_fn is None:
            inp, outp = pt.matrix("inp", dtype="int32"), pt.matrix("outp", dtype="int32")
            h0 = self.model.state_variables()
            lr = pt.scalar("lr", dtype=self.model.dtype)
            w_all = self.model.params
            error, final_states, layer_updates = self.model.window_loss(inp, outp, h0)
            # scan's gradient gives a state that gets no gradient from outside the loop a zero
            # placeholder in floatX (float64 unless configured): it would widen a float32 model's
            # backward loop to float64
            with pytensor.config.change_flags(floatX=self.model.dtype):
                g_all = pytensor.grad(error, w_all)
            if self.clip:
                g_all = clip_by_global_norm(g_all, self.clip)
            self.upd_dict = self.optimizer(g_all, w_all, lr)
            self.upd_dict.update(layer_updates)
            self._train_fn = CompiledFunction([inp, outp, *h0, lr], [error, *final_states],
                                              updates=self.upd_dict, name="train", mode=self.mode,
                                              show_progress=self.show_progress)
        return self._train_fn

    @property
    def predict_fn(self):
        """``(inp, *h0) -> [probabilities (T, B, V), *final_states]``, deterministic."""
        if self._predict_fn is None:
            inp = pt.matrix("inp", dtype="int32")
            h0 = self.model.state_variables()
            logits, final_states = self.model.logits(inp, h0, deterministic=True)
            probs = pt.special.softmax(logits, axis=-1)
            self._predict_fn = CompiledFunction([inp, *h0], [probs, *final_states], name="predict",
                                                mode=self.mode, show_progress=self.show_progress)
        return self._predict_fn

    @property
    def compile_seconds(self):
        return sum(f.compile_seconds for f in (self._train_fn, self._predict_fn) if f is not None)

    def train_step(self, inputs, targets, lr, states=None):
        """One update on a (T, B) batch; returns (summed-over-window error, final states)."""
        inputs, targets = self.checked_pair(inputs, targets)
        states = self._states(states, inputs.shape[1])
        return self.fast_train_step(inputs, targets, np.asarray(lr, self.model.dtype), states)

    def fast_train_step(self, inputs, targets, lr, states):
        """``train_step`` for arrays already checked (int32 batches, ``lr`` of the model dtype)."""
        error, *final_states = self.train_fn(inputs, targets, *states, lr)
        if not np.isfinite(error):
            raise TrainingDiverged(f"the loss became {float(error)} (learning rate {lr}); "
                                   f"lower the learning rate or clip gradients")
        return float(error), final_states

    def predict(self, inputs, states=None):
        """Next-character probabilities (T, B, V) for (T, B) inputs, and the final states."""
        inputs = self._indices(inputs, "inputs")
        probs, *final_states = self.predict_fn(inputs, *self._states(states, inputs.shape[1]))
        return probs, final_states

    def checked_pair(self, inputs, targets):
        """(inputs, targets) as int32 arrays of one shape, or a ``ShapeError`` saying why."""
        inputs, targets = self._indices(inputs, "inputs"), self._indices(targets, "targets")
        if inputs.shape != targets.shape:
            raise ShapeError(f"inputs {inputs.shape} and targets {targets.shape} differ in shape")
        return inputs, targets

    def _indices(self, array, what):
        array = np.asarray(array)
        if array.ndim < 2 or array.dtype.kind not in "iu":
            raise ShapeError(f"{what} must be a (T, B) integer array, got {array.dtype} {array.shape}")
        vocab_size = self.model.config["vocab_size"]
        if array.size and (array.min() < 0 or array.max() >= vocab_size):
            raise ShapeError(f"{what} hold indices outside the vocabulary [0, {vocab_size})")
        return array.astype(np.int32, copy=False)

    def _states(self, states, batch_size):
        if states is None:
            return self.model.zero_states(batch_size)
        expected = [(batch_size, n) for n in self.model.cell.state_sizes()]
        got = [np.shape(s) for s in states]
        if got != expected:
            raise ShapeError(f"initial states must have shapes {expected}, got {got}")
        return [np.asarray(s, dtype=self.model.dtype) for s in states]

    # -- checkpoints -------------------------------------------------------------------------

    def _checkpointed(self, optimizer=True):
        """Name → shared variable for what a checkpoint holds: the model's, and the optimiser's."""
        variables = {f"model.{i:03d}.{v.name}": v for i, v in enumerate(self.model.variables)}
        if optimizer:
            self.train_fn  # the optimiser's state variables exist once the train graph does
            variables.update({f"optim.{i:03d}.{v.name}": v
                              for i, v in enumerate(optimizer_state(self.upd_dict))})
        return variables

    def save(self, path, meta, states=None):
        """Write weights, optimiser state, dropout generators, ``states`` and ``meta`` atomically."""
        arrays = checkpoint.shared_values(self._checkpointed())
        arrays.update({f"state.{i}": s for i, s in enumerate(states or [])})
        meta = {**meta, "config": self.model.config,
                "generators": [checkpoint.rng_state(g.get_value()) for g in self.model.random_generators]}
        checkpoint.save_checkpoint(path, arrays, meta)

    def restore(self, arrays, meta, optimizer=True):
        """Load what ``save`` wrote (``checkpoint.load_checkpoint``'s result); returns the states.

        ``optimizer=False`` restores the model alone (for prediction: no train function compiled).
        """
        checkpoint.check_compatible(meta.get("config", {}), self.model.config)
        checkpoint.restore_shared(self._checkpointed(optimizer), arrays)
        for generator, state in zip(self.model.random_generators, meta.get("generators", [])):
            generator.set_value(checkpoint.rng_from_state(state))
        states = [arrays[f"state.{i}"] for i in range(len(self.model.cell.state_names))
                  if f"state.{i}" in arrays]
        return states or None


# -- what to train on ----------------------------------------------------------------------------

class WindowBatches:
    """(T, B) batches of the lesson's windows: in order (the lesson), or shuffled each epoch.

    Epoch ``e`` is shuffled with ``default_rng([seed, e])``, so any step's batch can be found
    again — what makes a resumed run repeat the uninterrupted one exactly.
    """

    stateful = False

    def __init__(self, inputs, targets, batch_size, *, shuffle=False, seed=0):
        self.inputs, self.targets = np.asarray(inputs, np.int32), np.asarray(targets, np.int32)
        self.batch_size, self.shuffle, self.seed = batch_size, shuffle, seed
        self.steps_per_epoch = math.ceil(len(self.inputs) / batch_size)
        self.seq_len = self.inputs.shape[1]

    def epoch(self, e):
        if self.shuffle:
            return data.minibatches(self.inputs, self.targets, self.batch_size, np.random.default_rng([self.seed, e]))
        return ((np.ascontiguousarray(self.inputs[s:s + self.batch_size].T),
                 np.ascontiguousarray(self.targets[s:s + self.batch_size].T))
                for s in range(0, len(self.inputs), self.batch_size))


class StreamBatches:
    """Stateful training: B parallel streams (``data.stateful_batches``); the final state of
    each batch is the initial state of the next, reset to zeros at every epoch start."""

    stateful = True

    def __init__(self, inputs, targets):
        self.inputs, self.targets = inputs, targets       # (n_batches, T, B) each
        self.steps_per_epoch, self.seq_len, self.batch_size = inputs.shape

    def epoch(self, e):
        return zip(self.inputs, self.targets)


def fit(trainer, batches, *, steps, lr, start_step=0, states=None, report_every=1000, report=None,
        progress=None, should_stop=None, after_step=None):
    """The training loop: from ``start_step`` up to ``steps`` updates over ``batches``.

    lr: a number or a schedule ``step -> lr``. ``report(step, mean_error)`` gets the mean error
    per character of the last ``report_every`` steps; ``progress`` is a tqdm-like bar;
    ``should_stop()`` is polled after every step (e.g. set by SIGINT); ``after_step(step, states)``
    runs after every step (e.g. periodic checkpoints). Stateful batches carry ``states`` across.

    Returns a dict: ``losses`` (error per trained position of each step), ``step`` (steps done),
    ``states`` (the carried states), ``train_seconds`` (training alone: not the first, compiling,
    step, nor the callbacks) and ``chars`` (characters in the timed steps).
    """
    schedule = lr if callable(lr) else (lambda step: lr)
    losses, window = [], deque(maxlen=report_every)
    step, t_start, timed_chars, t_callbacks = start_step, None, 0, 0.0
    zeros = {}  # batch size → zero states, made once
    while step < steps and not (should_stop and should_stop()):
        epoch, skip = divmod(step, batches.steps_per_epoch)
        if batches.stateful and skip == 0:
            states = None
        for x, y in itertools.islice(batches.epoch(epoch), skip, None):
            if not batches.stateful or states is None:
                if x.shape[1] not in zeros:
                    zeros[x.shape[1]] = trainer.model.zero_states(x.shape[1])
                states = zeros[x.shape[1]]
            error, final_states = trainer.fast_train_step(x, y, np.asarray(schedule(step), trainer.model.dtype),
                                                          states)
            if batches.stateful:
                states = final_states
            if t_start is None:
                t_start = time.perf_counter()  # the first call compiles: do not time it
            else:
                timed_chars += x.size
            step += 1
            losses.append(error / (x.shape[0] if trainer.model.return_sequences else 1))
            window.append(losses[-1])
            if progress is not None:
                progress.update(1)
                if step % 50 == 0:
                    progress.set_postfix(loss=f"{np.mean(window):.3f}")
            t_callback = time.perf_counter()
            if report and step % report_every == 0:
                report(step, float(np.mean(window)))
            if after_step:
                after_step(step, states if batches.stateful else None)
            t_callbacks += time.perf_counter() - t_callback
            if step >= steps or (should_stop and should_stop()):
                break
    train_seconds = time.perf_counter() - t_start - t_callbacks if t_start else 0.0
    return {"losses": losses, "step": step, "states": states if batches.stateful else None,
            "train_seconds": train_seconds, "chars": timed_chars}


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
