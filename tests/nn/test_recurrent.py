import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from symrnn.backends.compile import default_mode
from symrnn.errors import ConfigError, DtypeError, ShapeError
from symrnn.nn.cells import Cell, SimpleRNN
from symrnn.nn.recurrent import scan_cell


def numpy_rnn(x, h, cell, act):
    """The lesson's step, in NumPy, looped over time: x (T, B, n_in), h (B, H)."""
    p = {v.name: v.get_value() for v in cell.params}
    hs = []
    for x_t in x:
        h = act(x_t @ p["W_x"] + p["b_x"] + h @ p["W_h"] + p["b_h"])
        hs.append(h)
    return np.stack(hs), h


ACTS = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}


def random_cell(activation="relu", n_in=5, n_hidden=4, seed=0):
    cell = SimpleRNN(n_in, n_hidden, activation, dtype="float64", seed=seed)
    rng = np.random.default_rng(seed + 1)
    for p in cell.params:  # non-trivial weights and biases
        p.set_value(rng.normal(0, 0.5, size=p.get_value().shape))
    return cell


def compile_scan(cell, ndim=3, **kwargs):
    x = pt.tensor("x", dtype="float64", shape=(None,) * ndim)
    h0 = pt.tensor("h0", dtype="float64", shape=(None,) * (ndim - 1))
    out, final = scan_cell(cell, x, [h0], **kwargs)
    return pytensor.function([x, h0], [out, final[0]], mode=default_mode())


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_one_step_equals_numpy(activation):
    cell = random_cell(activation)
    rng = np.random.default_rng(5)
    x, h0 = rng.normal(size=(1, 3, 5)), rng.normal(size=(3, 4))
    out, final = compile_scan(cell)(x, h0)
    expected, _ = numpy_rnn(x, h0, cell, ACTS[activation])
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(final, expected[-1], rtol=1e-12)


@pytest.mark.parametrize("T,B", [(1, 1), (6, 3), (9, 2)])
def test_sequence_batch_equals_numpy_loop(T, B):
    cell = random_cell("tanh")
    rng = np.random.default_rng(T * 10 + B)
    x, h0 = rng.normal(size=(T, B, 5)), rng.normal(size=(B, 4))
    out, final = compile_scan(cell)(x, h0)
    expected, expected_final = numpy_rnn(x, h0, cell, np.tanh)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(final, expected_final, rtol=1e-12)


def test_single_sequence_without_batch_axis():
    cell = random_cell("tanh")
    rng = np.random.default_rng(3)
    x, h0 = rng.normal(size=(4, 5)), rng.normal(size=(4,))
    out, _ = compile_scan(cell, ndim=2)(x, h0)
    expected, _ = numpy_rnn(x[:, None], h0[None], cell, np.tanh)
    np.testing.assert_allclose(out, expected[:, 0], rtol=1e-12)


def test_backwards_equals_forward_on_reversed_input():
    cell = random_cell("tanh")
    rng = np.random.default_rng(4)
    x, h0 = rng.normal(size=(5, 2, 5)), rng.normal(size=(2, 4))
    back, back_final = compile_scan(cell, go_backwards=True)(x, h0)
    fwd, fwd_final = compile_scan(cell)(x[::-1], h0)
    np.testing.assert_allclose(back, fwd[::-1], rtol=1e-12)  # outputs come back in input order
    np.testing.assert_allclose(back_final, fwd_final, rtol=1e-12)


def test_masked_steps_leave_the_state_unchanged():
    cell = random_cell("tanh")
    x = pt.tensor3("x", dtype="float64")
    m = pt.matrix("m", dtype="float64")
    out, final = scan_cell(cell, x, mask=m)
    fn = pytensor.function([x, m], [out, final[0]], mode=default_mode())
    rng = np.random.default_rng(6)
    xs = rng.normal(size=(5, 2, 5))
    mask = np.array([[1, 1], [1, 1], [1, 0], [1, 0], [1, 0]], dtype="float64")  # row 1 has length 2
    out, final = fn(xs, mask)
    short, short_final = compile_scan(cell)(xs[:2, 1:], np.zeros((1, 4)))
    np.testing.assert_allclose(final[1], short_final[0], rtol=1e-12)
    np.testing.assert_allclose(out[2:, 1], np.repeat(short[-1], 3, axis=0), rtol=1e-12)


def test_wrong_initial_state_count_and_dtype():
    cell = random_cell()
    x = pt.tensor3("x", dtype="float64")
    with pytest.raises(ShapeError, match="initial states"):
        scan_cell(cell, x, [pt.matrix(dtype="float64"), pt.matrix(dtype="float64")])
    with pytest.raises(DtypeError, match="float32"):
        scan_cell(cell, x, [pt.matrix(dtype="float32")])


class Upcasting(Cell):
    """A cell whose step multiplies by a float64 constant: the classic silent upcast."""

    def __init__(self, n_in, n_hidden, **kw):
        super().__init__(n_in, n_hidden, **kw)
        self.add_param("W", (n_in, n_hidden), lambda rng, s, d: np.ones(s, d))

    def step(self, x, h, W):
        return pt.dot(x, W) * np.float64(0.5) + h


def test_upcast_in_step_is_named():
    cell = Upcasting(3, 2, dtype="float32")
    with pytest.raises(DtypeError, match="state 'h' as float64"):
        scan_cell(cell, pt.tensor3("x", dtype="float32"))


class Misnamed(Cell):
    def __init__(self, n_in, n_hidden, **kw):
        super().__init__(n_in, n_hidden, **kw)
        self.add_param("W_x", (n_in, n_hidden), lambda rng, s, d: np.ones(s, d))
        self.add_param("W_h", (n_hidden, n_hidden), lambda rng, s, d: np.ones(s, d))

    def step(self, x, h, W_h, W_x):  # parameters in the wrong order
        return pt.dot(x, W_x) + pt.dot(h, W_h)


class MisnamedPrecompute(Misnamed):
    def precompute_input(self, x, W_h, W_x):  # parameters in the wrong order
        return pt.dot(x, W_x)

    def step(self, xw, h, W_x, W_h):
        return xw + pt.dot(h, W_h)


def test_step_signature_is_checked():
    with pytest.raises(ConfigError, match=r"step must take \(x, h, W_x, W_h\)"):
        scan_cell(Misnamed(3, 2, dtype="float64"), pt.tensor3("x", dtype="float64"))
    with pytest.raises(ConfigError, match=r"precompute_input must take \(x, W_x, W_h\)"):
        scan_cell(MisnamedPrecompute(3, 2, dtype="float64"), pt.tensor3("x", dtype="float64"))


def test_cell_sizes_are_validated():
    with pytest.raises(ConfigError, match="n_hidden"):
        SimpleRNN(3, 0)
    with pytest.raises(ConfigError, match="activation"):
        SimpleRNN(3, 2, "softplus")


def inner_dots(outputs):
    """The number of matrix products inside each scan that ``outputs`` depend on (looking inside
    the ``OpFromGraph`` that ``symrnn.nn.bptt`` wraps a scan in)."""
    from pytensor.compile.builders import OpFromGraph
    from pytensor.graph.traversal import applys_between, graph_inputs
    from pytensor.scan.op import Scan
    from pytensor.tensor.math import Dot

    def scans(variables):
        for node in applys_between(list(graph_inputs(variables)), variables):
            if isinstance(node.op, Scan):
                yield node
            elif isinstance(node.op, OpFromGraph):
                yield from scans(node.op.inner_outputs)

    return [sum(isinstance(node.op, Dot) for node in scan.op.fgraph.apply_nodes) for scan in scans([outputs])]


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_built_in_cells_multiply_the_input_before_the_loop(kind):
    from symrnn.nn.cells import make_cell

    cell = make_cell(kind, 5, 4, dtype="float64", rng=np.random.default_rng(0))
    out, _ = scan_cell(cell, pt.tensor3("x", dtype="float64"))
    recurrent_products = {"rnn": 1, "gru": 3, "lstm": 1}[kind]  # h·W_h only (GRU: one per gate)
    assert inner_dots(out) == [recurrent_products]


def test_a_stack_is_scanned_layer_by_layer():
    from symrnn.nn.cells import LSTM, Stacked

    stack = Stacked([LSTM(5, 4, dtype="float64"), LSTM(4, 3, dtype="float64")])
    out, _ = scan_cell(stack, pt.tensor3("x", dtype="float64"))
    assert inner_dots(out) == [1, 1]
