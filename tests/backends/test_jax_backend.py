"""The JAX backend (symrnn's default) trains every built-in model as the test backend does.

XLA compiles each function once per shape of its arguments (``symrnn.backends.jax_backend``), in about a
second: these tests compile about twenty functions. The reference is FAST_COMPILE, which
``tests/test_backend.py`` ties to Numba. Tolerances are float32's: losses within 1e-5
relatively, weights within 2e-5 absolutely after three updates.
"""
import logging

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from symrnn import checkpoint
from symrnn.backends.compile import CompiledFunction, default_mode
from symrnn.backends.jax_backend import settle_shared
from symrnn.cli import main
from symrnn.gradient_check.check import check_cell
from symrnn.nn.model import CharRNN
from symrnn.optim.updates import optimizer_state
from symrnn.training.many_updates import ManyUpdates
from symrnn.training.trainer import Trainer

pytest.importorskip("jax")

V = 9


def train_three_steps(mode, model_kwargs, optimizer="sgd", batch=3, seed=0):
    """Three updates, the last on a shorter window (a second shape), then a prediction."""
    trainer = Trainer(CharRNN(V, 8, seed=seed, **model_kwargs), optimizer, clip=5.0, mode=mode, show_progress=False)
    rng = np.random.default_rng(seed)
    losses, states = [], None
    for seq_len in (5, 5, 4):
        inputs, targets = rng.integers(0, V, size=(2, seq_len, batch))
        loss, states = trainer.train_step(inputs, targets, 0.1, states if seq_len == 5 else None)
        losses.append(loss)
    probs, _ = trainer.predict(rng.integers(0, V, size=(6, 2)))
    return trainer, losses, [p.get_value() for p in trainer.model.variables], probs


MODELS = {
    "lesson rnn (relu)": {},
    "rnn tanh": {"activation": "tanh"},
    "gru": {"cell": "gru"},
    "gru_combined": {"cell": "gru_combined"},
    "lstm x 2": {"cell": "lstm", "layers": 2},
    "embedding + batchnorm": {"embedding": 4, "batchnorm": True},
    "many-to-one": {"return_sequences": False},
}


@pytest.mark.parametrize("model_kwargs", MODELS.values(), ids=MODELS.keys())
def test_every_built_in_model_trains_as_the_test_backend_does(model_kwargs):
    optimizer = "adam" if model_kwargs.get("cell") == "lstm" else "sgd"
    trainer, losses, weights, probs = train_three_steps("JAX", model_kwargs, optimizer)
    _, ref_losses, ref_weights, ref_probs = train_three_steps("FAST_COMPILE", model_kwargs, optimizer)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5)
    for got, want in zip(weights, ref_weights):
        np.testing.assert_allclose(got, want, atol=2e-5)
    np.testing.assert_allclose(probs, ref_probs, atol=1e-6)
    assert len(trainer.train_fn.fn.compiled) == 2  # (5, 3) and (4, 3) windows: one compile each


def test_jax_builds_no_graph_for_any_shape_and_keeps_one_optimiser_state():
    # training, K updates a call and prediction compile per-shape graphs only: the any-shape
    # training graph (scans and gradients) would be built for nothing
    trainer, *_ = train_three_steps("JAX", {"cell": "lstm"}, "adam")
    rng = np.random.default_rng(1)
    ManyUpdates(trainer)(*rng.integers(0, V, size=(2, 2, 5, 3)), [0.1, 0.1], trainer.model.zero_states(3))
    assert trainer._graph is None
    state = trainer._checkpointed()  # the optimiser's state the per-shape graphs update
    assert any(name.startswith("optim.") for name in state)
    # asked for, the any-shape graph is built on that same state
    assert set(optimizer_state(trainer.graph.upd_dict)) == set(optimizer_state(trainer.optimizer_graph.upd_dict))


def test_the_lessons_batch_of_one_trains_without_noise(caplog):
    with caplog.at_level(logging.WARNING):
        _, losses, weights, _ = train_three_steps("JAX", {}, batch=1)
    _, ref_losses, ref_weights, _ = train_three_steps("FAST_COMPILE", {}, batch=1)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5)
    for got, want in zip(weights, ref_weights):
        np.testing.assert_allclose(got, want, atol=2e-5)
    assert not [r for r in caplog.records if r.name.startswith("pytensor")]


def test_checkpoints_move_between_backends(tmp_path):
    """Weights trained with JAX continue under FAST_COMPILE exactly as under JAX, and back."""
    jax_trainer, *_ = train_three_steps("JAX", {"cell": "gru"}, "adam")
    jax_trainer.save(tmp_path / "jax.npz", {"step": 3})
    arrays, meta = checkpoint.load_checkpoint(tmp_path / "jax.npz")
    other = Trainer(CharRNN(V, 8, cell="gru"), "adam", clip=5.0, mode="FAST_COMPILE", show_progress=False)
    other.restore(arrays, meta)
    inputs, targets = np.random.default_rng(9).integers(0, V, size=(2, 5, 3))
    continued = jax_trainer.train_step(inputs, targets, 0.1)[0]
    np.testing.assert_allclose(other.train_step(inputs, targets, 0.1)[0], continued, rtol=1e-5)
    other.save(tmp_path / "fast_compile.npz", {"step": 4})
    back = Trainer(CharRNN(V, 8, cell="gru"), "adam", clip=5.0, mode="JAX", show_progress=False)
    back.restore(*checkpoint.load_checkpoint(tmp_path / "fast_compile.npz"))
    np.testing.assert_allclose(back.train_step(inputs, targets, 0.1)[0], other.train_step(inputs, targets, 0.1)[0],
                               rtol=1e-5)


def test_dropout_draws_new_masks_every_update():
    """JAX draws its own random numbers (not NumPy's stream): with lr 0 only the masks change the loss."""
    trainer = Trainer(CharRNN(V, 8, cell="lstm", dropout=0.3, recurrent_dropout=0.3), mode="JAX", show_progress=False)
    inputs, targets = np.random.default_rng(0).integers(0, V, size=(2, 5, 3))
    losses = [trainer.train_step(inputs, targets, 0.0)[0] for _ in range(3)]
    assert np.all(np.isfinite(losses)) and len(set(losses)) == 3


def test_other_backends_read_the_weights_jax_left():
    trainer, *_ = train_three_steps("JAX", {})
    weight = trainer.model.output.W
    reader = pytensor.function([], weight.sum() * 1, mode="FAST_COMPILE")
    settle_shared(reader)
    assert isinstance(weight.get_value(borrow=True), np.ndarray)
    np.testing.assert_allclose(reader(), weight.get_value().sum(), rtol=1e-5)


def test_a_float32_sum_with_a_float64_accumulator_stays_float32_in_a_scan():
    """PyTensor's JAX reductions returned the accumulator's dtype, which a scan's carry refuses."""
    x = pt.tensor("x", dtype="float32", shape=(None, 3))

    def step(row, total):
        return total + pt.sum(row, acc_dtype="float64")

    totals = pytensor.scan(step, sequences=[x], outputs_info=[pt.zeros((), dtype="float32")], return_updates=False)
    fn = CompiledFunction([x], totals[-1], name="sum", mode="JAX", show_progress=False)
    result = fn(np.ones((4, 3), np.float32))
    assert result.dtype == np.float32 and result == 12


def test_a_function_of_symbolic_lengths_compiles_for_each_shape():
    """``arange`` of a length taken from an input: JAX needs the number, the static copy gives it."""
    x = pt.matrix("x", dtype="float32")
    flat = x.flatten()
    picked = flat[pt.arange(flat.shape[0])].sum()
    fn = CompiledFunction([x], [picked], name="arange", mode="JAX", show_progress=False)
    assert fn(np.ones((2, 3), np.float32))[0] == 6 and fn(np.ones((4, 3), np.float32))[0] == 12
    assert len(fn.fn.compiled) == 2


@pytest.mark.parametrize("batch, model_kwargs, carry_states", [
    (1, {}, False),                     # the lesson's online SGD
    (3, {"cell": "lstm"}, True),        # stateful
])
def test_k_updates_in_one_call_equal_k_calls(batch, model_kwargs, carry_states):
    """The loop over windows is built on the one-update graph of the windows' fixed (T, B)."""
    windows = np.random.default_rng(2).integers(0, V, size=(2, 4, 5, batch))
    lrs = np.array([0.1, 0.05, 0.2, 0.1])

    def trainer():
        return Trainer(CharRNN(V, 8, **model_kwargs), "adam", clip=5.0, mode="JAX", show_progress=False)

    one_by_one, many = trainer(), trainer()
    states, expected = one_by_one.model.zero_states(batch), []
    for x, y, lr in zip(*windows, lrs):
        loss, final = one_by_one.train_step(x, y, lr, states)
        states = final if carry_states else states
        expected.append(loss)
    errors, _ = ManyUpdates(many, carry_states=carry_states)(*windows, lrs, many.model.zero_states(batch))
    np.testing.assert_allclose(errors, expected, rtol=1e-6)
    for got, want in zip(many.model.variables, one_by_one.model.variables):
        np.testing.assert_allclose(got.get_value(), want.get_value(), atol=1e-6)


def test_a_gradient_check_passes_on_jax():
    """The three-way check in float64 (JAX runs 64-bit with PyTensor's float64 floatX)."""
    assert check_cell("lstm", mode="JAX").passed


def test_a_run_with_dropout_resumes_exactly(tmp_path):
    """The JAX keys follow the shared NumPy generator, which a checkpoint keeps."""
    def trainer():
        return Trainer(CharRNN(V, 8, cell="gru", dropout=0.3, recurrent_dropout=0.3), "adam", mode="JAX",
                       show_progress=False)

    windows = np.random.default_rng(5).integers(0, V, size=(4, 2, 5, 3))
    whole = trainer()
    losses = [whole.train_step(x, y, 0.1)[0] for x, y in windows]
    first = trainer()
    for x, y in windows[:2]:
        first.train_step(x, y, 0.1)
    first.save(tmp_path / "half.npz", {"step": 2})
    resumed = trainer()
    resumed.restore(*checkpoint.load_checkpoint(tmp_path / "half.npz"))
    assert [resumed.train_step(x, y, 0.1)[0] for x, y in windows[2:]] == losses[2:]


def test_jax_is_the_default_mode(monkeypatch):
    monkeypatch.delenv("SYMRNN_MODE", raising=False)
    assert default_mode() == "JAX"


def test_the_command_line_trains_samples_and_reports_with_jax(tmp_path, capsys):
    """The README's main job, small, 8 updates a call: train (report page included), then sample."""
    corpus, ck = tmp_path / "corpus.txt", str(tmp_path / "ck.npz")
    corpus.write_text("the quick brown fox jumps over the lazy dog. " * 40)
    small = ["--hidden", "16", "--no-progress", "--mode", "JAX", "--report", str(tmp_path / "report")]
    assert main(["train", "--text", str(corpus), *small, "--steps", "60", "--report-every", "30",
                 "--updates-per-call", "8", "--checkpoint", ck]) == 0
    out = capsys.readouterr().out
    assert "backend JAX" in out and (tmp_path / "report" / "report.html").exists()
    assert main(["sample", "--checkpoint", ck, "--prime", "the ", "--length", "20", "--temperature", "0",
                 "--mode", "JAX", "--no-progress"]) == 0
    sampled = capsys.readouterr().out.rstrip("\n")
    assert sampled.startswith("the ") and len(sampled) == 24
