"""The gates' gradient as one join: the rewrite fires where the blocks tile the last axis, and only there."""
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.graph.rewriting.utils import rewrite_graph
from pytensor.graph.traversal import applys_between
from pytensor.tensor.basic import Join
from pytensor.tensor.subtensor import IncSubtensor

from symrnn.nn import bptt, cells
from symrnn.nn.join_blocks import join_tiling_blocks


def op_names(inputs, outputs):
    return {type(node.op) for node in applys_between(inputs, outputs)}


def gradient_of_blocks(spans, base="zeros"):
    """x (3, 8); y = Σ_k w_k · tanh(x[:, span_k]) (each span weighted differently); returns (x, dy/dx)."""
    x = pt.matrix("x", dtype="float64")
    y = sum((k + 1.0) * pt.tanh(x[:, a:b]).sum() for k, (a, b) in enumerate(spans))
    if base == "x":  # the blocks' gradients added to x's own gradient, not written into zeros
        y = y + 0.5 * (x ** 2).sum()
    return x, rewrite_graph(pytensor.grad(y, x), include=("canonicalize",), clone=True)


@pytest.mark.parametrize("spans", [[(0, 2), (2, 5), (5, None)], [(5, None), (0, 2), (2, 5)], [(0, 4), (4, None)]])
def test_blocks_that_tile_the_last_axis_become_one_join(spans):
    x, grad = gradient_of_blocks(spans)
    assert IncSubtensor in op_names([x], [grad])
    joined = rewrite_graph(grad, custom_rewrite=join_tiling_blocks, clone=True, include=())
    assert Join in op_names([x], [joined]) and IncSubtensor not in op_names([x], [joined])
    value = np.random.default_rng(0).normal(size=(3, 8))
    np.testing.assert_allclose(pytensor.function([x], joined, mode="FAST_COMPILE")(value),
                               pytensor.function([x], grad, mode="FAST_COMPILE")(value), rtol=0, atol=0)


@pytest.mark.parametrize("spans,base", [
    ([(0, 2), (3, None)], "zeros"),          # a gap: column 2 stays zero
    ([(0, 3), (2, None)], "zeros"),          # overlapping blocks add up
    ([(1, 4), (4, None)], "zeros"),          # not from column 0
    ([(0, 2), (2, 6)], "zeros"),             # not to the end
    ([(0, 2), (2, None)], "x"),              # added to x's own gradient, not written into zeros
])
def test_anything_else_is_left_alone(spans, base):
    x, grad = gradient_of_blocks(spans, base)
    joined = rewrite_graph(grad, custom_rewrite=join_tiling_blocks, clone=True, include=())
    assert IncSubtensor in op_names([x], [joined])
    value = np.random.default_rng(1).normal(size=(3, 8))
    np.testing.assert_allclose(pytensor.function([x], joined, mode="FAST_COMPILE")(value),
                               pytensor.function([x], grad, mode="FAST_COMPILE")(value), rtol=0, atol=0)


def test_an_lstms_one_step_gradient_joins_its_four_gates():
    cell = cells.LSTM(3, 4, dtype="float64")
    xw = cell.precompute_input(pt.tensor3("x", dtype="float64"), *cell.params)
    one_step = bptt.OneStep(cell.step, [xw], [pt.matrix("h0", dtype="float64"), pt.matrix("c0", dtype="float64")],
                            cell.params)
    d_h = one_step.grads[one_step.states_tm1[0]]
    joins = [node for node in applys_between(one_step.stand_ins + one_step.cotangents, [d_h])
             if isinstance(node.op, Join)]
    assert [sum(block.ndim == 2 for block in node.inputs) for node in joins] == [4]  # (PyTensor 3.0: axis an input)
    assert IncSubtensor not in op_names(one_step.stand_ins + one_step.cotangents, [d_h])
