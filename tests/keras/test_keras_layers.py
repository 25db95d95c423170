"""symrnn.keras layers equal NumPy written from Keras 1's definitions, and symrnn's own layers."""
import numpy as np
import pytest

from symrnn.keras.layers import (
    GRU,
    LSTM,
    Activation,
    BatchNormalization,
    Bidirectional,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    Input,
    SimpleRNN,
    TimeDistributed,
    merge,
)
from symrnn.keras.models import Model, Sequential


def relu(a):
    return np.maximum(a, 0)


def hard_sigmoid(a):
    return np.clip(0.2 * a + 0.5, 0, 1)


def softmax(a):
    e = np.exp(a - a.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_keras_rnn(layer_weights, x, act=relu):
    W, U, b = layer_weights
    h, outs = np.zeros((x.shape[0], U.shape[0])), []
    for t in range(x.shape[1]):
        h = act(x[:, t] @ W + b + h @ U)
        outs.append(h)
    return np.stack(outs, 1)


def test_the_lesson_sequence_model_equals_numpy():
    np.random.seed(0)
    model = Sequential([Embedding(10, 4, input_length=5),
                        SimpleRNN(6, return_sequences=True, activation="relu", inner_init="identity"),
                        TimeDistributed(Dense(10, activation="softmax"))])
    emb, rnn, dense = model.layers
    np.testing.assert_array_equal(rnn.get_weights()[1], np.eye(6))
    x = np.random.randint(0, 10, size=(3, 5))
    hidden = np_keras_rnn(rnn.get_weights(), emb.get_weights()[0][x])
    W, b = dense.get_weights()
    np.testing.assert_allclose(model.predict(x), softmax(hidden @ W + b), rtol=1e-5, atol=1e-6)


def test_gru_and_lstm_layers_equal_numpy():
    np.random.seed(1)
    x = np.random.normal(size=(2, 4, 3))
    gru = Sequential([GRU(5, input_shape=(4, 3), activation="relu", inner_init="identity")])
    W, U, b = gru.layers[0].get_weights()
    H, h = 5, np.zeros((2, 5))
    for t in range(4):
        z = hard_sigmoid(x[:, t] @ W[:, :H] + h @ U[:, :H] + b[:H])
        r = hard_sigmoid(x[:, t] @ W[:, H:2 * H] + h @ U[:, H:2 * H] + b[H:2 * H])
        h = z * h + (1 - z) * relu(x[:, t] @ W[:, 2 * H:] + (r * h) @ U[:, 2 * H:] + b[2 * H:])
    np.testing.assert_allclose(gru.predict(x), h, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(U[:, :H], np.eye(H))  # inner_init honoured in every gate block

    lstm = Sequential([LSTM(5, input_shape=(4, 3), return_sequences=True, go_backwards=True)])
    W, U, b = lstm.layers[0].get_weights()
    h, c, outs = np.zeros((2, 5)), np.zeros((2, 5)), []
    for t in reversed(range(4)):
        i, f, g, o = np.split(x[:, t] @ W + h @ U + b, 4, axis=-1)
        c = hard_sigmoid(f) * c + hard_sigmoid(i) * np.tanh(g)
        h = hard_sigmoid(o) * np.tanh(c)
        outs.append(h)
    np.testing.assert_allclose(lstm.predict(x), np.stack(outs, 1), rtol=1e-5, atol=1e-6)  # Keras 1's order


def test_bidirectional_concatenates_forward_and_backward_in_input_order():
    np.random.seed(2)
    x = np.random.normal(size=(2, 4, 3))
    model = Sequential([Bidirectional(SimpleRNN(5, return_sequences=True), input_shape=(4, 3))])
    fwd_weights, bwd_weights = model.get_weights()[:3], model.get_weights()[3:]
    want_f = np_keras_rnn(fwd_weights, x, np.tanh)
    want_b = np_keras_rnn(bwd_weights, x[:, ::-1], np.tanh)[:, ::-1]
    np.testing.assert_allclose(model.predict(x), np.concatenate([want_f, want_b], -1), rtol=1e-5, atol=1e-6)
    assert model.layers[0].output_shape == (None, 4, 10)


def test_shared_dense_layers_and_merge_build_the_lessons_unrolled_rnn():
    np.random.seed(3)
    ins = [Input(shape=(1,), dtype="int64", name=f"c{k}") for k in range(3)]
    embeddings = [Embedding(7, 4, input_length=1) for _ in ins]
    embedded = [Flatten()(e(i)) for e, i in zip(embeddings, ins)]
    dense_in = Dense(6, activation="relu")
    dense_hidden = Dense(6, activation="relu", init="identity")
    hidden = dense_in(embedded[0])
    for e in embedded[1:]:
        hidden = merge([dense_in(e), dense_hidden(hidden)], mode="sum")
    model = Model(ins, Dense(7, activation="softmax")(hidden))
    x = [np.random.randint(0, 7, size=5) for _ in range(3)]  # 1-D: columns (5, 1), as in Keras 1
    Wi, bi = dense_in.get_weights()
    Wh, bh = dense_hidden.get_weights()
    np.testing.assert_array_equal(Wh, np.eye(6))
    E = [e.get_weights()[0] for e in embeddings]
    h = relu(E[0][x[0]] @ Wi + bi)
    for k in (1, 2):
        h = relu(E[k][x[k]] @ Wi + bi) + relu(h @ Wh + bh)
    Wo, bo = model.layers[-1].get_weights()
    np.testing.assert_allclose(model.predict(x), softmax(h @ Wo + bo), rtol=1e-5, atol=1e-6)
    assert len(dense_in.params) == 2 and len(dense_in.inbound_nodes) == 3  # one layer, three calls


def test_batchnorm_uses_batch_statistics_in_training_and_running_ones_in_prediction():
    np.random.seed(4)
    model = Sequential([BatchNormalization(input_shape=(3, 2)), Activation("linear")])
    model.compile("sgd", "mse")
    x = np.random.normal(2.0, 3.0, size=(8, 3, 2))
    np.testing.assert_allclose(model.predict(x), x / np.sqrt(1 + 1e-3), rtol=1e-5)  # running: mean 0, var 1
    model.optimizer.lr = 0.0
    model.fit(x, x, batch_size=8, nb_epoch=1, verbose=0)
    gamma, beta, mean, var = model.layers[0].get_weights()
    np.testing.assert_allclose(mean, 0.01 * x.mean(axis=(0, 1)), rtol=1e-5)
    np.testing.assert_allclose(var, 0.99 + 0.01 * x.var(axis=(0, 1)), rtol=1e-5)


def test_dropout_acts_in_training_only():
    model = Sequential([Dropout(0.5, input_shape=(100,))])
    x = np.ones((4, 100))
    np.testing.assert_array_equal(model.predict(x), x)
    model.compile("sgd", "mse")
    assert model.evaluate(x, x, verbose=0) == pytest.approx(0.0)
