"""A one-hot matrix times a weight matrix, computed as the row lookup it is.

The lesson feeds its RNN one-hot rows (``OneHot``: ``eye(V)[i]``), and a cell's ``precompute_input``
multiplies them by ``W_x``. Row i of ``eye(V)`` times ``W_x`` is row i of ``W_x``: as a product it
costs 2·V·H FLOPs a character, and as much again for ``W_x``'s gradient; as a lookup,
``W_x[i]``, it copies one row, and its gradient (PyTensor's) adds each row's gradient into row i.
``lookup_one_hot_products`` makes that change in the graph ``scan_cell`` builds, before
``pytensor.grad`` sees it, so a model is still written, and read, as the lesson's one-hot product.
Only exact one-hot rows qualify: ``eye(V)[indices]`` itself, reshaped to (N, V) rows; a masked or
scaled one-hot (input dropout) stays a product. The two compute the same numbers, the gradient up
to the order of its sums (tests/nn/test_one_hot.py); docs/performance.md has what it saves.
"""
from pytensor.graph.basic import Constant
from pytensor.graph.replace import graph_replace
from pytensor.graph.traversal import ancestors
from pytensor.tensor.basic import Eye
from pytensor.tensor.math import Dot
from pytensor.tensor.shape import Reshape
from pytensor.tensor.subtensor import AdvancedSubtensor


def lookup_one_hot_products(variable):
    """``variable``'s graph with every (N, V) one-hot rows · (V, H) product replaced by a lookup."""
    lookups = {v: lookup for v in ancestors([variable])
               if v.owner is not None and (lookup := _as_lookup(v.owner)) is not None}
    return graph_replace(variable, lookups, strict=False) if lookups else variable


def _as_lookup(node):
    """``weights[indices.flatten()]`` if ``node`` is ``dot(reshape(eye(V)[indices], (N, V)), weights)``, else None."""
    if not isinstance(node.op, Dot):
        return None
    rows, weights = node.inputs
    if rows.owner is None or not isinstance(rows.owner.op, Reshape) or rows.ndim != 2:
        return None
    one_hot = rows.owner.inputs[0]
    if one_hot.owner is None or not isinstance(one_hot.owner.op, AdvancedSubtensor) or len(one_hot.owner.inputs) != 2:
        return None
    eye, indices = one_hot.owner.inputs
    if eye.owner is None or not isinstance(eye.owner.op, Eye) or not all(isinstance(v, Constant)
                                                                       for v in eye.owner.inputs):
        return None
    n_rows, n_columns, diagonal = (int(v.data) for v in eye.owner.inputs)
    one_row_per_index = indices.dtype.startswith(("int", "uint")) and one_hot.ndim == indices.ndim + 1
    if not (one_row_per_index and n_rows == n_columns == rows.type.shape[1] and diagonal == 0
            and weights.ndim == 2 and node.outputs[0].dtype == weights.dtype):
        return None
    return weights[indices.flatten()]
