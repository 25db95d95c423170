"""Learning-rate schedules: plain Python functions ``schedule(step) -> learning rate``.

The learning rate is an input of the compiled train function (the lesson's ``lr``), so a schedule
needs no graph: the training loop (``symrnn.training.fit``) calls ``schedule(step)`` and passes the number
in. The lesson lowers the rate by hand between runs (``lr = 1e-3`` then ``1e-4``); ``step_decay``
does that on a timetable (``symrnn train --lr-decay`` decays once per epoch with it).
"""
from symrnn.errors import ConfigError
from symrnn.validate import positive, positive_int


def step_decay(initial_lr, factor=0.1, every=1000):
    """``initial_lr · factor^⌊step / every⌋``: multiply by ``factor`` every ``every`` steps."""
    positive("the learning rate", initial_lr)
    positive("the decay factor", factor)
    positive_int("the decay interval (steps)", every)

    def schedule(step):
        if step < 0:
            raise ConfigError(f"a schedule is defined for steps >= 0, got {step}")
        return initial_lr * factor ** (step // every)
    return schedule
