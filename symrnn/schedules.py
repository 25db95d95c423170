"""Learning-rate schedules: plain Python functions ``schedule(step) -> learning rate``.

The learning rate is an input of the compiled train function (the lesson's ``lr``), so a schedule
needs no graph: the training loop calls ``schedule(step)`` and passes the number in. The lesson
lowers the rate by hand between runs (``lr = 1e-3`` then ``1e-4``); ``step_decay`` does that on a
timetable.
"""
from symrnn.errors import ConfigError


def _check(initial_lr, factor, every):
    if not initial_lr > 0:
        raise ConfigError(f"the learning rate must be positive, got {initial_lr}")
    if not 0 < factor <= 1:
        raise ConfigError(f"the decay factor must be in (0, 1], got {factor}")
    if not every > 0:
        raise ConfigError(f"the decay interval must be a positive number of steps, got {every}")


def _checked_step(step):
    if step < 0:
        raise ConfigError(f"a schedule is defined for steps >= 0, got {step}")
    return step


def step_decay(initial_lr, factor=0.1, every=1000):
    """``initial_lr · factor^⌊step / every⌋``: multiply by ``factor`` every ``every`` steps."""
    _check(initial_lr, factor, every)

    def schedule(step):
        return initial_lr * factor ** (_checked_step(step) // every)
    return schedule


def exponential_decay(initial_lr, factor=0.1, every=1000):
    """``initial_lr · factor^(step / every)``: the same decay as ``step_decay``, smoothly."""
    _check(initial_lr, factor, every)

    def schedule(step):
        return initial_lr * factor ** (_checked_step(step) / every)
    return schedule
