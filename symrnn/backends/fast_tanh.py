"""float32 ``tanh`` through ``exp`` for the Numba backend: a speed measure, not a new function.

Numba evaluates a float32 ``tanh`` by calling the C library's ``tanhf`` element by element,
several times slower than its ``exp`` and NumPy's own ``tanh`` (docs/performance.md). Every LSTM and
GRU step computes tanh on its gates, forward and again in the backward pass, so this one
function took a large share of an LSTM's training step. (Faster float32 transcendentals for
PyTensor's Numba backend are discussed upstream in pymc-devs/pytensor#2314; this module can go
when they land.) The rewrite computes, for float32 tensors only::

    tanh(x) = sign(x) · (1 − e) / (1 + e),   e = exp(−2|x|)       for |x| ≥ 0.1
    tanh(x) = x − x³/3 + 2x⁵/15 − 17x⁷/315                        for |x| < 0.1 (Taylor)

``e`` never exceeds 1, so nothing overflows. Over every float32 input the result is within
6.3e-7 of tanh relatively (libm's ``tanhf``: 1.1e-7), which ``tests/backends/test_fast_tanh.py`` checks.
The Taylor branch keeps small arguments precise, where ``1 − e`` would cancel.

``symrnn.backends.compile`` adds the rewrite (tag ``FAST_TANH``) to the Numba mode it compiles with;
other modes and float64 graphs (gradient checks) keep PyTensor's ``tanh``.
"""
import numpy as np
import pytensor.tensor as pt
from pytensor.compile import optdb
from pytensor.graph.rewriting.basic import node_rewriter

FAST_TANH = "symrnn_float32_tanh"
TAYLOR_BELOW = 0.1


@node_rewriter([pt.tanh])
def float32_tanh_through_exp(fgraph, node):
    """Replace a float32 ``tanh(x)`` by the formula in the module docstring."""
    (x,) = node.inputs
    if x.dtype != "float32":
        return None

    def c(value):
        return np.float32(value)

    e = pt.exp(c(-2) * abs(x))
    through_exp = pt.sign(x) * (c(1) - e) / (c(1) + e)
    x2 = x * x
    taylor = x * (c(1) + x2 * (c(-1 / 3) + x2 * (c(2 / 15) + x2 * c(-17 / 315))))
    return [pt.switch(abs(x) < c(TAYLOR_BELOW), taylor, through_exp)]


# "specialize" runs after PyTensor's own simplifications and before elementwise fusion, so the
# formula is fused into the same loop as the gates around it. Only modes that include the tag
# FAST_TANH run it: registering changes nothing for anyone else.
optdb["specialize"].register("float32_tanh_through_exp", float32_tanh_through_exp, FAST_TANH)
