"""K updates in one compiled call leave the same weights as K calls of the one-update function."""
import numpy as np
import pytest

from symrnn.dtypes import CHECK_DTYPE
from symrnn.errors import ShapeError
from symrnn.many_updates import ManyUpdates
from symrnn.model import CharRNN
from symrnn.train import Trainer

K, T, B, V = 4, 5, 3, 7


def windows(seed=1):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, V, (K, T, B)).astype(np.int32), rng.integers(0, V, (K, T, B)).astype(np.int32))


def trainer_pair(optimizer, **model_kwargs):
    """Two trainers of identical float64 models (same seed), one for each way of training."""
    return [Trainer(CharRNN(V, 6, dtype=CHECK_DTYPE, seed=3, **model_kwargs), optimizer, clip=2.0,
                    show_progress=False) for _ in range(2)]


def weights(trainer):
    return [p.get_value() for p in trainer.model.params]


@pytest.mark.parametrize("optimizer, model_kwargs", [
    ("sgd", {}),
    ("adam", {"embedding": 3}),
])
def test_one_call_of_k_updates_equals_k_calls(optimizer, model_kwargs):
    one_by_one, many = trainer_pair(optimizer, **model_kwargs)
    inputs, targets = windows()
    lrs = np.array([0.1, 0.05, 0.2, 0.1])
    expected_errors = [one_by_one.train_step(inputs[k], targets[k], lrs[k])[0] for k in range(K)]
    errors, _ = ManyUpdates(many)(inputs, targets, lrs, many.model.zero_states(B))
    np.testing.assert_allclose(errors, expected_errors, rtol=1e-12)
    untrained = trainer_pair(optimizer, **model_kwargs)[0]
    for got, want, before in zip(weights(many), weights(one_by_one), weights(untrained)):
        assert not np.allclose(want, before)  # the updates moved the weight
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_carried_states_equal_stateful_calls():
    one_by_one, many = trainer_pair("sgd", cell="lstm")
    inputs, targets = windows(seed=2)
    states = one_by_one.model.zero_states(B)
    for k in range(K):
        _, states = one_by_one.train_step(inputs[k], targets[k], 0.1, states)
    _, final = ManyUpdates(many, carry_states=True)(inputs, targets, np.full(K, 0.1), many.model.zero_states(B))
    for got, want in zip(final, states):
        np.testing.assert_allclose(got, want, rtol=1e-10)
    for got, want in zip(weights(many), weights(one_by_one)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_single_updates_continue_from_many():
    """The many-update function moves the trainer's own shared weights and optimiser state."""
    one_by_one, many = trainer_pair("momentum")
    inputs, targets = windows(seed=3)
    for k in range(K):
        one_by_one.train_step(inputs[k], targets[k], 0.1)
    ManyUpdates(many)(inputs[:2], targets[:2], np.full(2, 0.1), many.model.zero_states(B))
    for k in range(2, K):
        many.train_step(inputs[k], targets[k], 0.1)
    for got, want in zip(weights(many), weights(one_by_one)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_mismatched_shapes_are_a_clear_error():
    _, many = trainer_pair("sgd")
    inputs, targets = windows()
    with pytest.raises(ShapeError, match=r"\(K, T, B\)"):
        ManyUpdates(many)(inputs, targets[:2], np.full(K, 0.1), many.model.zero_states(B))
