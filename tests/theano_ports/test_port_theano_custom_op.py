"""Custom Ops as Theano's "Creating a new Op" tutorial writes them.

Ported from https://github.com/Theano/Theano, doc/extending/extending_theano.txt (the
``DoubleOp`` example with ``grad``, ``R_op`` and ``infer_shape``, and the ``as_op`` example).
Licence: BSD 3-Clause, Copyright (c) 2008-2019 Theano Development Team.

Edits: imports (``theano`` -> ``symrnn.theano``); the tutorial's prints and
``theano.gradient.verify_grad`` become asserts against NumPy and a float64 finite-difference
check (relative error below 1e-7).
"""

import numpy as np

import symrnn.theano as theano
import symrnn.theano.tensor as T
from symrnn.theano.compile.ops import as_op


class DoubleOp(theano.Op):
    __props__ = ()

    def make_node(self, x):
        x = theano.tensor.as_tensor_variable(x)
        # Note: using x_.type() is dangerous, as it copies x's broadcasting
        # behaviour
        return theano.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        z = output_storage[0]
        z[0] = x * 2

    def infer_shape(self, node, i0_shapes):
        return i0_shapes

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2]

    def R_op(self, inputs, eval_points):
        # R_op can receive None as eval_points.
        # That mean there is no diferientiable path through that input
        # If this imply that you cannot compute some outputs,
        # return None for those.
        if eval_points[0] is None:
            return eval_points
        return self.grad(inputs, eval_points)


def test_double_op_computes_and_differentiates():
    doubleOp = DoubleOp()
    x = theano.tensor.matrix()
    f = theano.function([x], doubleOp(x))

    inp = np.random.rand(5, 4).astype(theano.config.floatX)
    out = f(inp)
    np.testing.assert_allclose(inp * 2, out)

    xd = T.dmatrix()
    cost = (doubleOp(xd) ** 2).sum()
    grad = theano.function([xd], T.grad(cost, xd))
    value = np.random.RandomState(0).rand(3, 2)
    analytic = grad(value)
    np.testing.assert_allclose(analytic, 8 * value, rtol=1e-12)  # d/dx (2x)^2 = 8x

    f_cost = theano.function([xd], cost)
    numeric = np.zeros_like(value)
    eps = 1e-6
    for i in np.ndindex(value.shape):
        step = np.zeros_like(value)
        step[i] = eps
        numeric[i] = (f_cost(value + step) - f_cost(value - step)) / (2 * eps)
    assert np.abs(numeric - analytic).max() / np.abs(analytic).max() < 1e-7


def test_double_op_r_op_and_infer_shape():
    x = T.dmatrix()
    v = T.dmatrix()
    jvp = theano.function([x, v], T.Rop(DoubleOp()(x), x, v), on_unused_input="ignore")  # edit: x only sets shapes
    value = np.ones((2, 3))
    np.testing.assert_allclose(jvp(value, value * 3), value * 6)

    shape = theano.function([x], DoubleOp()(x).shape)
    np.testing.assert_array_equal(shape(np.zeros((4, 7))), [4, 7])


def infer_shape_numpy_dot(node, input_shapes):
    ashp, bshp = input_shapes
    return [ashp[:-1] + bshp[-1:]]


@as_op(itypes=[T.fmatrix, T.fmatrix], otypes=[T.fmatrix], infer_shape=infer_shape_numpy_dot)
def numpy_dot(a, b):
    return np.dot(a, b)


def test_as_op_numpy_dot():
    a, b = T.fmatrix(), T.fmatrix()
    f = theano.function([a, b], [numpy_dot(a, b), numpy_dot(a, b).shape])
    left = np.arange(6, dtype="float32").reshape(2, 3)
    right = np.ones((3, 4), dtype="float32")
    product, shape = f(left, right)
    np.testing.assert_allclose(product, left @ right)
    np.testing.assert_array_equal(shape, [2, 4])
