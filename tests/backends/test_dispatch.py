"""``run_calls_inline``: the ``symrnn`` command asks for JAX's CPU computations to run in the
calling thread, and ``compile_mode`` turns JAX's dispatch queue off when it makes a JAX mode —
checked in fresh processes, where JAX has not started."""
import os
import subprocess
import sys

import pytest

from symrnn.backends import dispatch
from symrnn.errors import ConfigError

QUEUE_AFTER_A_JAX_MODE = """
{ask}
import jax
from symrnn.backends.compile import compile_mode
compile_mode("JAX")
print(jax.config.values["jax_cpu_enable_async_dispatch"])
"""
ASK = "from symrnn.backends.dispatch import run_calls_inline; run_calls_inline()"


def queue_on(ask, **env):
    """JAX's async-dispatch setting in a fresh process after ``ask`` and the making of a JAX mode."""
    run = subprocess.run([sys.executable, "-c", QUEUE_AFTER_A_JAX_MODE.format(ask=ask)], capture_output=True,
                         text=True, env={**os.environ, **env}, check=True)
    return run.stdout.split()[-1] == "True"


def test_a_jax_mode_turns_the_queue_off_when_asked():
    assert queue_on("") is True  # a Python program that does not ask keeps JAX's default
    assert queue_on(ASK) is False


def test_async_keeps_the_queue():
    assert queue_on(ASK, SYMRNN_DISPATCH="async") is True


def test_an_unknown_setting_is_refused(monkeypatch):
    monkeypatch.setattr(dispatch, "_inline_requested", False)
    monkeypatch.setenv("SYMRNN_DISPATCH", "sync")
    with pytest.raises(ConfigError, match="SYMRNN_DISPATCH"):
        dispatch.run_calls_inline()


def test_the_command_asks_before_its_work(monkeypatch, capsys):
    from symrnn.cli import main

    monkeypatch.setattr(dispatch, "_inline_requested", False)
    monkeypatch.delenv("SYMRNN_DISPATCH", raising=False)
    assert main(["train", "--text", os.path.join(os.sep, "no", "such", "text.txt")]) == 1
    assert dispatch._inline_requested is True
    assert "symrnn: error:" in capsys.readouterr().err
