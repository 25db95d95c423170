"""Test-wide settings.

Tests compile with PyTensor's FAST_COMPILE mode: it compiles in about a second even on a cold
cache, where a first Numba compile of a scan costs tens of seconds. One test (test_backend)
checks that the Numba backend computes the same numbers.
"""
import os

os.environ.setdefault("SYMRNN_MODE", "FAST_COMPILE")
