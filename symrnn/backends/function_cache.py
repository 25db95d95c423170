"""JAX-compiled functions kept on disk, keyed by the graph before PyTensor rewrites it.

Without it a warm start of a training run builds the graph, lets PyTensor rewrite it (the
larger part of a warm start: docs/performance.md) and lets JAX trace the result, only to find
XLA's code in its own cache. This cache skips the rewriting and the tracing: the first run
of a graph exports the compiled function (``jax.export``: StableHLO, no pickle) under a key of
the graph as built; a later run that builds the same graph loads it and calls it.

The key is a SHA-256 of the graph's full structure — every op with all its parameters, inner
graphs of scans included, every input's type, every constant's data — plus the rewrites asked
for, the versions of Python, NumPy, PyTensor, JAX and symrnn's own source. Any difference, a
user cell's changed step included, is another key. A graph with an op the key cannot vouch for
(a user's own op, which could compute otherwise under the same name and parameters; a
parameter that is a user's function) is not kept. Shared
variables enter by type only: the weights are arguments of the exported function, never part
of it. An unreadable entry is compiled anew and replaced; beyond ``MAX_ENTRIES`` the least
recently used are deleted. ``SYMRNN_FUNCTION_CACHE=0`` turns the cache off.
"""
import base64
import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import platform
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytensor
from pytensor.compile import SharedVariable
from pytensor.graph.basic import Constant
from pytensor.graph.fg import FunctionGraph
from pytensor.graph.op import Op
from pytensor.graph.traversal import ancestors, io_toposort
from pytensor.graph.type import Type
from pytensor.tensor.random.type import RandomType

from symrnn.backends import xla_options
from symrnn.backends.jax_random import next_jax_key
from symrnn.checkpoint import write_atomically
from symrnn.validate import environment_choice

FORMAT = 2  # an entry holds its key and the SHA-256 of its exported function
MAX_ENTRIES = 500  # 20–150 KB each; the least recently used beyond this are deleted


class Uncacheable(Exception):
    """The graph holds something ``graph_key`` cannot describe exactly."""


def enabled():
    """Whether ``$SYMRNN_FUNCTION_CACHE`` (default 1) lets compiled functions be kept and reused."""
    return environment_choice("SYMRNN_FUNCTION_CACHE", ("1", "0")) == "1"


def cache_dir():
    """``<PyTensor's compiledir>/symrnn_functions``."""
    return Path(pytensor.config.compiledir) / "symrnn_functions"


def _yours(path):
    """Whether ``path`` belongs to this user and nobody else can write it: only such a folder and
    such entries are read (an entry someone else can change could compute anything)."""
    status = path.stat()
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _private_folder():
    """The cache folder, made (or, where it is this user's, kept) readable by this user alone;
    None where it is someone else's."""
    folder = cache_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_uid != os.getuid():
        return None
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)
    return folder


def _digest(exported):
    return hashlib.sha256(exported.encode("ascii")).hexdigest()


def graph_key(inputs, outputs, updates, mode):
    """(key, shared variables in the order the key met them), or (None, None) for an uncacheable graph.

    inputs, outputs (a list), updates (a dict): as for ``pytensor.function``; mode: its ``Mode``.
    """
    try:
        describer = _Describer(inputs)
        lines = describer.graph([*outputs, *updates.values()])
        update_pairs = [[describer.root(s), describer.number(v)] for s, v in updates.items()]
    except Uncacheable:
        return None, None
    import jax

    query = mode._optimizer
    text = json.dumps([FORMAT, _versions(), jax.config.jax_enable_x64, pytensor.config.floatX,
                       os.environ.get("PYTENSOR_FLAGS", ""), type(mode.linker).__qualname__, sorted(query.include),
                       sorted(query.exclude), describer.roots, lines, len(outputs), update_pairs],
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest(), describer.shared


class _Describer:
    """Writes a graph as JSON-able lists, numbering variables in the order it meets them: ``roots``
    describes the variables no node makes, the lines of ``graph`` the nodes."""

    def __init__(self, inputs):
        self.inputs = {x: i for i, x in enumerate(inputs)}
        self.ids, self.roots, self.shared = {}, [], []

    def graph(self, outputs):
        lines = []
        roots = [v for v in ancestors(outputs) if v.owner is None]
        for node in io_toposort(roots, outputs):
            refs = [self.number(x) for x in node.inputs]
            for out in node.outputs:
                self.ids[out] = len(self.ids)
            lines.append([_op(node.op), refs, [_type(out.type) for out in node.outputs]])
        lines.append([self.number(x) for x in outputs])
        return lines

    def number(self, variable):
        return self.root(variable) if variable.owner is None else self.ids[variable]

    def root(self, variable):
        """The number of a variable no node makes, described in ``roots`` when first met."""
        if variable not in self.ids:
            self.ids[variable] = len(self.ids)
            if variable in self.inputs:
                self.roots.append(["input", self.inputs[variable], _type(variable.type)])
            elif isinstance(variable, SharedVariable):
                self.shared.append(variable)
                self.roots.append(["shared", _type(variable.type)])
            elif isinstance(variable, Constant):
                self.roots.append(["constant", _type(variable.type), _value(variable.data)])
            else:
                raise Uncacheable(f"free variable {variable}")
        return self.ids[variable]


def _inner_graph(inputs, outputs):
    describer = _Describer(inputs)
    lines = describer.graph(outputs)
    if describer.shared:
        raise Uncacheable("an inner graph reads a shared variable")
    return [describer.roots, lines]


def _op(op):
    from pytensor.compile.builders import OpFromGraph
    from pytensor.scan.op import Scan

    name = _known_class(op)
    if isinstance(op, Scan):
        return [name, _value(dataclasses.asdict(op.info)), op.truncate_gradient, op.name, op.allow_gc,
                _inner_graph(op.inner_inputs, op.inner_outputs)]
    if isinstance(op, OpFromGraph):
        return [name, op.is_inline, _value(op.destroy_map), _inner_graph(op.inner_inputs, op.inner_outputs)]
    if hasattr(op, "__props__"):
        return [name, [[prop, _value(getattr(op, prop))] for prop in op.__props__]]
    return _pytensor_object(op)


def _type(t):
    name = _known_class(t)
    if hasattr(t, "__props__"):
        return [name, [[prop, _value(getattr(t, prop))] for prop in t.__props__]]
    if not vars(t):
        return [name]
    raise Uncacheable(f"type {name}")


def _known_class(value):
    """The qualified name of ``value``'s class if PyTensor or symrnn defines it (symrnn's source is
    in the key). A user's op may change how it computes under the same name and parameters."""
    cls = type(value)
    if cls.__module__.split(".")[0] not in ("pytensor", "symrnn"):
        raise Uncacheable(f"{cls.__module__}.{cls.__qualname__} is not PyTensor's or symrnn's")
    return f"{cls.__module__}.{cls.__qualname__}"


def _value(value):
    """``value`` as JSON-able data that tells it apart from any other value of the kinds allowed."""
    if value is None or isinstance(value, bool | int | str):
        return [type(value).__name__, value]
    if isinstance(value, float):
        return ["float", value.hex()]
    if isinstance(value, np.generic | np.ndarray):
        array = np.ascontiguousarray(value)
        return ["array", str(array.dtype), list(array.shape), hashlib.sha256(array.tobytes()).hexdigest()]
    if isinstance(value, np.dtype):
        return ["dtype", str(value)]
    if isinstance(value, tuple | list):
        return [type(value).__name__, [_value(v) for v in value]]
    if isinstance(value, Mapping):
        return ["dict", sorted([_value(k), _value(v)] for k, v in value.items())]
    if isinstance(value, frozenset | set):
        return ["set", sorted(_value(v) for v in value)]
    if isinstance(value, slice):
        return ["slice", _value(value.start), _value(value.stop), _value(value.step)]
    if isinstance(value, Op):
        return ["op", _op(value)]
    if isinstance(value, Type):
        return ["type", _type(value)]
    if isinstance(value, FunctionGraph):
        return ["graph", _inner_graph(value.inputs, value.outputs)]
    return _pytensor_object(value)


def _pytensor_object(value):
    """A function or class of PyTensor's or NumPy's by name; an object of a PyTensor or symrnn class
    (a scalar op, an output type rule) by its class and attributes, as PyTensor compares them."""
    module = getattr(value, "__module__", None) or ""
    if hasattr(value, "__qualname__") and module.split(".")[0] in ("pytensor", "numpy", "builtins"):
        return ["function", module, value.__qualname__]
    if not hasattr(value, "__dict__"):
        raise Uncacheable(f"parameter {value!r}")
    return ["object", _known_class(value), sorted([attribute, _value(v)] for attribute, v in vars(value).items())]


@functools.cache
def _versions():
    """The versions the compiled code depends on, symrnn's source files' digest included."""
    import jax
    import jaxlib

    source = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        source.update(path.read_bytes())
    return [sys.version, platform.machine(), np.__version__, pytensor.__version__, jax.__version__,
            jaxlib.__version__, jax.default_backend(), source.hexdigest()]


def export_and_save(key, fn, inputs, args, shared, single_output=False):
    """Export the PyTensor function ``fn`` of ``inputs`` (JAX, compiled for ``args``), keep it under
    ``key``, and return it as a ``CachedFunction`` — what this run calls too, so that XLA compiles
    the exported code once and a later run finds it in XLA's cache as well.

    shared: ``graph_key``'s shared variables. Returns None where JAX cannot export ``fn`` (shape
    arguments, an op without a stable lowering, ``flatbuffers`` missing): the caller calls ``fn``.
    A directory that cannot be written leaves the function uncached, and the run as it was.
    """
    from jax import export

    maker = fn.maker
    if maker.linker.scalar_shape_inputs:
        return None
    position = {id(s): j for j, s in enumerate(shared)}
    arguments, values = [], []
    for spec, cell in zip(maker.inputs, fn.vm.inputs):
        variable = spec.variable
        if not isinstance(variable, SharedVariable):
            i = inputs.index(variable)
            arguments.append(["input", i])
            values.append(variable.type.filter(args[i]))  # as the PyTensor function would take it
        else:
            kind = "generator" if isinstance(variable.type, RandomType) else "shared"
            arguments.append([kind, position[id(variable)]])
            values.append(cell[0])
    updated = [None if isinstance(spec.variable.type, RandomType) else position[id(spec.variable)]
               for spec in maker.inputs if spec.update is not None]
    try:
        exported = export.export(fn.vm.jit_fn)(*values)
        blob = exported.serialize()
    except Exception:  # noqa: BLE001 - whatever JAX refuses to export is compiled as PyTensor does
        return None
    exported_text = base64.b64encode(bytes(blob)).decode()
    entry = {"format": FORMAT, "key": key, "arguments": arguments, "updated": updated,
             "n_outputs": len(maker.fgraph.outputs) - len(updated), "sha256": _digest(exported_text),
             "exported": exported_text}
    with contextlib.suppress(OSError):
        folder = _private_folder()
        if folder:
            write_atomically(folder / f"{key}.json", lambda file: file.write(json.dumps(entry).encode()))
            os.chmod(folder / f"{key}.json", 0o600)
            _forget_least_recently_used(folder, MAX_ENTRIES)
    return CachedFunction(exported, inputs, shared, arguments, updated, entry["n_outputs"], single_output)


def _forget_least_recently_used(directory, keep):
    """Delete all but the ``keep`` entries of ``directory`` most recently saved or loaded."""
    entries = sorted(directory.glob("*.json"), key=lambda path: path.stat().st_mtime)
    for path in entries[:max(0, len(entries) - keep)]:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def load(key, inputs, shared, single_output=False):
    """The ``CachedFunction`` kept under ``key`` for a graph on ``inputs`` and ``shared``, or None:
    for a missing or unreadable entry, one of another format or key, one whose exported function
    does not match its digest, and one in a folder (or a file) that is not this user's alone."""
    from jax import export

    path = cache_dir() / f"{key}.json"
    try:
        if not (_yours(cache_dir()) and _yours(path)):
            return None
        entry = json.loads(path.read_text())
        if entry["format"] != FORMAT or entry["key"] != key or entry["sha256"] != _digest(entry["exported"]):
            return None
        os.utime(path)  # used: the last to be forgotten
        exported = export.deserialize(bytearray(base64.b64decode(entry["exported"])))
        return CachedFunction(exported, inputs, shared, entry["arguments"], entry["updated"], entry["n_outputs"],
                              single_output)
    except Exception:  # noqa: BLE001 - a missing or unreadable entry: compile (anew)
        return None


class CachedFunction:
    """An exported JAX function called as the ``pytensor.function`` it was compiled from.

    Arguments: the explicit inputs (checked and converted by their types, as PyTensor's functions
    do), then the shared variables' current values; after the call, the update values go back
    into the shared variables. Random generators: each call keys JAX's copy from the NumPy
    generator and steps that generator, as ``symrnn.backends.jax_backend`` does for compiled functions.
    """

    def __init__(self, exported, inputs, shared, arguments, updated, n_outputs, single_output):
        self.call = xla_options.jit(exported.call)
        self.inputs, self.shared = inputs, shared
        self.arguments, self.updated, self.n_outputs = arguments, updated, n_outputs
        self.single_output = single_output

    @property
    def input_storage(self):
        """The containers of the ``shared`` variables it reads."""
        return [variable.container for variable in self.shared]

    def __call__(self, *args):
        values = []
        for kind, i in self.arguments:
            if kind == "input":
                values.append(self.inputs[i].type.filter(args[i]))
            elif kind == "shared":
                values.append(self.shared[i].container.storage[0])
            else:
                values.append(next_jax_key(self.shared[i]))
        results = self.call(*values)
        for j, value in zip(self.updated, results[self.n_outputs:]):
            if j is not None:
                self.shared[j].container.storage[0] = value
        return results[0] if self.single_output else list(results[:self.n_outputs])
