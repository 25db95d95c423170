import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from cellcheck import np_lstm, np_scan, randomise, values

from symrnn.backends.compile import default_mode
from symrnn.errors import ConfigError
from symrnn.nn.cells import GRU, LSTM, Cell, Stacked
from symrnn.nn.layers import BatchNormalization, Dense, Dropout, Embedding, OneHot, Recurrent, RecurrentDropout
from symrnn.nn.recurrent import scan_cell


def compile_fn(inputs, outputs, updates=None):
    return pytensor.function(inputs, outputs, updates=updates, mode=default_mode())


def test_embedding_equals_one_hot_times_matrix():
    emb = Embedding(7, 3, rng=np.random.default_rng(0), dtype="float64")
    idx = pt.matrix("idx", dtype="int32")
    as_lookup = emb(idx)
    as_product = pt.dot(OneHot(7, dtype="float64")(idx), emb.W)
    indices = np.random.default_rng(1).integers(0, 7, size=(4, 2)).astype("int32")
    looked_up, multiplied = compile_fn([idx], [as_lookup, as_product])(indices)
    assert looked_up.shape == (4, 2, 3)
    np.testing.assert_allclose(looked_up, multiplied, rtol=1e-15)


def test_dense_at_every_step_equals_a_loop_over_steps():
    dense = Dense(4, 3, rng=np.random.default_rng(0), dtype="float64")
    dense.b.set_value(np.array([0.1, -0.2, 0.3]))
    x = pt.tensor3("x", dtype="float64")
    hs = np.random.default_rng(2).normal(size=(5, 2, 4))
    out = compile_fn([x], dense(x))(hs)
    W, b = dense.W.get_value(), dense.b.get_value()
    np.testing.assert_allclose(out, np.stack([h @ W + b for h in hs]), rtol=1e-13)


def test_batchnorm_training_normalises_with_batch_statistics_and_updates_averages():
    bn = BatchNormalization(3, momentum=0.9, dtype="float64")
    bn.gamma.set_value(np.array([1.0, 2.0, 0.5]))
    bn.beta.set_value(np.array([0.0, 1.0, -1.0]))
    x = pt.tensor3("x", dtype="float64")
    normalised, updates = bn(x)
    train = compile_fn([x], normalised, updates=updates)
    xs = np.random.default_rng(3).normal(3.0, 2.0, size=(6, 4, 3))
    y = train(xs)
    mean, var = xs.mean(axis=(0, 1)), xs.var(axis=(0, 1))
    np.testing.assert_allclose(y, (xs - mean) / np.sqrt(var + 1e-3) * [1, 2, 0.5] + [0, 1, -1], rtol=1e-12)
    np.testing.assert_allclose(bn.mean.get_value(), 0.1 * mean, rtol=1e-12)
    np.testing.assert_allclose(bn.var.get_value(), 0.9 + 0.1 * var, rtol=1e-12)


def test_batchnorm_inference_uses_running_averages_and_updates_nothing():
    bn = BatchNormalization(2, dtype="float64")
    bn.mean.set_value(np.array([1.0, -1.0]))
    bn.var.set_value(np.array([4.0, 0.25]))
    x = pt.matrix("x", dtype="float64")
    normalised, updates = bn(x, deterministic=True)
    assert not updates
    predict = compile_fn([x], normalised)
    xs = np.random.default_rng(4).normal(size=(5, 2))
    np.testing.assert_allclose(predict(xs), (xs - [1, -1]) / np.sqrt([4.001, 0.251]), rtol=1e-12)
    np.testing.assert_array_equal(bn.mean.get_value(), [1.0, -1.0])
    assert [p.tag.trainable for p in bn.params] == [True, True, False, False]


def test_dropout_is_identity_when_deterministic_and_fresh_each_training_call():
    drop = Dropout(0.5, seed=1)
    x = pt.matrix("x", dtype="float32")
    ones = np.ones((50, 40), dtype="float32")
    np.testing.assert_array_equal(compile_fn([x], drop(x, deterministic=True)[0])(ones), ones)
    train = compile_fn([x], *drop(x))
    first, second = train(ones), train(ones)
    assert set(np.unique(first)) == {0.0, 2.0}  # kept units are scaled by 1 / (1 − rate)
    assert 0.4 < (first == 0).mean() < 0.6
    assert (first != second).any()


def test_dropout_rates_are_validated():
    with pytest.raises(ConfigError, match="rate"):
        Dropout(1.0)
    with pytest.raises(ConfigError, match="recurrent dropout"):
        RecurrentDropout(0.2, -0.1)


class Accumulator(Cell):
    """h' = h + x, no parameters: what its states hold shows which masks reached the step."""

    def step(self, x, h):
        return h + x


def test_recurrent_dropout_draws_one_mask_per_sequence_and_reuses_it_at_every_step():
    cell = Accumulator(6, 6, dtype="float64")
    layer = Recurrent(cell, dropout=RecurrentDropout(0.5, 0.5, seed=3))
    x = pt.tensor3("x", dtype="float64")
    outputs, _, updates = layer(x)
    train = compile_fn([x], outputs, updates=updates)
    out = train(np.ones((4, 30, 6)))
    x_mask = out[0]                                  # h1 = m_h⊙0 + m_x⊙1
    h_mask = (out[1] - x_mask) / np.where(x_mask, x_mask, 1)  # h2 = m_h⊙h1 + m_x
    assert set(np.unique(x_mask)) == {0.0, 2.0}
    assert set(np.unique(h_mask[x_mask > 0])) == {0.0, 2.0}
    for t in range(1, 4):  # the same two masks at every step
        np.testing.assert_allclose(out[t], h_mask * out[t - 1] + x_mask)
    assert len({tuple(row) for row in x_mask}) > 1  # one mask per sequence, not per batch
    assert (train(np.ones((4, 30, 6)))[0] != x_mask).any()  # a new draw at the next call


def test_recurrent_dropout_is_identity_in_deterministic_graphs():
    cell = randomise(GRU(3, 4, dtype="float64"), seed=1)
    layer = Recurrent(cell, dropout=RecurrentDropout(0.5, 0.5))
    x = pt.tensor3("x", dtype="float64")
    xs = np.random.default_rng(5).normal(size=(5, 2, 3))
    predicted = compile_fn([x], layer(x, deterministic=True)[0])(xs)
    plain = compile_fn([x], scan_cell(cell, x)[0])(xs)
    np.testing.assert_array_equal(predicted, plain)
    outputs, _, updates = layer(x)
    trained = compile_fn([x], outputs, updates=updates)(xs)
    assert not np.allclose(trained, plain)


def masks_for(cell, seed, B):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 2, size=(B, n)) * 2.0 for pair in cell.dropout_sizes() for n in pair]


def run_dropped(cell, xs, masks):
    out, final = scan_cell(cell, pt.constant(xs), dropout_masks=[pt.constant(m) for m in masks])
    return compile_fn([], [out, *final])()


def test_gru_dropout_masks_the_matmul_inputs_but_carries_the_whole_state():
    cell = randomise(GRU(3, 4, dtype="float64"), seed=2)
    xs = np.random.default_rng(6).normal(size=(5, 2, 3))
    x_mask, h_mask = masks_for(cell, 7, 2)
    p = values(cell)

    def dropped_gru(p, x, h):  # the GRU equations with x and the matmuls' h dropped
        r = 1 / (1 + np.exp(-((x * x_mask) @ p["W_xr"] + (h * h_mask) @ p["W_hr"] + p["b_r"])))
        z = 1 / (1 + np.exp(-((x * x_mask) @ p["W_xz"] + (h * h_mask) @ p["W_hz"] + p["b_z"])))
        h_hat = np.tanh((x * x_mask) @ p["W_xh"] + (r * h * h_mask) @ p["W_hh"] + p["b_h"])
        return (z * h_hat + (1 - z) * h,)

    out, _ = run_dropped(cell, xs, [x_mask, h_mask])
    np.testing.assert_allclose(out, np_scan(dropped_gru, p, xs, [np.zeros((2, 4))])[0], rtol=1e-12)


def test_lstm_dropout_masks_x_and_h_but_not_the_memory():
    cell = randomise(LSTM(3, 4, dtype="float64"), seed=3)
    xs = np.random.default_rng(8).normal(size=(5, 2, 3))
    x_mask, h_mask = masks_for(cell, 9, 2)

    def dropped_lstm(p, x, h, c):
        return np_lstm(p, x * x_mask, h * h_mask, c)

    out, *final = run_dropped(cell, xs, [x_mask, h_mask])
    expected, expected_final = np_scan(dropped_lstm, values(cell), xs, [np.zeros((2, 4))] * 2)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(final[1], expected_final[1], rtol=1e-12)


def test_stacked_dropout_masks_every_layer_input_and_output_state():
    lower, upper = randomise(GRU(3, 4, dtype="float64"), 4), randomise(LSTM(4, 2, dtype="float64"), 5)
    stack = Stacked([lower, upper])
    assert stack.dropout_sizes() == [(3, 4), (4, 2)]
    xs = np.random.default_rng(10).normal(size=(4, 2, 3))
    masks = masks_for(stack, 11, 2)
    out, *_ = run_dropped(stack, xs, masks)
    h1, _ = run_dropped(lower, xs, masks[:2])
    expected, *_ = run_dropped(upper, h1, masks[2:])
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_return_sequences_false_gives_each_sequences_last_real_output():
    cell = randomise(GRU(3, 4, dtype="float64"), seed=6)
    x, m = pt.tensor3("x", dtype="float64"), pt.matrix("m", dtype="float64")
    every, _, _ = Recurrent(cell)(x, mask=m)
    last, _, _ = Recurrent(cell, return_sequences=False)(x, mask=m)
    xs = np.random.default_rng(12).normal(size=(5, 2, 3))
    mask = np.ones((5, 2))
    mask[3:, 1] = 0
    every, last = compile_fn([x, m], [every, last])(xs, mask)
    assert last.shape == (2, 4)
    np.testing.assert_allclose(last, [every[4, 0], every[2, 1]], rtol=1e-15)


def test_learned_initial_state_is_broadcast_and_gets_a_gradient():
    cell = randomise(LSTM(3, 4, dtype="float64"), seed=7)
    layer = Recurrent(cell, learn_initial_state=True)
    h0, c0 = layer.initial_states
    assert layer.params[-2:] == [h0, c0] and h0.name == "h0" and h0.tag.trainable
    h0.set_value(np.linspace(-1, 1, 4))
    x = pt.tensor3("x", dtype="float64")
    xs = np.random.default_rng(13).normal(size=(5, 2, 3))
    outputs, _, _ = layer(x)
    loss = (outputs[-1] ** 2).sum()
    out, g_h0 = compile_fn([x], [outputs, pytensor.grad(loss, h0)])(xs)
    tiled = compile_fn([x], scan_cell(cell, x, [pt.constant(np.tile(np.linspace(-1, 1, 4), (2, 1))),
                                                pt.constant(np.zeros((2, 4)))])[0])(xs)
    np.testing.assert_allclose(out, tiled, rtol=1e-13)
    assert g_h0.shape == (4,) and np.abs(g_h0).min() > 0


def _bidirectional(merge_mode, dtype="float64"):
    from symrnn.nn.cells import GRU
    from symrnn.nn.layers import Bidirectional, Recurrent

    rng = np.random.default_rng(3)
    forward = Recurrent(GRU(3, 4, dtype=dtype, rng=rng))
    backward = Recurrent(GRU(3, 4, dtype=dtype, rng=rng))
    return Bidirectional(forward, backward, merge_mode)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave"])
def test_bidirectional_merges_a_forward_scan_with_a_backward_one(merge_mode):
    from cellcheck import run

    layer = _bidirectional(merge_mode)
    xs = np.random.default_rng(0).normal(size=(5, 2, 3))
    mask = np.ones((5, 2))
    mask[3:, 1] = 0  # the second sequence is 3 steps long
    x, m = pt.tensor3("x", dtype="float64"), pt.matrix("m", dtype="float64")
    out, _, _ = layer(x, mask=m)
    got = pytensor.function([x, m], out, mode=default_mode())(xs, mask)
    fwd, _ = run(layer.forward.cell, xs, mask=mask)
    # the backward direction of each sequence reads its real steps from the last one
    bwd = np.zeros_like(fwd)
    for b, length in enumerate([5, 3]):
        rev, _ = run(layer.backward.cell, xs[:length, b:b + 1][::-1])
        bwd[:length, b] = rev[::-1, 0]
        # its padding comes first, and carries the zero initial state through
    merged = {"concat": np.concatenate([fwd, bwd], -1), "sum": fwd + bwd, "mul": fwd * bwd,
              "ave": (fwd + bwd) / 2}[merge_mode]
    np.testing.assert_allclose(got, merged, rtol=1e-10, atol=1e-12)


def test_bidirectional_gradients_equal_finite_differences():
    layer = _bidirectional("concat")
    rng = np.random.default_rng(1)
    xs, weights = rng.normal(size=(4, 2, 3)), rng.normal(size=(4, 2, 8))
    x = pt.tensor3("x", dtype="float64")
    out, _, _ = layer(x)
    loss = (out * weights).sum()
    params = layer.params
    grads = pytensor.function([x], pytensor.grad(loss, params), mode=default_mode())(xs)
    value = pytensor.function([x], loss, mode=default_mode())
    eps = 1e-6
    for p, g in zip(params, grads):
        w = p.get_value()
        for index in [tuple(rng.integers(0, s) for s in w.shape) for _ in range(3)]:
            bumped = w.copy()
            bumped[index] += eps
            p.set_value(bumped)
            up = value(xs)
            bumped[index] -= 2 * eps
            p.set_value(bumped)
            down = value(xs)
            p.set_value(w)
            numeric = (up - down) / (2 * eps)
            assert abs(numeric - g[index]) <= 1e-6 * max(1.0, abs(numeric)), (p.name, index, numeric, g[index])


def test_bidirectional_refuses_unknown_merge_modes_and_mixed_return_sequences():
    from symrnn.errors import ConfigError
    from symrnn.nn.cells import GRU
    from symrnn.nn.layers import Bidirectional, Recurrent

    with pytest.raises(ConfigError, match="merge_mode"):
        _bidirectional("max")
    rng = np.random.default_rng(0)
    with pytest.raises(ConfigError, match="return_sequences"):
        Bidirectional(Recurrent(GRU(2, 2, rng=rng)), Recurrent(GRU(2, 2, rng=rng), return_sequences=False))
