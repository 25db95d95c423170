"""Test-wide settings.

Tests compile with PyTensor's FAST_COMPILE mode: it compiles in about a second even on a cold
cache, where a first Numba compile of a scan costs tens of seconds. One test (test_backend)
checks that the Numba backend computes the same numbers. Training runs leave their report
pages in a temporary directory, not in the repository's runs/.
"""
import os
import tempfile

os.environ.setdefault("SYMRNN_MODE", "FAST_COMPILE")
os.environ.setdefault("SYMRNN_RUNS", tempfile.mkdtemp(prefix="symrnn-test-runs-"))
