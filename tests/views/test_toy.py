"""The min-char-rnn toy: 50/50 untrained, near-certain trained, and a memory for task 2."""
import numpy as np
import pytest

from symrnn.backends.compile import QUICK_MODE
from symrnn.nn.model import CharRNN
from symrnn.training.trainer import Trainer
from symrnn.views import inside, toy


@pytest.fixture(scope="module")
def trained():
    """task → the toy trained on it (symrnn's CharRNN, Trainer and fit)."""
    models = {}
    for task in toy.PATTERNS:
        model = toy.build(seed=0)
        models[task] = (model, toy.train(model, task))
    return models


def test_the_toy_is_a_charrnn_of_two_symbols_and_three_tanh_units():
    model = toy.build()
    assert isinstance(model, CharRNN)
    shapes = {p.name: p.get_value().shape for p in model.params}
    assert shapes == {"W_h": (3, 3), "b_h": (3,), "W_x": (2, 3), "b_x": (3,), "W_y": (3, 2), "b_y": (2,)}
    assert model.cell.activation_name == "tanh"
    for p in model.params:
        value = p.get_value()
        limit = 0.05 if value.ndim == 2 else 0.0  # normal × 0.01: |w| < 5σ; biases zero
        assert np.all(np.abs(value) <= limit) and (value.ndim == 1 or np.any(value != 0)), p.name


def test_the_tasks_sequences():
    assert toy.task_sequence("alternate", 6)[0].tolist() == [1, 0, 1, 0, 1, 0]
    assert toy.task_sequence("alternate", 6)[1].tolist() == [0, 1, 0, 1, 0, 1]
    assert toy.task_sequence("one-one-zero", 6)[0].tolist() == [1, 1, 0, 1, 1, 0]
    assert toy.task_sequence("one-one-zero", 6)[1].tolist() == [1, 0, 1, 1, 0, 1]


@pytest.mark.parametrize("task", sorted(toy.PATTERNS))
def test_untrained_the_toy_says_fifty_fifty(task):
    trainer = Trainer(toy.build(seed=0), mode=QUICK_MODE, show_progress=False)
    np.testing.assert_allclose(toy.target_probabilities(trainer, task), 0.5, atol=0.01)


@pytest.mark.parametrize("task", sorted(toy.PATTERNS))
def test_trained_the_toy_is_near_certain_at_every_step(trained, task):
    _, trainer = trained[task]
    probabilities = toy.target_probabilities(trainer, task)
    assert probabilities.min() > 0.95, probabilities


def test_task_two_tells_the_first_one_from_the_second_by_its_hidden_state(trained):
    model, _ = trained["one-one-zero"]
    inputs, targets = toy.task_sequence("one-one-zero")
    h = inside.forward_steps(model, inputs, mode=QUICK_MODE)["h"]     # (T, 3)
    firsts, seconds = h[0::3], h[1::3]                                   # the two 1s of each period
    assert np.all(inputs[0::3] == 1) and np.all(inputs[1::3] == 1)
    gap = np.abs(firsts - seconds).max(axis=1)
    assert gap.min() > 0.5, gap   # tanh states lie in (-1, 1): a gap of 0.5 is no rounding noise


def test_inside_reads_the_models_own_numbers(trained):
    """forward_steps' p is the model's predict; its h follows the lesson's equation from its weights."""
    model, trainer = trained["one-one-zero"]
    inputs, _ = toy.task_sequence("one-one-zero")
    steps = inside.forward_steps(model, inputs, mode=QUICK_MODE)
    probs, _ = trainer.predict(inputs[:, None])
    np.testing.assert_allclose(steps["p"], probs[:, 0], rtol=1e-10)
    w = inside.weights(model, mode=QUICK_MODE)
    h = np.zeros(3)
    for t, c in enumerate(inputs):
        x = w["inputs"][c]
        np.testing.assert_allclose(steps["Ux"][t], x @ w["W_x"] + w["b_x"], rtol=1e-10)
        np.testing.assert_allclose(steps["Wh"][t], h @ w["W_h"] + w["b_h"], rtol=1e-10, atol=1e-15)
        h = np.tanh(steps["Ux"][t] + steps["Wh"][t])
        np.testing.assert_allclose(steps["h"][t], h, rtol=1e-10)
