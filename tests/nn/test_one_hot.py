"""One-hot rows times a weight matrix become a row lookup, with the same values and gradients."""
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.graph.traversal import ancestors

from symrnn.nn.cells import LSTM, SimpleRNN
from symrnn.nn.layers import OneHot
from symrnn.nn.one_hot import lookup_one_hot_products
from symrnn.nn.recurrent import scan_cell

V, H = 7, 4


def ops(variable):
    return {type(v.owner.op).__name__ for v in ancestors([variable]) if v.owner is not None}


def one_hot_products(variable):
    """The products in ``variable``'s graph (outside any scan) with a one-hot operand."""
    return [v for v in ancestors([variable]) if v.owner is not None and type(v.owner.op).__name__ == "Dot"
            and any("Eye" in ops(operand) for operand in v.owner.inputs)]


def test_a_one_hot_product_becomes_a_lookup_with_the_same_values_and_gradient():
    indices = pt.matrix("indices", dtype="int32")
    W = pytensor.shared(np.random.default_rng(0).normal(size=(V, H)), name="W_x")
    product = pt.dot(OneHot(V, dtype="float64")(indices), W)  # (T, B, H), as a cell's precompute_input
    lookup = lookup_one_hot_products(product)
    assert one_hot_products(product) and not one_hot_products(lookup)
    weighting = np.random.default_rng(1).normal(size=(5, 3, H))  # a loss that weights every output
    gradients = [pytensor.grad((y * weighting).sum(), W) for y in (product, lookup)]
    fn = pytensor.function([indices], [product, lookup, *gradients], mode="FAST_COMPILE")
    ids = np.random.default_rng(2).integers(0, V, size=(5, 3)).astype("int32")  # 15 > V: rows repeat
    multiplied, looked_up, grad_product, grad_lookup = fn(ids)
    only_lookup = pytensor.function([indices], [lookup, gradients[1]], mode="FAST_COMPILE")
    assert not {"Eye", "Dot"} & {type(node.op).__name__ for node in only_lookup.maker.fgraph.toposort()}
    np.testing.assert_array_equal(looked_up, multiplied)
    assert np.max(np.abs(grad_lookup - grad_product) / np.maximum(np.abs(grad_product), 1e-300)) < 1e-12


def _masked(one_hot, W):
    return pt.dot(one_hot * np.float64(0.5), W)


def _shifted(one_hot, W):
    return pt.dot(pt.eye(V, k=1, dtype="float64")[one_hot.owner.inputs[1]], W)


def _wider_result(one_hot, W):
    return pt.dot(one_hot, pt.cast(W, "float32"))  # float64 rows · float32 weights: a float64 product


@pytest.mark.parametrize("build", [_masked, _shifted, _wider_result])
def test_anything_but_exact_one_hot_rows_stays_a_product(build):
    indices = pt.matrix("indices", dtype="int32")
    W = pt.matrix("W", dtype="float64")
    product = build(OneHot(V, dtype="float64")(indices), W)
    assert lookup_one_hot_products(product) is product


@pytest.mark.parametrize("cell_class", [SimpleRNN, LSTM])
def test_scan_cell_reads_one_hot_inputs_by_lookup(cell_class):
    cell = cell_class(V, H, dtype="float64", rng=np.random.default_rng(0))
    indices = pt.matrix("indices", dtype="int32")
    outputs, _ = scan_cell(cell, OneHot(V, dtype="float64")(indices))
    assert not one_hot_products(outputs)
