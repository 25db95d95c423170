import pytest

from symrnn.errors import ConfigError
from symrnn.optim.schedules import step_decay


def test_step_decay_drops_by_the_factor_at_each_interval():
    schedule = step_decay(0.01, factor=0.5, every=100)
    assert [schedule(s) for s in (0, 99, 100, 199, 200, 1000)] == \
        [0.01, 0.01, 0.005, 0.005, 0.0025, 0.01 * 0.5 ** 10]


@pytest.mark.parametrize("kwargs, match", [
    ({"initial_lr": 0.0}, "learning rate"), ({"initial_lr": 0.1, "factor": 0.0}, "factor"),
    ({"initial_lr": 0.1, "every": 0}, "interval")])
def test_bad_settings_are_named(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        step_decay(**kwargs)


def test_negative_steps_are_refused():
    with pytest.raises(ConfigError, match="steps >= 0"):
        step_decay(0.1)(-1)
