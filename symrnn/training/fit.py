"""The training loop: updates over batches from one step count to another, with hooks between steps.

The hooks are how a caller watches and steers the loop without being part of it: ``report`` (the
mean error of the last steps), ``progress`` (a tqdm-like bar), ``after_step`` (e.g. periodic
checkpoints) and ``should_stop`` (e.g. set by Ctrl-C). The learning rate is a number or a
schedule ``step -> lr`` (``symrnn.optim.schedules``).
"""
import contextlib
import itertools
import time
from collections import deque

import numpy as np


def fit(trainer, batches, *, steps, lr, start_step=0, states=None, report_every=1000, report=None,
        progress=None, should_stop=None, after_step=None, updates_per_call=1, devices=None):
    """Train from ``start_step`` up to ``steps`` updates over ``batches`` (``symrnn.data.WindowBatches``
    or ``StreamBatches``); stateful batches carry ``states`` across steps.

    ``report(step, mean_error)`` gets the mean error per character of the last ``report_every``
    steps; ``should_stop()`` is polled after every call of the train function; ``after_step(step,
    states)`` runs after every step (states: the carried ones, None unless stateful).

    ``updates_per_call`` K > 1 runs up to K updates in one compiled call (``symrnn.training.many_updates``).
    A call's group of steps ends at an epoch's end, at ``steps`` and at every multiple of
    ``report_every``, and holds batches of one size; the hooks of its steps run after the call, so
    they see the weights (and states) after its last step — those of the step itself at every
    multiple of ``report_every``.

    ``devices``: split each batch over this many devices (``Trainer.use_devices``; None: as the
    trainer was made); a batch size they cannot split is a ``ConfigError`` before the first step.

    Returns a dict: ``losses`` (error per trained position of each step), ``step`` (steps done),
    ``states`` (the carried states), ``train_seconds`` (training alone: not the first, compiling,
    call, nor the hooks) and ``chars`` (characters in the timed calls).
    """
    if devices is not None:
        trainer.use_devices(devices)
    trainer.check_batch_size(batches.batch_size)
    schedule = lr if callable(lr) else (lambda step: lr)
    update = _update_function(trainer, batches.stateful, updates_per_call)
    losses, window, clock, zeros = [], deque(maxlen=report_every), _Clock(), _ZeroStates(trainer.model)
    step = start_step
    for step, group in _groups(batches, start_step, steps, should_stop or (lambda: False), updates_per_call,
                               report_every):
        if not batches.stateful or step % batches.steps_per_epoch == 0 or states is None:
            states = zeros(group[0][0].shape[1])
        errors, final_states = update(group, [schedule(s) for s in range(step, step + len(group))], states)
        states = final_states if batches.stateful else states
        clock.step_done(sum(x.size for x, _ in group))
        positions = group[0][0].shape[0] if trainer.model.return_sequences else 1
        group_losses = [error / positions for error in errors]
        losses.extend(group_losses)
        with clock.paused():
            for loss in group_losses:
                window.append(loss)
                step += 1
                _run_hooks(step, window, states if batches.stateful else None, progress, report, report_every,
                           after_step)
    return {"losses": losses, "step": step, "states": states if batches.stateful else None,
            "train_seconds": clock.seconds(), "chars": clock.chars}


def _update_function(trainer, stateful, updates_per_call):
    """``(group of (inputs, targets) pairs, their lrs, states) -> (errors, final states)``: one
    ``train_fn`` call per step, or, for ``updates_per_call`` > 1, one many-updates call per group."""
    dtype = trainer.model.dtype
    if updates_per_call == 1:
        def one_update(group, lrs, states):
            (inputs, targets), = group
            error, final_states = trainer.unchecked_train_step(inputs, targets, np.asarray(lrs[0], dtype), states)
            return [error], final_states
        return one_update
    many = trainer.many_updates(carry_states=stateful)

    def many_updates(group, lrs, states):
        inputs, targets = (np.stack(arrays) for arrays in zip(*group))
        errors, final_states = many(inputs, targets, lrs, states)
        return [float(e) for e in errors], final_states
    return many_updates


def _groups(batches, start_step, steps, stop, size, report_every):
    """``(first step, [(inputs, targets), ...])`` from ``start_step`` until ``steps`` or ``stop()``, epoch
    after epoch: up to ``size`` consecutive batches of one shape, never across an epoch's end, a
    multiple of ``report_every`` or ``steps``; ``stop()`` is polled after each group."""
    step = start_step
    while step < steps and not stop():
        epoch, skip = divmod(step, batches.steps_per_epoch)
        pairs = itertools.islice(batches.epoch(epoch), skip, None)
        epoch_end = min(steps, (epoch + 1) * batches.steps_per_epoch)
        while step < epoch_end:
            length = min(size, epoch_end - step, report_every - step % report_every)
            for group in _runs_of_one_shape(itertools.islice(pairs, length)):
                yield step, group
                step += len(group)
                if stop():
                    return


def _runs_of_one_shape(pairs):
    """``pairs`` cut into runs of consecutive pairs whose inputs have one shape."""
    runs = []
    for inputs, targets in pairs:
        if runs and runs[-1][0][0].shape == inputs.shape:
            runs[-1].append((inputs, targets))
        else:
            runs.append([(inputs, targets)])
    return runs


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
