import math

import pytest

from symrnn.errors import ConfigError
from symrnn.schedules import exponential_decay, step_decay


def test_step_decay_drops_by_the_factor_at_each_interval():
    schedule = step_decay(0.01, factor=0.5, every=100)
    assert [schedule(s) for s in (0, 99, 100, 199, 200, 1000)] == \
        [0.01, 0.01, 0.005, 0.005, 0.0025, 0.01 * 0.5 ** 10]


def test_exponential_decay_meets_step_decay_at_interval_boundaries():
    smooth, steps = exponential_decay(1e-3, factor=0.1, every=50), step_decay(1e-3, factor=0.1, every=50)
    for step in (0, 50, 100, 150):
        assert math.isclose(smooth(step), steps(step), rel_tol=1e-12)
    values = [smooth(s) for s in range(0, 101)]
    assert all(a > b for a, b in zip(values, values[1:]))  # strictly decreasing in between


@pytest.mark.parametrize("kwargs, match", [
    ({"initial_lr": 0.0}, "learning rate"), ({"initial_lr": 0.1, "factor": 1.5}, "factor"),
    ({"initial_lr": 0.1, "every": 0}, "interval")])
@pytest.mark.parametrize("make", [step_decay, exponential_decay])
def test_bad_settings_are_named(make, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        make(**kwargs)


def test_negative_steps_are_refused():
    with pytest.raises(ConfigError, match="steps >= 0"):
        step_decay(0.1)(-1)
