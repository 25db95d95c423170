"""``theano.compile.ops.as_op``: a Python function as an Op, with Theano's ``infer_shape(node, shapes)``."""

import pytensor.compile.ops

from symrnn.theano._missing import missing_names
from symrnn.theano.gof import INFER_SHAPE_TAKES_FGRAPH

__all__ = ["as_op"]


def as_op(itypes, otypes, infer_shape=None):
    """Decorator: ``@as_op(itypes=[T.dmatrix], otypes=[T.dmatrix])`` on a NumPy function makes an Op.

    The Op has no gradient, as in Theano; ``infer_shape(node, input_shapes)`` is optional.
    """
    if infer_shape is not None and INFER_SHAPE_TAKES_FGRAPH:
        theano_infer_shape = infer_shape

        def infer_shape(fgraph, node, input_shapes):
            return theano_infer_shape(node, input_shapes)

    return pytensor.compile.ops.wrap_py(itypes, otypes, infer_shape)


__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.compile.ops", pytensor.compile.ops)
