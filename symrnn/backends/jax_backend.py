"""The JAX backend: XLA compiles for fixed shapes, so symrnn compiles one function per shape.

XLA compiles symrnn's training graphs in seconds, where Numba takes tens of seconds on a cold
cache, and trains the batched models fastest (docs/performance.md). It needs every shape known
when it compiles: ``jax.numpy.arange(T·B)`` in the loss, for one, must see a number. symrnn's
graphs take (T, B) from their inputs, so ``ShapeSpecialised`` compiles, per shape of the arrays
it is called with, the graph its ``build`` makes for that shape: the trainer builds its graphs
anew, scans included (``symrnn.training.graph.fixed_shape_training_graph``); any other graph is
copied with inputs of fixed shapes and its ``shared`` tensors pinned to their shapes
(``static_graph``). A run trains on one (T, B), plus perhaps a shorter last batch: one or two
compiles. A graph compiled by an earlier run is loaded instead (``function_cache``), with no
rewriting or tracing.

Between calls the weights stay in the ``shared`` variables as JAX arrays (converting them back
after every update would cost the lesson's small windows a quarter of their speed);
``settle_shared`` turns them into NumPy arrays for any other backend's function that reads them.
"""
import contextlib
import ctypes
import functools
import gc
import logging
import os
import sys
import warnings
from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.replace import clone_replace
from pytensor.graph.traversal import ancestors
from pytensor.link.jax.linker import JAXLinker
from pytensor.tensor.random.type import RandomType

from symrnn.backends import data_parallel, function_cache, processes
from symrnn.backends.data_parallel import ShardedFunction
from symrnn.backends.jax_random import next_jax_key
from symrnn.progress import Ticker


def is_jax(mode):
    """Whether the PyTensor ``Mode`` ``mode`` compiles with JAX."""
    return isinstance(mode.linker, JAXLinker)


def static_graph(inputs, outputs, updates, arrays):
    """The graph ``(inputs, outputs, updates)`` for inputs of the shapes of ``arrays`` only, copied.

    Returns ``(inputs, outputs, updates)`` for ``pytensor.function``: new input variables of
    fixed shapes, and outputs and update values rebuilt on them, with every ``shared`` tensor the
    graph reads pinned to the shape of its current value. A scan is copied as it was built, for
    any length; building the graph anew for the shapes (``symrnn.training.graph.fixed_shape_training_graph``)
    gives PyTensor scans it can rewrite.
    """
    single_output = not isinstance(outputs, list | tuple)
    outputs = [outputs] if single_output else list(outputs)
    static_inputs = [pt.tensor(x.name, dtype=x.type.dtype, shape=np.shape(a)) for x, a in zip(inputs, arrays)]
    replace = dict(zip(inputs, static_inputs))
    keys, values = list(updates or {}), list((updates or {}).values())
    for shared in _shared_tensors([*outputs, *values]):
        replace[shared] = pt.specify_shape(shared, shared.get_value(borrow=True).shape)
    rebuilt = clone_replace([*outputs, *values], replace)
    new_outputs = rebuilt[0] if single_output else rebuilt[:len(outputs)]
    return static_inputs, new_outputs, list(zip(keys, rebuilt[len(outputs):]))


def _shared_tensors(variables):
    """The ``shared`` tensors the graph of ``variables`` reads, in a fixed order."""
    return [v for v in ancestors(variables)
            if isinstance(v, pytensor.compile.SharedVariable) and isinstance(v.type, pt.TensorType)]


class ShapeSpecialised:
    """A ``pytensor.function`` for JAX, compiled once per shape of its arguments.

    build: ``arrays -> (inputs, outputs, updates)``, the graph for arguments of the shapes of
    ``arrays`` (e.g. ``functools.partial(static_graph, inputs, outputs, updates)``); ``function_options``
    go to ``pytensor.function``.
    data_parallel: a ``symrnn.backends.data_parallel.DataParallel`` to split each call's arguments
    along ``batch_axes`` (one per argument: an axis or None) over its devices. Such a function, and
    any in a run of several processes (JAX exports those for all their devices), is compiled anew
    in every run, not kept in ``function_cache``.
    Called like the function itself, it returns NumPy arrays; ``compile_seconds`` adds up every
    compile and first call.
    """

    def __init__(self, build, *, name, mode, show_progress, data_parallel=None, batch_axes=None, **function_options):
        keep_compiled_code()
        use_64_bits_as_pytensor_does()
        self.build, self.name, self.mode, self.show_progress = build, name, mode, show_progress
        self.data_parallel, self.batch_axes = data_parallel, batch_axes
        self.function_options = function_options  # more arguments of pytensor.function (on_unused_input)
        self.compiled = {}
        self.compile_seconds = 0.0

    def __call__(self, *args):
        shapes = tuple(np.shape(a) for a in args)
        if shapes in self.compiled:
            values = self._call(shapes, args)
        else:  # XLA compiles at the first call: both are start-up
            label = f"compiling the {self.name} function [JAX]"
            with Ticker(label, enabled=self.show_progress) as ticker, _quiet_compile():
                values = self._compile_and_call(shapes, args)
            self.compile_seconds += ticker.seconds
        if isinstance(values, list):
            return [np.array(value) for value in values]
        return np.array(values)

    def _compile_and_call(self, shapes, args):
        """Compile the graph for ``shapes`` — or load it from ``symrnn.backends.function_cache`` — and call it.

        A compiled graph is exported and kept (``function_cache.export_and_save``) and the exported
        function called from then on; where the graph cannot be kept, the PyTensor function."""
        inputs, outputs, updates = self.build(args)
        updates = OrderedDict(updates or {})
        single_output = not isinstance(outputs, list | tuple)
        key, shared = (function_cache.graph_key(inputs, [outputs] if single_output else outputs, updates, self.mode)
                       if function_cache.enabled() and not self.data_parallel and not processes.joined()
                       else (None, None))
        cached = key and function_cache.load(key, inputs, shared, single_output)
        if cached:
            self.compiled[shapes] = cached, []
            try:
                return self._call(shapes, args)
            except Exception:  # noqa: BLE001 - an entry that loads but does not run: compile anew, replace it
                del self.compiled[shapes]
        use_output_dtypes_in_reductions()  # imports PyTensor's JAX dispatch, which a loaded function needs not
        fn = pytensor.function(inputs, outputs, updates=updates, mode=self.mode, name=self.name,
                               **self.function_options)
        give_back_freed_memory()  # the rewrites' garbage, before XLA compiles
        if self.data_parallel:
            self.compiled[shapes] = ShardedFunction(fn, self.data_parallel, self.batch_axes, shapes), []
        else:
            exported = key and function_cache.export_and_save(key, fn, inputs, args, shared, single_output)
            self.compiled[shapes] = (exported, []) if exported else (fn, _generator_copies(fn))
        values = self._call(shapes, args)
        give_back_freed_memory()  # XLA's
        return values

    def _call(self, shapes, args):
        """Call the function compiled for ``shapes``, its random numbers drawn from the ``shared`` generators."""
        fn, generator_copies = self.compiled[shapes]
        if data_parallel.SPREAD and not self.data_parallel:
            data_parallel.localise(fn.input_storage)
        for generator, jax_copy in generator_copies:
            jax_copy[0] = next_jax_key(generator)
        return fn(*args)


def give_back_freed_memory():
    """Free the compile's garbage and hand the heap's free pages back to the system.

    Building, rewriting and compiling a graph leave cycles of PyTensor objects and freed blocks
    inside the C heap, which glibc keeps resident; every training call then maps XLA's scratch
    buffer on top of them, so the freed pages would add to the peak (docs/performance.md). Where
    the C library has no ``malloc_trim`` (not glibc), only the garbage is collected.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _generator_copies(fn):
    """(shared NumPy generator, storage of the JAX function's copy of it) for each generator ``fn`` reads.

    PyTensor's JAX linker compiles a copy of each ``shared`` random generator (as a JAX key),
    updated by the function but never written back to the shared variable.
    """
    return [(spec.variable, fn.vm.storage_map[variable])
            for spec, variable in zip(fn.maker.inputs, fn.maker.fgraph.inputs)
            if spec.variable is not variable and isinstance(variable.type, RandomType)]


@contextlib.contextmanager
def _quiet_compile():
    """Compile with JAX as PyTensor's default mode too, and without PyTensor's noise about it.

    - PyTensor 3.0 rewrites a scan's inner graph with the default mode, which would put C-only
      ops (``Gemm``) into a graph for JAX.
    - A length of 1 in a static shape makes that axis broadcastable (the lesson's B = 1), while
      the scans inside were built for any length: a rewrite that rebuilds such a scan is refused
      (``check_broadcast``), the scan stays as it was, and PyTensor logs the refusal with a
      traceback. XLA optimises the loop itself, so nothing is lost but the noise.
    - Inside a scan the batch length is unknown to PyTensor, which warns that JAX drops its
      run-time broadcast checks; XLA checks every shape when it compiles.
    - PyTensor warns that JAX uses a copy of each ``shared`` random generator: ``next_jax_key``
      keys that copy from the shared generator at every call.
    - JAX warns where a float32 graph accumulates in float64 (a softmax's gradient) without
      ``jax_enable_x64``: it computes in float32, as the graph's outputs are.

    It also builds the graph without PyTensor's creation tracebacks (``traceback__limit=0``): by
    default every variable records the 8 stack frames that made it, a quarter of the time it takes
    to build a recurrent model's graph; symrnn's errors do not read them.
    """
    logger = logging.getLogger("pytensor.graph.rewriting.basic")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with (pytensor.config.change_flags(on_opt_error="ignore", mode="JAX", traceback__limit=0),
              warnings.catch_warnings()):
            warnings.filterwarnings("ignore", message="Skipping Assert")
            warnings.filterwarnings("ignore", message="The RandomType SharedVariables")
            warnings.filterwarnings("ignore", message="Explicitly requested dtype float64")
            yield
    finally:
        logger.setLevel(level)


def settle_shared(fn):
    """Make the ``shared`` inputs of the compiled function ``fn`` hold NumPy arrays, not JAX's."""
    if "jax" not in sys.modules:
        return
    for container in fn.input_storage:
        if type(container.storage[0]).__module__.startswith("jax"):
            container.storage[0] = np.array(container.storage[0])


@functools.cache
def keep_compiled_code():
    """Keep XLA's compiled code on disk, beside PyTensor's (``<compiledir>/jax``), unless the user
    chose a place: a second run of the same model skips XLA's compile."""
    import jax

    if jax.config.jax_compilation_cache_dir is None:
        jax.config.update("jax_compilation_cache_dir", os.path.join(pytensor.config.compiledir, "jax"))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.1)


@functools.cache
def use_64_bits_as_pytensor_does():
    """Let JAX compute in 64 bits when PyTensor's floatX is float64, as PyTensor's JAX dispatch does
    when imported: a function loaded from ``symrnn.backends.function_cache`` runs without that import, and
    JAX would otherwise narrow a float64 gradient check's arrays to float32."""
    import jax

    jax.config.update("jax_enable_x64", pytensor.config.floatX == "float64")


@functools.cache
def use_output_dtypes_in_reductions():
    """PyTensor's JAX reductions return their accumulator's dtype (float64 for a float32 sum with
    ``acc_dtype="float64"``, as the gradient of softmax has), not the output's; a scan carrying
    the result then stops on "carry input and carry output must have equal types". Cast back.
    """
    from pytensor.link.jax.dispatch.basic import jax_funcify
    from pytensor.tensor.elemwise import CAReduce

    accumulate = jax_funcify.dispatch(CAReduce)

    @jax_funcify.register(CAReduce)
    def careduce_in_output_dtype(op, node=None, **kwargs):
        reduce, dtype = accumulate(op, node=node, **kwargs), node.outputs[0].dtype

        def careduce(x):
            return reduce(x).astype(dtype)

        return careduce
