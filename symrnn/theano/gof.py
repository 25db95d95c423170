"""``theano.gof``: graph classes, and ``Op`` taking a Theano-style Op to PyTensor's API.

A Theano Op defines ``make_node``, ``perform(node, inputs, output_storage)`` and optionally
``grad(inputs, output_grads)``, ``R_op(inputs, eval_points)`` and ``infer_shape(node,
input_shapes)``. PyTensor >= 3.3 asks for ``pullback``/``pushforward`` and calls
``infer_shape(node, shapes)``; PyTensor 3.0 calls ``infer_shape(fgraph, node, shapes)``.
:class:`Op` maps each of Theano's methods onto the API of the installed PyTensor.
"""

import inspect

import pytensor.graph
import pytensor.graph.basic as graph
from pytensor.gradient import DisconnectedType, disconnected_type
from pytensor.graph.basic import Apply, Constant, Variable
from pytensor.graph.fg import FunctionGraph
from pytensor.graph.op import Op as PyTensorOp
from pytensor.graph.type import Type
from pytensor.raise_op import Assert
from pytensor.tensor.elemwise import Elemwise

from symrnn.theano._missing import missing_names

__all__ = ["Apply", "Assert", "Constant", "FunctionGraph", "Op", "Type", "Variable", "graph"]

INFER_SHAPE_TAKES_FGRAPH = "fgraph" in inspect.signature(Elemwise.infer_shape).parameters


class Op(PyTensorOp):
    """``theano.Op``: subclass it as in Theano (``__props__``, ``make_node``, ``perform``, ``grad``)."""

    def __init_subclass__(cls, **kwargs):
        theano_infer_shape = cls.__dict__.get("infer_shape")
        takes_node_and_shapes = (
            theano_infer_shape is not None and len(inspect.signature(theano_infer_shape).parameters) == 3
        )
        if takes_node_and_shapes and INFER_SHAPE_TAKES_FGRAPH:
            def infer_shape(self, fgraph, node, input_shapes):
                return theano_infer_shape(self, node, input_shapes)

            cls.infer_shape = infer_shape
        super().__init_subclass__(**kwargs)

    def pullback(self, inputs, outputs, cotangents):
        """PyTensor's name for the vector-Jacobian product: Theano's ``L_op``, which calls ``grad``."""
        return self.L_op(inputs, outputs, cotangents)

    def L_op(self, inputs, outputs, output_grads):
        """Theano's default: ``grad(inputs, output_grads)``."""
        return self.grad(inputs, output_grads)

    def grad(self, inputs, output_grads):
        raise NotImplementedError(f"{type(self).__name__} defines no grad")

    def pushforward(self, inputs, outputs, tangents):
        """PyTensor's name for the Jacobian-vector product: Theano's ``R_op``."""
        eval_points = [None if isinstance(t.type, DisconnectedType) else t for t in tangents]
        return [disconnected_type() if r is None else r for r in self.R_op(inputs, eval_points)]

    def R_op(self, inputs, eval_points):
        raise NotImplementedError(f"{type(self).__name__} defines no R_op")


__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.gof", pytensor.graph)
