"""The training loop: updates over batches from one step count to another, with hooks between steps.

The hooks are how a caller watches and steers the loop without being part of it: ``report`` (the
mean error of the last steps), ``progress`` (a tqdm-like bar), ``after_step`` (e.g. periodic
checkpoints) and ``should_stop`` (e.g. set by Ctrl-C). The learning rate is a number or a
schedule ``step -> lr`` (``symrnn.schedules``).
"""
import contextlib
import itertools
import time
from collections import deque

import numpy as np


def fit(trainer, batches, *, steps, lr, start_step=0, states=None, report_every=1000, report=None,
        progress=None, should_stop=None, after_step=None):
    """Train from ``start_step`` up to ``steps`` updates over ``batches`` (``symrnn.data.WindowBatches``
    or ``StreamBatches``); stateful batches carry ``states`` across steps.

    ``report(step, mean_error)`` gets the mean error per character of the last ``report_every``
    steps; ``should_stop()`` is polled after every step; ``after_step(step, states)`` runs after
    every step (states: the carried ones, None unless stateful).

    Returns a dict: ``losses`` (error per trained position of each step), ``step`` (steps done),
    ``states`` (the carried states), ``train_seconds`` (training alone: not the first, compiling,
    step, nor the hooks) and ``chars`` (characters in the timed steps).
    """
    schedule = lr if callable(lr) else (lambda step: lr)
    stop = should_stop or (lambda: False)
    losses, window, clock, zeros = [], deque(maxlen=report_every), _Clock(), _ZeroStates(trainer.model)
    step = start_step
    for step, x, y, fresh in _steps(batches, start_step, steps, stop):
        if not batches.stateful or fresh or states is None:
            states = zeros(x.shape[1])
        error, final_states = trainer.unchecked_train_step(x, y, np.asarray(schedule(step), trainer.model.dtype),
                                                           states)
        states = final_states if batches.stateful else states
        clock.step_done(x.size)
        losses.append(error / (x.shape[0] if trainer.model.return_sequences else 1))
        window.append(losses[-1])
        step += 1
        with clock.paused():
            _run_hooks(step, window, states if batches.stateful else None, progress, report, report_every,
                       after_step)
    return {"losses": losses, "step": step, "states": states if batches.stateful else None,
            "train_seconds": clock.seconds(), "chars": clock.chars}


def _steps(batches, start_step, steps, stop):
    """``(step, inputs, targets, fresh)`` from ``start_step`` until ``steps`` or ``stop()``, epoch after
    epoch; ``fresh`` marks the first batch of an epoch (where stateful streams start again)."""
    step = start_step
    while step < steps and not stop():
        epoch, skip = divmod(step, batches.steps_per_epoch)
        for k, (x, y) in enumerate(itertools.islice(batches.epoch(epoch), skip, None)):
            yield step, x, y, skip + k == 0
            step += 1
            if step >= steps or stop():
                return


def _run_hooks(step, window, states, progress, report, report_every, after_step):
    if progress is not None:
        progress.update(1)
        if step % 50 == 0:
            progress.set_postfix(loss=f"{np.mean(window):.3f}")
    if report and step % report_every == 0:
        report(step, float(np.mean(window)))
    if after_step:
        after_step(step, states)


class _ZeroStates:
    """Zero initial states per batch size, made once each."""

    def __init__(self, model):
        self.model, self.made = model, {}

    def __call__(self, batch_size):
        if batch_size not in self.made:
            self.made[batch_size] = self.model.zero_states(batch_size)
        return self.made[batch_size]


class _Clock:
    """Training time: from the end of the first step (which compiles), less the time spent in hooks."""

    def __init__(self):
        self.start, self.in_hooks, self.chars = None, 0.0, 0

    def step_done(self, n_chars):
        if self.start is None:
            self.start = time.perf_counter()
        else:
            self.chars += n_chars

    @contextlib.contextmanager
    def paused(self):
        began = time.perf_counter()
        yield
        self.in_hooks += time.perf_counter() - began

    def seconds(self):
        return time.perf_counter() - self.start - self.in_hooks if self.start else 0.0
