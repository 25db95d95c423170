"""symrnn.backends.fast_tanh: float32 tanh through exp, in Numba modes only, to 6.3e-7 relative."""
import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.mode import Mode
from pytensor.scalar import Tanh

from symrnn.backends.compile import compile_mode
from symrnn.backends.fast_tanh import FAST_TANH

# the rewrites of a Numba build, evaluated op by op with NumPy (unfused: fast on the Python linker)
REWRITTEN = Mode(linker="py", optimizer="fast_run").including(FAST_TANH).excluding("fusion")


def tanh_nodes(fn):
    return [node for node in fn.maker.fgraph.apply_nodes if isinstance(getattr(node.op, "scalar_op", None), Tanh)]


def test_float32_tanh_is_rewritten_and_within_its_stated_error():
    x = pt.vector("x", dtype="float32")
    fn = pytensor.function([x], pt.tanh(x), mode=REWRITTEN)
    assert not tanh_nodes(fn)
    grid = np.logspace(-8, 1.5, 100_000, dtype=np.float32)
    grid = np.concatenate([-grid[::-1], [0.0], grid]).astype(np.float32)
    got, exact = fn(grid), np.tanh(grid.astype(np.float64))
    assert got.dtype == np.float32 and got[len(grid) // 2] == 0.0
    nonzero = exact != 0
    assert np.max(np.abs(got - exact)[nonzero] / np.abs(exact[nonzero])) < 6.3e-7
    assert np.all(np.abs(fn(np.array([-1e30, -90, 90, 1e30], dtype=np.float32))) == 1)


def test_float64_tanh_and_other_modes_keep_pytensors_tanh():
    x32, x64 = pt.vector("x32", dtype="float32"), pt.vector("x64", dtype="float64")
    assert tanh_nodes(pytensor.function([x64], pt.tanh(x64), mode=REWRITTEN))
    assert tanh_nodes(pytensor.function([x32], pt.tanh(x32), mode=compile_mode("FAST_COMPILE")))
    assert FAST_TANH in compile_mode("NUMBA").provided_optimizer.include


def test_gradients_follow_the_rewritten_tanh():
    x = pt.vector("x", dtype="float32")
    y = pt.tanh(x)
    fn = pytensor.function([x], pytensor.grad(y.sum(), x), mode=REWRITTEN)
    grid = np.linspace(-4, 4, 101, dtype=np.float32)
    # 1 − tanh² cancels where tanh is near ±1: float32 gets it to ~2e-7 absolutely, either way
    np.testing.assert_allclose(fn(grid), 1 - np.tanh(grid.astype(np.float64)) ** 2, rtol=1e-6, atol=3e-7)
