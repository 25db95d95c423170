"""Test-wide settings.

Tests compile with PyTensor's FAST_COMPILE mode: it compiles in about a second even on a cold
cache, where a first Numba compile of a scan costs tens of seconds. One test
(backends/test_compile.py) checks that the Numba backend computes the same numbers. Training runs
leave their report pages in a temporary directory, not in the repository's runs/. The tests run
in one process per core, at most 4 (pytest-xdist, pyproject.toml); ``pytest -n 0`` runs them in one.
"""
import os
import subprocess
import sys
import tempfile
import textwrap

import pytest
from small_corpus import TEXT

os.environ.setdefault("SYMRNN_MODE", "FAST_COMPILE")
os.environ.setdefault("SYMRNN_RUNS", tempfile.mkdtemp(prefix="symrnn-test-runs-"))


@pytest.fixture
def corpus(tmp_path):
    """The path of a file holding ``small_corpus.TEXT``."""
    path = tmp_path / "corpus.txt"
    path.write_text(TEXT)
    return str(path)


@pytest.fixture
def lock_holder():
    """``hold(path)``: a process that holds the checkpoint lock of ``path`` (until the test ends)."""
    holders = []

    def hold(path):
        holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
            import time
            from symrnn import checkpoint
            with checkpoint.locked({str(path)!r}):
                print("locked", flush=True)
                time.sleep(60)
            """)], stdout=subprocess.PIPE, text=True)
        holders.append(holder)
        assert holder.stdout.readline().strip() == "locked"
        return holder

    yield hold
    for holder in holders:
        holder.kill()
        holder.wait()
