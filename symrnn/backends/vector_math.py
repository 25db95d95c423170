"""float32 gate math that LLVM vectorises, for Numba (opt-in: ``--vector-math``, ``SYMRNN_VECTOR_MATH=1``).

An LSTM or GRU step spends most of its time outside its matrix products, in the gates'
elementwise math, because Numba compiles that math to scalar code:

* A transcendental function is a call into the C library for each float32 element, several
  times slower than NumPy's vectorised loops.
* A fused loop that reads a strided view — a gate's column block ``gates[:, H:2H]`` — is typed
  with Numba's "any" layout and not vectorised.
* LLVM inlines a fused loop's scalar function into the loop, and so vectorises it, only below
  its inlining threshold (225 by default), which four rational tanh in one loop pass.

With ``SYMRNN_VECTOR_MATH=1`` a Numba mode (``symrnn.backends.compile.compile_mode``) therefore:

1. computes float32 ``tanh`` as Eigen's ``ptanh_float`` (the argument clamped to ±7.9053, an odd
   degree-13 polynomial over an even degree-6 one: arithmetic only) and ``sigmoid(x)`` as
   ``½ + ½·tanh(x/2)``, exact as an identity; against float64, tanh is within 6e-7 relatively
   and sigmoid within 2e-7 absolutely (``tests/backends/test_vector_math.py``);
2. gives a fused loop that divides or calls a transcendental function contiguous copies
   (``DeepCopyOp``) of the strided views it reads;
3. raises LLVM's inlining threshold to 2000, a process-wide LLVM option.

An LSTM then trains faster, but a new model's first Numba compile takes several times longer
(docs/performance.md), which is why it is not the default: it pays off over long runs (the
compiled code is cached, so only the first run waits). Other modes and
float64 graphs (gradient checks) are untouched. Upstream: pymc-devs/pytensor#2314.
"""
import numpy as np
import pytensor.scalar as ps
import pytensor.tensor as pt
from pytensor.compile import optdb
from pytensor.compile.ops import deep_copy_op
from pytensor.graph.rewriting.basic import in2out, node_rewriter
from pytensor.scalar.math import Sigmoid
from pytensor.tensor.elemwise import Elemwise
from pytensor.tensor.shape import Reshape

VECTOR_MATH = "symrnn_float32_vector_math"
INLINE_THRESHOLD = 2000

# Eigen's ptanh_float (Eigen/src/Core/arch/Default/GenericPacketMathFunctions.h)
CLAMP = 7.90531110763549805
ALPHA = (4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05, 5.12229709037114e-08,
         -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16)  # x, x³, …, x¹³
BETA = (4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04, 1.19825839466702e-06)  # 1, x², …, x⁶


def rational_tanh(x):
    """float32 ``tanh(x)`` as Eigen's rational function of the clamped argument."""
    x = pt.clip(x, np.float32(-CLAMP), np.float32(CLAMP))
    x2 = x * x
    p = _polynomial(x2, ALPHA) * x
    q = _polynomial(x2, BETA)
    return p / q


def _polynomial(x2, coefficients):
    """Σ_k c_k·x2^k by Horner's rule, in float32."""
    result = np.float32(coefficients[-1])
    for c in reversed(coefficients[:-1]):
        result = result * x2 + np.float32(c)
    return result


@node_rewriter([pt.tanh, pt.sigmoid])
def float32_rational_tanh(fgraph, node):
    """Replace a float32 ``tanh(x)`` or ``sigmoid(x)`` by ``rational_tanh``."""
    (x,) = node.inputs
    if x.dtype != "float32":
        return None
    if isinstance(node.op.scalar_op, Sigmoid):
        half = np.float32(0.5)
        return [half + half * rational_tanh(half * x)]
    return [rational_tanh(x)]


EXPENSIVE = (ps.TrueDiv, ps.Exp, ps.Log, ps.Tanh, ps.Pow, ps.Sqrt, Sigmoid)


@node_rewriter([Elemwise])
def contiguous_inputs_for_expensive_loops(fgraph, node):
    """Give a float32 elementwise loop that divides or calls a transcendental function
    contiguous copies of the strided views it reads."""
    if node.outputs[0].dtype != "float32" or not _is_expensive(node.op.scalar_op):
        return None
    inputs = [deep_copy_op(x) if _maybe_strided(x) else x for x in node.inputs]
    if all(new is old for new, old in zip(inputs, node.inputs)):
        return None
    new_node = node.op.make_node(*inputs)
    return new_node.outputs


def _is_expensive(scalar_op):
    if isinstance(scalar_op, ps.Composite):
        return any(_is_expensive(n.op) for n in scalar_op.fgraph.apply_nodes)
    return isinstance(scalar_op, EXPENSIVE)


def _maybe_strided(x):
    """Whether ``x`` may be a non-contiguous matrix: an input of the graph (a scan's loop
    variables are slices of its sequences) or a view that is not a plain reshape."""
    if x.ndim < 2 or any(x.type.broadcastable):
        return False
    if x.owner is None:
        return True
    return bool(getattr(x.owner.op, "view_map", None)) and not isinstance(x.owner.op, Reshape)


def let_llvm_inline_fused_loops():
    """Raise LLVM's inlining threshold for every later compile in this process (see above)."""
    import llvmlite.binding as llvm  # here, not at the top: loading LLVM costs a JAX run 36 MiB

    llvm.set_option("symrnn", f"-inline-threshold={INLINE_THRESHOLD}")


# "specialize" runs after PyTensor's own simplifications and before elementwise fusion, so the
# rational function is fused into the same loop as the gates around it; the copies go in after
# fusion (49) and before the in-place rewrites (49.5). Only modes that include the tag
# VECTOR_MATH run them: registering changes nothing for anyone else.
optdb["specialize"].register("float32_rational_tanh", float32_rational_tanh, VECTOR_MATH)
optdb.register("contiguous_inputs_for_expensive_loops",
               in2out(contiguous_inputs_for_expensive_loops, ignore_newtrees=True), VECTOR_MATH, position=49.2)
