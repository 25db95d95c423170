"""glibc's allocator kept from handing XLA's per-call buffers back to the kernel.

XLA allocates each call's buffers anew (an LSTM 256 × 2 step maps a 69 MiB scratch buffer). By
default glibc serves a block that large with ``mmap`` and unmaps it when freed, so the next call
maps it again and the kernel zero-fills every page of it: 18,000 page faults, 40–46 ms of system
time, a third of that LSTM's step. ``keep_freed_memory`` tells glibc to serve every block from
its heap (no ``mmap``), to keep freed memory instead of trimming it, and to use one arena — the
effect of ``MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=… MALLOC_ARENA_MAX=1`` — at a cost in peak
memory (docs/performance.md has both). It must run before JAX starts its threads, which would
otherwise already hold arenas of their own: the ``symrnn`` command calls it first thing, and a
Python program can too. ``SYMRNN_MALLOC=default`` leaves glibc as it is; elsewhere than glibc
nothing is changed.
"""
import ctypes
import sys

from symrnn.validate import environment_choice

M_TRIM_THRESHOLD, M_MMAP_MAX, M_ARENA_MAX = -1, -4, -8  # mallopt's parameters, from glibc's malloc.h
KEEP_UP_TO = 2 ** 31 - 1  # bytes of freed memory glibc may keep at the top of its heap


def keep_freed_memory():
    """Set glibc's ``mallopt`` as described above; returns whether it did (False: not glibc, JAX already
    imported, or ``SYMRNN_MALLOC=default``)."""
    if environment_choice("SYMRNN_MALLOC", ("keep", "default")) == "default" or "jax" in sys.modules:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return all(mallopt(option, value) == 1 for option, value in
               ((M_ARENA_MAX, 1), (M_MMAP_MAX, 0), (M_TRIM_THRESHOLD, KEEP_UP_TO)))
