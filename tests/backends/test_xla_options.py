"""symrnn's JAX functions compile without YNNPACK's fusions, unless the user or XLA says otherwise."""
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from symrnn.backends import xla_options
from symrnn.backends.compile import compile_mode
from symrnn.errors import ConfigError

H, W = np.ones((64, 256), np.float32), np.ones((256, 256), np.float32)


def compiled_text(jitted):
    return jitted.lower(H, W).compile().as_text()


@pytest.mark.skipif(xla_options.compiler_options() is None, reason="this XLA has not the option, or not a x86-64 CPU")
def test_the_modes_functions_and_symrnns_own_jit_compile_without_ynnpack_fusions():
    h, w = pt.matrix("h", shape=H.shape), pt.matrix("W", shape=W.shape)
    fn = pytensor.function([h, w], pt.tanh(pt.dot(h, w)), mode=compile_mode("JAX"))
    np.testing.assert_allclose(fn(H, W), np.tanh(H @ W), rtol=1e-6)
    for jitted in (fn.vm.jit_fn, xla_options.jit(lambda h, w: h @ w)):
        text = compiled_text(jitted)
        assert "dot" in text and "ynn_fusion" not in text


@pytest.mark.parametrize("setting", ["SYMRNN_XLA_OPTIONS=default", "XLA_FLAGS", "an XLA without the option"])
def test_the_user_or_an_xla_without_the_option_keeps_xlas_defaults(setting, monkeypatch):
    if setting == "XLA_FLAGS":
        monkeypatch.setenv("XLA_FLAGS", f"--{next(iter(xla_options.CPU_OPTIONS))}=dot")
    elif setting == "an XLA without the option":
        monkeypatch.setattr(xla_options, "CPU_OPTIONS", {"xla_cpu_no_such_option": ""})
    else:
        monkeypatch.setenv("SYMRNN_XLA_OPTIONS", "default")
    assert xla_options.compiler_options.__wrapped__() is None


def test_an_unknown_choice_is_one_line_when_the_mode_is_made(monkeypatch):
    monkeypatch.setenv("SYMRNN_XLA_OPTIONS", "fastest")
    for check in (lambda: compile_mode("JAX"), xla_options.compiler_options.__wrapped__):
        with pytest.raises(ConfigError, match="SYMRNN_XLA_OPTIONS is 'fastest'"):
            check()
