"""symrnn.keras models: Keras 1's summary counts, training loop, stateful carry, learning rates,
errors before work starts, and weights files."""
import numpy as np
import pytest

from symrnn.errors import ConfigError, ShapeError
from symrnn.keras import models as keras_models
from symrnn.keras.layers import (
    LSTM,
    BatchNormalization,
    Dense,
    Embedding,
    Flatten,
    Input,
    SimpleRNN,
    TimeDistributed,
    merge,
)
from symrnn.keras.models import Model, Sequential
from symrnn.keras.optimizers import SGD, Adam


def sequence_model(vocab=86, n_fac=42, cs=8, n_hidden=256):
    return Sequential([Embedding(vocab, n_fac, input_length=cs),
                       SimpleRNN(n_hidden, return_sequences=True, activation="relu", inner_init="identity"),
                       TimeDistributed(Dense(vocab, activation="softmax"))])


def test_summary_counts_the_lessons_parameters_as_keras_1(capsys):
    model = sequence_model()
    model.summary()
    out = capsys.readouterr().out
    assert "Total params: 102,258" in out
    assert [line.split()[-2] for line in out.splitlines() if "(None, 8" in line] == ["3612", "76544", "22102"]
    stateful = Sequential([Embedding(86, 42, input_length=8, batch_input_shape=(64, 8)), BatchNormalization(),
                           LSTM(256, return_sequences=True, stateful=True),
                           TimeDistributed(Dense(86, activation="softmax"))])
    assert stateful.count_params() == 3612 + 4 * 42 + 4 * (42 * 256 + 256 * 256 + 256) + 22102


def lesson_text_arrays(n=600, cs=8, seed=0):
    rng = np.random.default_rng(seed)
    text = rng.choice(list("ab c"), size=n * cs + 1, p=[0.4, 0.3, 0.2, 0.1])
    idx = np.array(["ab c".index(ch) + 1 for ch in text])
    x = idx[:-1].reshape(n, cs)
    y = idx[1:].reshape(n, cs)
    return x, y


def test_fit_trains_prints_keras_progress_and_returns_a_history(capsys):
    np.random.seed(0)
    x, y = lesson_text_arrays()
    model = sequence_model(vocab=5, n_fac=4, cs=8, n_hidden=16)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=Adam(lr=0.01), metrics=["accuracy"])
    history = model.fit(x, y[..., None], batch_size=64, nb_epoch=3)
    out = capsys.readouterr().out
    assert "Epoch 1/3" in out and "Epoch 3/3" in out and "loss:" in out
    losses = history.history["loss"]
    assert len(losses) == 3 and losses[-1] < losses[0] - 0.1
    assert set(history.history) == {"loss", "acc"}
    assert model.evaluate(x, y, verbose=0)[0] == pytest.approx(
        float(np.mean(-np.log(np.take_along_axis(model.predict(x), y[..., None], -1)))), rel=1e-4)


def test_a_model_of_several_outputs_sums_their_losses_and_predicts_a_list():
    np.random.seed(1)
    inp = Input(shape=(3,), name="x")
    shared = Dense(2, activation="softmax", name="output")
    model = Model(inp, [shared(inp), shared(Dense(3)(inp))])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    x, y = np.random.normal(size=(10, 3)), [np.random.randint(0, 2, 10), np.random.randint(0, 2, 10)]
    total, first, second = model.evaluate(x, y, verbose=0)
    assert total == pytest.approx(first + second, rel=1e-6)
    p = model.predict(x)
    assert isinstance(p, list) and [a.shape for a in p] == [(10, 2), (10, 2)]
    history = model.fit(x, y, batch_size=4, nb_epoch=1, verbose=0)
    assert set(history.history) == {"loss", "output_1_loss", "output_2_loss"}


def test_stateful_lstm_carries_each_rows_state_into_the_next_batch():
    np.random.seed(2)
    model = Sequential([LSTM(4, batch_input_shape=(2, 3, 1), return_sequences=True, stateful=True)])
    x = np.random.normal(size=(2, 6, 1))
    whole = model.predict(np.concatenate([x[:, :3], x[:, 3:]], 1)[:, :3])  # first halves
    second = model.predict(x[:, 3:])  # carried on from the first halves, row by row
    model.reset_states()
    long_model = Sequential([LSTM(4, batch_input_shape=(2, 6, 1), return_sequences=True, stateful=True)])
    long_model.set_weights(model.get_weights())
    full = long_model.predict(x)
    np.testing.assert_allclose(whole, full[:, :3], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(second, full[:, 3:], rtol=1e-5, atol=1e-6)
    swapped = model.predict(x[::-1, :3])  # after reset_states: row 0 starts from zeros again
    np.testing.assert_allclose(swapped[::-1], full[:, :3], rtol=1e-5, atol=1e-6)


def test_stateful_models_refuse_other_batch_sizes_before_training():
    model = Sequential([Embedding(5, 3, input_length=4, batch_input_shape=(8, 4)),
                        LSTM(4, return_sequences=True, stateful=True), TimeDistributed(Dense(5, activation="softmax"))])
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = np.zeros((20, 4), int), np.zeros((20, 4), int)
    with pytest.raises(ConfigError, match="batch size 8.*first 16"):
        model.fit(x, y, batch_size=8, nb_epoch=1, verbose=0)
    with pytest.raises(ConfigError, match="batch_input_shape"):
        Sequential([Embedding(5, 3, input_length=4), LSTM(4, stateful=True)])


@pytest.mark.parametrize("idiom", ["assign", "set_value"])
def test_both_of_the_lessons_learning_rate_idioms_take_effect_between_fits(idiom):
    np.random.seed(3)
    model = Sequential([Dense(2, input_dim=3, activation="softmax")])
    model.compile(optimizer=Adam(), loss="sparse_categorical_crossentropy")
    x, y = np.random.normal(size=(16, 3)), np.random.randint(0, 2, 16)
    model.fit(x, y, nb_epoch=1, verbose=0)
    if idiom == "assign":
        model.optimizer.lr = 0.0
    else:
        model.optimizer.lr.set_value(0.0)
    before = model.get_weights()
    model.fit(x, y, nb_epoch=1, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.optimizer.lr = 0.1
    model.fit(x, y, nb_epoch=1, verbose=0)
    assert not np.array_equal(before[0], model.get_weights()[0])


def test_sgd_with_momentum_follows_keras_1s_rule():
    model = Sequential([Dense(1, input_dim=1, bias=False, init="one")])
    model.compile(optimizer=SGD(lr=0.1, momentum=0.5), loss="mse")
    x, y = np.ones((1, 1)), np.zeros((1, 1))
    w, v = 1.0, 0.0
    for _ in range(3):
        model.train_on_batch(x, y)
        v = 0.5 * v - 0.1 * 2 * w
        w = w + v
    assert model.get_weights()[0][0, 0] == pytest.approx(w, rel=1e-6)


def test_bad_arrays_get_one_line_naming_the_problem_before_training():
    inp = Input(shape=(1,), dtype="int64", name="c1")
    model = Model(inp, Dense(3, activation="softmax")(Flatten()(Embedding(3, 2, input_length=1)(inp))))
    model.compile("adam", "sparse_categorical_crossentropy")
    y = np.zeros(4, int)
    with pytest.raises(ConfigError, match="expects 1 input array"):
        model.fit([np.zeros(4), np.zeros(4)], y, verbose=0)
    with pytest.raises(ShapeError, match="'c1'.*\\(None, 1\\).*\\(4, 3\\)"):
        model.fit(np.zeros((4, 3)), y, verbose=0)
    with pytest.raises(ShapeError, match="different numbers of rows"):
        model.fit(np.zeros(4), np.zeros(5, int), verbose=0)
    with pytest.raises(ConfigError, match="compile"):
        Sequential([Dense(2, input_dim=2)]).fit(np.zeros((2, 2)), np.zeros((2, 2)), verbose=0)
    with pytest.raises(ConfigError, match="unknown loss"):
        model.compile("adam", "hinge_loss")
    with pytest.raises(ConfigError, match="needs input_shape"):
        Sequential([Dense(2)])


@pytest.mark.parametrize("h5py_installed", [True, False])
def test_weights_files_round_trip_in_either_format(tmp_path, monkeypatch, h5py_installed):
    from symrnn.keras import weights_file

    if not h5py_installed:
        monkeypatch.setattr(weights_file, "_h5py", lambda: None)
    elif weights_file._h5py() is None:
        pytest.skip("h5py is not installed")
    np.random.seed(4)
    model = sequence_model(vocab=6, n_fac=3, cs=4, n_hidden=5)
    path = tmp_path / "data" / "char_rnn.h5"
    model.save_weights(str(path))
    magic = path.read_bytes()[:4]
    assert magic == (b"\x89HDF" if h5py_installed else b"PK\x03\x04")
    other = sequence_model(vocab=6, n_fac=3, cs=4, n_hidden=5)
    other.load_weights(str(path))
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ShapeError):
        sequence_model(vocab=6, n_fac=3, cs=4, n_hidden=7).load_weights(str(path))


def test_merge_refuses_mismatched_shapes_and_unknown_modes():
    a, b = Input(shape=(2,)), Input(shape=(3,))
    with pytest.raises(ShapeError, match="one shape"):
        merge([a, b])
    with pytest.raises(ConfigError, match="mode"):
        merge([a, a], mode="cos")
    assert merge([a, b], mode="concat").shape == (None, 5)


def test_the_progress_bar_is_off_when_not_verbose(capsys):
    with keras_models.progress_bar(10, False) as bar:
        bar.update(10)
        bar.set_description_str("loss: 1.0")
    assert bar.disable and capsys.readouterr().out == ""


def test_train_and_test_on_batch_report_the_batchs_loss():
    np.random.seed(5)
    model = Sequential([Dense(2, input_dim=3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = np.random.normal(size=(6, 3)), np.random.randint(0, 2, 6)
    before = model.test_on_batch(x, y)
    assert before == pytest.approx(model.evaluate(x, y, batch_size=6, verbose=0))
    assert model.train_on_batch(x, y) == pytest.approx(before)  # the loss before the update
    assert model.test_on_batch(x, y) < before


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad"])
def test_rmsprop_and_adagrad_keep_keras_1s_epsilon_outside_the_square_root(name):
    from symrnn.keras import optimizers

    optimizer = getattr(optimizers, name)(lr=0.1, epsilon=0.5)  # a large ε, so where it goes shows
    model = Sequential([Dense(1, input_dim=1, bias=False, init="one")])
    model.compile(optimizer=optimizer, loss="mse")
    model.train_on_batch(np.ones((1, 1)), np.zeros((1, 1)))
    g = 2.0  # d(w·1 − 0)²/dw at w = 1
    accu = (0.1 if name == "RMSprop" else 1.0) * g ** 2
    assert model.get_weights()[0][0, 0] == pytest.approx(1 - 0.1 * g / (np.sqrt(accu) + 0.5), rel=1e-6)
