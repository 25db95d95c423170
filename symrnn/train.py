"""Compiling and running: the lesson's train and predict functions, and the training loop.

The training function is built exactly as in the lesson::

    error, final = model.window_loss(inp, outp, h0)       # scan inside
    g_all = pytensor.grad(error, w_all)
    upd_dict = sgd(g_all, w_all, lr)                       # {w: w - g*lr}
    fn = pytensor.function([inp, outp, h0, lr], error, updates=upd_dict)
"""
import time
from collections import deque

import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn.backend import CompiledFunction
from symrnn.errors import ShapeError, TrainingDiverged
from symrnn.updates import sgd


class Trainer:
    """Compiles (lazily, on first use) and calls a model's train and predict functions.

    Arrays are time-major: ``inputs``/``targets`` (T, B) integer indices, every state (B, size).
    """

    def __init__(self, model, optimizer=sgd, *, mode=None, show_progress=True):
        self.model, self.optimizer = model, optimizer
        self.mode, self.show_progress = mode, show_progress
        self._train_fn = self._predict_fn = None

    @property
    def train_fn(self):
        """``(inp, outp, *h0, lr) -> [error, *final_states]``, applying ``upd_dict``."""
        if self._train_fn is None:
            inp, outp = pt.matrix("inp", dtype="int32"), pt.matrix("outp", dtype="int32")
            h0 = self.model.state_variables()
            lr = pt.scalar("lr", dtype=self.model.dtype)
            w_all = self.model.params
            error, final_states = self.model.window_loss(inp, outp, h0)
            g_all = pytensor.grad(error, w_all)
            upd_dict = self.optimizer(g_all, w_all, lr)
            self._train_fn = CompiledFunction([inp, outp, *h0, lr], [error, *final_states],
                                              updates=upd_dict, name="train", mode=self.mode,
                                              show_progress=self.show_progress)
        return self._train_fn

    @property
    def predict_fn(self):
        """``(inp, *h0) -> [probabilities (T, B, V), *final_states]``."""
        if self._predict_fn is None:
            inp = pt.matrix("inp", dtype="int32")
            h0 = self.model.state_variables()
            logits, final_states = self.model.logits(inp, h0)
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
        """(inputs, targets) as int32 arrays of one 2-D shape, or a ``ShapeError`` saying why."""
        inputs, targets = self._indices(inputs, "inputs"), self._indices(targets, "targets")
        if inputs.shape != targets.shape:
            raise ShapeError(f"inputs {inputs.shape} and targets {targets.shape} differ in shape")
        return inputs, targets

    def _indices(self, array, what):
        array = np.asarray(array)
        if array.ndim != 2 or array.dtype.kind not in "iu":
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


def fit(trainer, inputs, targets, *, steps, lr, batch_size=1, report_every=1000, report=None,
        progress=None):
    """The lesson's loop: ``steps`` updates on consecutive batches of windows, h0 = zeros.

    inputs, targets: (n_windows, T) int arrays from ``symrnn.data.lesson_windows``; batches take
    windows in order, wrapping around. Every ``report_every`` steps ``report(step, mean_error)``
    gets the mean error per character over those steps (the lesson prints it).
    ``progress``, if given, is a tqdm-like bar updated every step.

    Returns a dict: ``losses`` (per-character error of every step), ``train_seconds`` (after
    the first step, so compile time is excluded) and ``chars``.
    """
    inputs, targets = trainer.checked_pair(inputs, targets)
    n_windows, seq_len = inputs.shape
    inputs, targets = inputs.T.copy(), targets.T.copy()  # time-major (T, n_windows), once
    zeros = trainer.model.zero_states(batch_size)
    lr = np.asarray(lr, trainer.model.dtype)
    losses, window = [], deque(maxlen=report_every)
    t_start = None
    for step in range(steps):
        first = step * batch_size % n_windows
        columns = slice(first, first + batch_size)
        if first + batch_size > n_windows:  # wrap around the end of the data
            columns = np.arange(first, first + batch_size) % n_windows
        x, y = np.ascontiguousarray(inputs[:, columns]), np.ascontiguousarray(targets[:, columns])
        error, _ = trainer.fast_train_step(x, y, lr, zeros)
        if step == 0:
            t_start = time.perf_counter()  # the first call compiles: do not time it
        losses.append(error / seq_len)
        window.append(losses[-1])
        if progress is not None:
            progress.update(1)
            if step % 50 == 0:
                progress.set_postfix(loss=f"{np.mean(window):.3f}")
        if report and (step + 1) % report_every == 0:
            report(step + 1, float(np.mean(window)))
    timed_steps = max(steps - 1, 0)
    return {"losses": losses, "train_seconds": time.perf_counter() - t_start if t_start else 0.0,
            "chars": timed_steps * batch_size * seq_len}


def evaluate(trainer, inputs, targets, batch_size=512):
    """Mean cross-entropy in nats per character of (n_windows, T) windows, each from h0 = zeros."""
    total, count = 0.0, 0
    for start in range(0, len(inputs), batch_size):
        x, y = inputs[start:start + batch_size].T, targets[start:start + batch_size].T
        probs, _ = trainer.predict(x, None)
        picked = np.take_along_axis(probs, y[..., None], axis=-1)[..., 0]
        total -= np.log(np.maximum(picked, np.finfo(probs.dtype).tiny)).sum()
        count += y.size
    return total / count
