"""JAX's CPU computations run in the thread that calls them, not queued for one of JAX's own.

By default (``jax_cpu_enable_async_dispatch``) a call of a compiled function on the CPU returns
at once, and a thread of JAX's runs the computation, then frees its scratch buffer after the
outputs are ready. symrnn's training loop reads every call's loss before the next call, so the
queue overlaps nothing; and the next call can be dispatched, its own scratch buffer allocated,
before the last one's is freed. With freed memory kept in the heap
(``symrnn.backends.allocator``) the heap then keeps room for both: an LSTM 256 × 2 step's 69 MiB
scratch buffer twice over (docs/performance.md has the figures).

The ``symrnn`` command asks for the computations to run inline (``run_calls_inline``, first
thing); ``compile_mode`` applies that (``apply_request``) when it makes a JAX mode, before JAX's
first computation, at which JAX reads the setting. Importing JAX any earlier would cost the
command a second and more before anything else, a bad-input error included.
``SYMRNN_DISPATCH=async`` leaves JAX's default, as does a Python program that does not ask.
Computations split over several devices are dispatched as JAX does either way.
"""
from symrnn.validate import environment_choice

OPTION = "jax_cpu_enable_async_dispatch"
_inline_requested = False


def run_calls_inline():
    """Ask for JAX's CPU computations to run in the calling thread, unless ``SYMRNN_DISPATCH=async``;
    returns whether asked."""
    global _inline_requested
    _inline_requested = environment_choice("SYMRNN_DISPATCH", ("inline", "async")) == "inline"
    return _inline_requested


def apply_request():
    """Turn JAX's CPU dispatch queue off where ``run_calls_inline`` asked and this JAX has the option;
    returns whether it did."""
    if not _inline_requested:
        return False
    import jax

    if OPTION not in jax.config.values:
        return False
    jax.config.update(OPTION, False)
    return True
