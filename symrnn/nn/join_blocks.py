"""The gradient of a gates matrix as one ``join`` of its blocks, not four writes into zeros.

A cell slices its gates out of one product: ``i = σ(gates[:, :H])``, ``f = σ(gates[:, H:2H])``
…. ``pytensor.grad`` of a slice is the slice's gradient written into a zero matrix of the
whole's shape (``IncSubtensor``), so the gates' gradient becomes a chain of one such write per
gate, each a pass over the (B, 4H) matrix:

    inc(inc(inc(inc(zeros, d_g, [:, 2H:3H]), d_i, [:, :H]), d_f, [:, H:2H]), d_o, [:, 3H:])

When the blocks tile the last axis, from 0 to its end, that chain is ``join(-1, d_i, d_f, d_g,
d_o)``: the same values, one pass (XLA fuses it with the gates' math). ``join_tiling_blocks`` makes
that replacement in a graph; ``symrnn.nn.bptt`` applies it to every cell's one-step gradient.
"""
import pytensor.scalar as ps
import pytensor.tensor as pt
from pytensor.graph.rewriting.basic import in2out, node_rewriter
from pytensor.tensor.basic import Alloc
from pytensor.tensor.elemwise import Elemwise
from pytensor.tensor.exceptions import NotScalarConstantError
from pytensor.tensor.subtensor import IncSubtensor, indices_from_subtensor


@node_rewriter([IncSubtensor])
def _join_tiling_blocks(fgraph, node):
    """``IncSubtensor`` chain on zeros whose ``[..., a:b]`` blocks tile the last axis → ``join``."""
    blocks, var = [], node.outputs[0]
    while var.owner is not None and isinstance(var.owner.op, IncSubtensor):
        whole, value, *bounds = var.owner.inputs
        span = _last_axis_span(indices_from_subtensor(bounds, var.owner.op.idx_list), var.ndim)
        if span is None or value.type.broadcastable != var.type.broadcastable:
            return None
        blocks.append((span, value))
        var = whole
    if not _is_zeros(var):
        return None
    blocks.sort(key=lambda block: block[0][0])
    spans = [span for span, _ in blocks]
    tiles = (spans[0][0] == 0 and spans[-1][1] is None
             and all(stop == next_start for (_, stop), (next_start, _) in zip(spans, spans[1:])))
    if not tiles or len(blocks) < 2:
        return None
    return [pt.join(var.ndim - 1, *(value for _, value in blocks))]


def _last_axis_span(indices, ndim):
    """(start, stop) of an index ``[:, …, :, a:b]`` with constant a and b (stop None: to the end), else None."""
    if len(indices) != ndim or any(index != slice(None) for index in indices[:-1]):
        return None
    last = indices[-1]
    if not isinstance(last, slice) or last.step is not None:
        return None
    try:
        start = 0 if last.start is None else int(pt.get_underlying_scalar_constant_value(last.start))
        stop = None if last.stop is None else int(pt.get_underlying_scalar_constant_value(last.stop))
    except NotScalarConstantError:
        return None
    if start < 0 or (stop is not None and stop <= start):
        return None
    return start, stop


def _is_zeros(var):
    """Whether ``var`` is a tensor of zeros: ``zeros_like`` (``second(x, 0)``) or ``alloc(0, …)``."""
    owner = var.owner
    if owner is None:
        return False
    if isinstance(owner.op, Elemwise) and isinstance(owner.op.scalar_op, ps.Second):
        filler = owner.inputs[1]
    elif isinstance(owner.op, Alloc):
        filler = owner.inputs[0]
    else:
        return False
    try:
        return pt.get_underlying_scalar_constant_value(filler) == 0
    except NotScalarConstantError:
        return False


join_tiling_blocks = in2out(_join_tiling_blocks, name="join_tiling_blocks")
