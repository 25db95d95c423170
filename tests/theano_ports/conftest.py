"""Ported Theano-era code: every compile (also scan's inner loop on PyTensor 3.0) uses FAST_COMPILE."""

import pytest

import symrnn.theano as theano


@pytest.fixture(autouse=True)
def fast_compile():
    with theano.config.change_flags(mode="FAST_COMPILE"):
        yield
