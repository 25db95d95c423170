"""symrnn.backends.vector_math (SYMRNN_VECTOR_MATH=1): float32 tanh and sigmoid as rational functions,
and contiguous copies for the loops that use them, in Numba modes only."""
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.mode import Mode
from pytensor.compile.ops import DeepCopyOp
from pytensor.scalar import Tanh
from pytensor.scalar.math import Sigmoid

from symrnn.backends.compile import compile_mode
from symrnn.backends.fast_tanh import FAST_TANH
from symrnn.backends.vector_math import VECTOR_MATH

# the rewrites of a Numba build, evaluated op by op with NumPy (unfused: fast on the Python linker)
REWRITTEN = Mode(linker="py", optimizer="fast_run").including(VECTOR_MATH).excluding("fusion")


def transcendental_nodes(fn):
    return [node for node in fn.maker.fgraph.apply_nodes
            if isinstance(getattr(node.op, "scalar_op", None), (Tanh, Sigmoid))]


def float32_grid():
    grid = np.logspace(-8, 2, 100_000, dtype=np.float32)
    return np.concatenate([-grid[::-1], [0.0], grid]).astype(np.float32)


def test_float32_tanh_and_sigmoid_are_rational_and_within_their_stated_errors():
    x = pt.vector("x", dtype="float32")
    fn = pytensor.function([x], [pt.tanh(x), pt.sigmoid(x)], mode=REWRITTEN)
    assert not transcendental_nodes(fn)
    grid = float32_grid()
    tanh, sigmoid = fn(grid)
    exact_tanh, exact_sigmoid = np.tanh(grid.astype(np.float64)), 1 / (1 + np.exp(-grid.astype(np.float64)))
    assert tanh.dtype == sigmoid.dtype == np.float32 and tanh[len(grid) // 2] == 0.0
    nonzero = exact_tanh != 0
    assert np.max(np.abs(tanh - exact_tanh)[nonzero] / np.abs(exact_tanh[nonzero])) < 6e-7
    assert np.max(np.abs(sigmoid - exact_sigmoid)) < 2e-7
    assert np.all(np.abs(fn(np.array([-1e30, -90, 90, 1e30], dtype=np.float32))[0]) <= 1)


def test_a_loop_reading_gate_blocks_reads_contiguous_copies():
    gates = pt.matrix("gates", dtype="float32")
    y = pt.sigmoid(gates[:, :3]) * pt.tanh(gates[:, 3:])
    fused = Mode(linker="py", optimizer="fast_run").including(VECTOR_MATH)
    fn = pytensor.function([gates], y, mode=fused)
    assert sum(isinstance(node.op, DeepCopyOp) for node in fn.maker.fgraph.apply_nodes) == 2
    value = np.random.default_rng(0).normal(size=(4, 6)).astype(np.float32)
    exact = 1 / (1 + np.exp(-value[:, :3].astype(np.float64))) * np.tanh(value[:, 3:].astype(np.float64))
    np.testing.assert_allclose(fn(value), exact, atol=3e-7)


def test_float64_and_the_default_numba_mode_keep_pytensors_functions(monkeypatch):
    x64 = pt.vector("x64", dtype="float64")
    assert len(transcendental_nodes(pytensor.function([x64], [pt.tanh(x64), pt.sigmoid(x64)], mode=REWRITTEN))) == 2
    monkeypatch.delenv("SYMRNN_VECTOR_MATH", raising=False)
    default = compile_mode("NUMBA").provided_optimizer.include
    assert FAST_TANH in default and VECTOR_MATH not in default
    monkeypatch.setenv("SYMRNN_VECTOR_MATH", "1")
    chosen = compile_mode("NUMBA").provided_optimizer.include
    assert VECTOR_MATH in chosen and FAST_TANH not in chosen
    assert VECTOR_MATH not in compile_mode("FAST_COMPILE").provided_optimizer.include


def test_an_unknown_vector_math_setting_is_one_clear_error(monkeypatch):
    from symrnn.errors import ConfigError

    monkeypatch.setenv("SYMRNN_VECTOR_MATH", "yes")
    with pytest.raises(ConfigError, match=r"^SYMRNN_VECTOR_MATH is 'yes'; set it to one of 0, 1"):
        compile_mode("NUMBA")
