"""The default backend (Numba) computes what the test backend (FAST_COMPILE) computes.

This is the suite's one Numba compile: it costs up to a minute or two on a cold cache
(~/.pytensor), seconds once cached.
"""
import io

import numpy as np
import pytest

from symrnn.nn.model import CharRNN
from symrnn.progress import Ticker
from symrnn.training.trainer import Trainer

pytest.importorskip("numba")


def losses_after_three_steps(mode):
    model = CharRNN(7, 6, activation="tanh", seed=1)  # tanh: Numba runs symrnn.backends.fast_tanh
    trainer = Trainer(model, mode=mode, show_progress=False)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 7, size=(2, 5, 3))
    return [trainer.train_step(x, y, 0.1)[0] for _ in range(3)], [p.get_value() for p in model.params]


def test_numba_matches_fast_compile():
    numba_losses, numba_params = losses_after_three_steps("NUMBA")
    reference_losses, reference_params = losses_after_three_steps("FAST_COMPILE")
    np.testing.assert_allclose(numba_losses, reference_losses, rtol=1e-5)
    assert numba_losses[2] < numba_losses[0]
    for a, b in zip(numba_params, reference_params):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_ticker_reports_a_wait_and_keeps_quiet_about_an_instant(monkeypatch):
    stream = io.StringIO()
    with Ticker("compiling train function", stream=stream) as ticker:
        pass
    assert ticker.seconds >= 0 and stream.getvalue() == ""  # done in no time: a function loaded from the cache
    monkeypatch.setattr(Ticker, "quiet_below", 0.0)
    with Ticker("compiling train function", stream=stream):
        pass
    assert stream.getvalue().startswith("compiling train function ... done in ")


def test_numba_tanh_is_within_the_stated_error():
    import pytensor
    import pytensor.tensor as pt

    from symrnn.backends.compile import compile_mode

    x = pt.vector("x", dtype="float32")
    fn = pytensor.function([x], pt.tanh(x), mode=compile_mode("NUMBA"))
    grid = np.logspace(-8, 1.5, 100_000, dtype=np.float32)
    grid = np.concatenate([-grid, grid])
    exact = np.tanh(grid.astype(np.float64))
    assert np.max(np.abs(fn(grid) - exact) / np.abs(exact)) < 6.3e-7


def test_an_unknown_mode_is_one_clear_error(tmp_path, capsys):
    import pytensor.tensor as pt

    from symrnn.backends.compile import CompiledFunction
    from symrnn.cli import main
    from symrnn.errors import ConfigError

    x = pt.vector("x")
    with pytest.raises(ConfigError, match="choose one of .*JAX.*NUMBA"):
        CompiledFunction([x], x * 2, name="double", mode="NO_SUCH_MODE", show_progress=False)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("abcabc " * 20)
    assert main(["train", "--text", str(corpus), "--hidden", "4", "--steps", "2", "--no-report", "--no-progress",
                 "--mode", "NO_SUCH_MODE"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown PyTensor mode 'NO_SUCH_MODE'" in err[0]


def test_a_jax_mode_is_known_by_its_linker_not_its_name():
    """Whatever PyTensor resolves to its JAX linker (a ``Mode`` object here) compiles per shape."""
    import pytensor.tensor as pt
    from pytensor.compile.mode import get_mode

    from symrnn.backends.compile import CompiledFunction
    from symrnn.backends.jax_backend import ShapeSpecialised

    x = pt.vector("x")
    double = CompiledFunction([x], x * 2, name="double", mode=get_mode("JAX"), show_progress=False)
    assert isinstance(double.fn, ShapeSpecialised)
    np.testing.assert_allclose(double(np.arange(3.0)), [0.0, 2.0, 4.0])


def test_training_with_jax_loads_no_llvm():
    """Numba's LLVM (llvmlite, 36 MiB resident) is loaded only by a Numba mode that asks for it."""
    import subprocess
    import sys

    script = ("import sys, symrnn.training.trainer, symrnn.nn.model, symrnn.cli, symrnn.backends.compile as b; "
              "b.compile_mode('JAX'); "
              "print(sorted(m for m in ('llvmlite', 'numba') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
