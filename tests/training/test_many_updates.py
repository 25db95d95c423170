"""K updates in one compiled call leave the same weights as K calls of the one-update function;
``fit(updates_per_call=K)`` trains as ``fit`` one update a call does."""
import numpy as np
import pytest

from symrnn import data
from symrnn.dtypes import CHECK_DTYPE
from symrnn.errors import ShapeError, TrainingDiverged
from symrnn.nn.model import CharRNN
from symrnn.training.fit import _groups, fit
from symrnn.training.many_updates import ManyUpdates
from symrnn.training.trainer import Trainer

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
    ("sgd", {"dropout": 0.3, "recurrent_dropout": 0.3}),  # the generator is carried window to window
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


def text_indices(n, seed=4):
    return np.random.default_rng(seed).integers(1, V, n).astype(np.int32)


def shuffled_windows():
    """11 windows in batches of 4: 3 steps an epoch, the last a batch of 3."""
    return data.WindowBatches(*data.lesson_windows(text_indices(56), T), 4, shuffle=True, seed=5)


def streams():
    """2 streams in 5 batches an epoch."""
    return data.StreamBatches(*data.stateful_batches(text_indices(51), 2, T))


def test_groups_end_at_epochs_reports_steps_and_batch_sizes():
    got = [(step, len(group), group[0][0].shape[1])
           for step, group in _groups(shuffled_windows(), 0, 10, lambda: False, 4, 5)]
    assert got == [(0, 2, 4), (2, 1, 3), (3, 2, 4), (5, 1, 3), (6, 2, 4), (8, 1, 3), (9, 1, 4)]
    assert [(s, len(g)) for s, g in _groups(streams(), 7, 20, lambda: False, 4, 100)] == [(7, 3), (10, 4), (14, 1),
                                                                                          (15, 4), (19, 1)]


@pytest.mark.parametrize("batches, cell", [(shuffled_windows, "rnn"), (streams, "lstm")])
def test_fit_with_k_updates_a_call_equals_one_update_a_call(batches, cell):
    """float64: the same errors, reports, hooks, weights and carried states, whatever the grouping."""
    def run(trainer, k):
        reports, hooked = [], []
        result = fit(trainer, batches(), steps=10, lr=lambda step: 0.2 / (1 + step), report_every=4,
                     report=lambda step, error: reports.append((step, error)),
                     after_step=lambda step, states: hooked.append((step, weights(trainer))),
                     updates_per_call=k)
        return trainer, result, reports, hooked
    one, many = trainer_pair("sgd", cell=cell)
    (one, single, reports_1, hooked_1), (many, grouped, reports_k, hooked_k) = run(one, 1), run(many, 4)
    assert many._train_fn is None  # the K-update function did all the training
    assert [s for s, _ in hooked_1] == [s for s, _ in hooked_k] == list(range(1, 11))
    assert [s for s, _ in reports_k] == [4, 8]
    for (step, got), (_, want) in zip(hooked_k, hooked_1):
        if step % 4 == 0:  # a checkpoint of a report step holds that step's weights
            for a, b in zip(got, want):
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose([e for _, e in reports_k], [e for _, e in reports_1], rtol=1e-12)
    np.testing.assert_allclose(grouped["losses"], single["losses"], rtol=1e-12)
    for got, want in zip(weights(many), weights(one)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    for got, want in zip(grouped["states"] or [], single["states"] or []):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert (grouped["states"] is None) == (cell == "rnn")


def test_a_diverging_group_stops_with_a_clear_error():
    trainer = Trainer(CharRNN(V, 6, seed=3), show_progress=False)
    with pytest.raises(TrainingDiverged, match="learning rate"):
        fit(trainer, shuffled_windows(), steps=40, lr=1e30, updates_per_call=4)
