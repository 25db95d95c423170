"""The XLA compile options symrnn's JAX functions are compiled with.

On x86-64 CPUs, jaxlib 0.10's XLA hands the matrix products inside its fusions to YNNPACK. A
recurrent step's products are small — a SimpleRNN 256's ``h·W_h`` is 64 × 256 · 256 × 256 —
and there XLA's own products are faster: a bare ``lax.scan`` of that step ran 4.3–5.0 ms
instead of 5.5–6.1 ms, and ``symrnn bench``'s SimpleRNN trains about a quarter faster, the
lesson, GRU and LSTM as fast or a little faster (docs/performance.md). symrnn therefore compiles
its functions without YNNPACK's fusions (``CPU_OPTIONS``), where this XLA has the option (jaxlib
0.12's has it and runs the same either way): the functions of its PyTensor mode (``with_options``)
and those it loads from ``function_cache`` or splits over devices (``jit``) alike, so that each
computes the same numbers whichever way it was compiled. ``XLA_FLAGS`` that set the option
themselves win, and ``SYMRNN_XLA_OPTIONS=default`` leaves XLA's defaults.
"""
import functools
import os
import platform

from pytensor.compile.mode import Mode
from pytensor.link.jax.linker import JAXLinker

from symrnn.validate import environment_choice

CPU_OPTIONS = {"xla_cpu_experimental_ynn_fusion_type": ""}  # no fusion goes to YNNPACK


def jit(fn, **jit_options):
    """``jax.jit(fn, **jit_options)``, with ``compiler_options()`` where there are any."""
    import jax

    options = compiler_options()
    return jax.jit(fn, **jit_options, **({"compiler_options": options} if options else {}))


def xla_defaults_chosen():
    """Whether ``$SYMRNN_XLA_OPTIONS`` is ``default`` (it may be unset, ``symrnn`` or ``default``)."""
    return environment_choice("SYMRNN_XLA_OPTIONS", ("symrnn", "default")) == "default"


@functools.cache
def compiler_options():
    """``CPU_OPTIONS`` on an x86-64 CPU backend whose XLA knows them, unless ``XLA_FLAGS`` or
    ``SYMRNN_XLA_OPTIONS=default`` say otherwise; else None."""
    import jax

    if (xla_defaults_chosen() or platform.machine().lower() not in ("x86_64", "amd64")
            or jax.default_backend() != "cpu" or any(name in os.environ.get("XLA_FLAGS", "") for name in CPU_OPTIONS)):
        return None
    try:
        jax.jit(lambda x: x + 1, compiler_options=CPU_OPTIONS).lower(1.0).compile()
    except Exception:  # noqa: BLE001 - an XLA (or jax.jit) without the option: its defaults
        return None
    return CPU_OPTIONS


class JAXLinkerWithOptions(JAXLinker):
    """PyTensor's JAX linker, compiling with ``compiler_options()``."""

    def jit_compile(self, fn):
        if self.scalar_shape_inputs:  # PyTensor's own wrapper turns these arguments into static ints
            return super().jit_compile(fn)
        return jit(fn)


def with_options(mode):
    """The PyTensor JAX ``Mode`` ``mode``, its functions compiled with ``compiler_options()``
    (``$SYMRNN_XLA_OPTIONS`` is checked here, before anything compiles)."""
    xla_defaults_chosen()
    return Mode(linker=JAXLinkerWithOptions(), optimizer=mode.provided_optimizer)
