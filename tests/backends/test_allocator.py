"""``keep_freed_memory``: glibc serves large blocks (XLA's per-call buffers) from its heap, not ``mmap``,
when set before JAX starts — checked in fresh processes through glibc's own statistics."""
import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")

MAPPED_BYTES_OF_A_64_MIB_ARRAY = """
import ctypes, sys
{setup}
class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
import numpy as np
block = np.ones(64 * 2 ** 20, dtype=np.uint8)
print(libc.mallinfo2().hblkhd)
"""


def mapped_bytes(setup, **env):
    run = subprocess.run([sys.executable, "-c", MAPPED_BYTES_OF_A_64_MIB_ARRAY.format(setup=setup)],
                         capture_output=True, text=True, env={**os.environ, **env}, check=True)
    return int(run.stdout.split()[-1])


KEEP = "from symrnn.backends.allocator import keep_freed_memory; assert keep_freed_memory() is {expected}"


def test_large_blocks_come_from_the_heap_once_set():
    assert mapped_bytes("") >= 64 * 2 ** 20  # glibc's default: a block this large is mmapped
    assert mapped_bytes(KEEP.format(expected=True)) < 2 ** 20


def test_nothing_changes_when_asked_not_to_or_after_jax_started():
    assert mapped_bytes(KEEP.format(expected=False), SYMRNN_MALLOC="default") >= 64 * 2 ** 20
    assert mapped_bytes("import jax\n" + KEEP.format(expected=False)) >= 64 * 2 ** 20


def test_an_unknown_setting_is_refused(monkeypatch):
    from symrnn.backends.allocator import keep_freed_memory
    from symrnn.errors import ConfigError

    monkeypatch.setenv("SYMRNN_MALLOC", "fast")
    with pytest.raises(ConfigError, match="SYMRNN_MALLOC"):
        keep_freed_memory()
