"""Data-parallel training on JAX's sharding: one batch split over several devices, and processes.

The training function stays the one PyTensor compiles for the whole batch: ``ShardedFunction``
takes its pure JAX function (``fn.vm.jit_fn``, as ``symrnn.backends.function_cache`` exports it)
and jits it again with shardings over a one-axis ``Mesh`` called ``"data"``:

- each batch, and each carried state, is split along its batch axis (``PartitionSpec`` with
  ``"data"`` there); weights, optimiser state, the learning rate and the random key are
  replicated (``PartitionSpec()``);
- XLA partitions the graph: every device runs its rows through the scans, and the sums over the
  batch (the loss, the gradients) become all-reduces. The update is the one-device update, its
  sums added in another order: the numbers agree to the last bits, not bit for bit;
- every output is replicated, so the error, the final states and the new weights read as on one
  device, in every process.

A batch the devices cannot split evenly (a short last batch) runs replicated, every device
computing all of it: the same numbers, no speed-up. Dropout draws its masks from one key, and
JAX's partitionable threefry (its default) gives each device the bits of its rows: the masks of
one device, split.

Across processes (``symrnn.backends.processes``) the mesh holds the devices of every process;
each process builds the global batch and places its own rows (``jax.make_array_from_callback``).
"""
import contextlib
import os

import numpy as np

from symrnn.backends import processes, xla_options
from symrnn.errors import ConfigError

AXIS = "data"
SPREAD = False  # whether a ShardedFunction has left arrays spread over devices in ``shared`` variables


class DataParallel:
    """The devices a batch is split over: ``devices`` local devices (None: all) of every process,
    in one mesh axis ``"data"``.

    On a machine whose JAX platform is the CPU, ``devices`` > 1 asks XLA for that many CPU devices
    (``jax_num_cpu_devices``), sharing the cores, at most one per core; with GPUs, the first
    ``devices`` of each process.
    """

    def __init__(self, devices=None):
        import jax
        from jax.sharding import Mesh, NamedSharding, PartitionSpec

        if devices is not None and devices > 1:
            _ask_for_cpu_devices(devices)
        local = jax.local_devices()
        per_process = len(local) if devices is None else devices
        if per_process < 1 or per_process > len(local):
            raise ConfigError(_too_many(per_process, local))
        if local[0].platform == "cpu":
            _check_cpu_devices(per_process)
        mine = {d.id for d in local[:per_process]}
        chosen = [d for d in jax.devices() if d.process_index != jax.process_index() or d.id in mine]
        by_process = {}
        for device in chosen:
            by_process.setdefault(device.process_index, []).append(device)
        devices = [d for p in sorted(by_process) for d in by_process[p][:per_process]]
        self.mesh = Mesh(np.array(devices), (AXIS,))
        self.size, self.per_process, self.processes = len(devices), per_process, jax.process_count()
        self.replicated = NamedSharding(self.mesh, PartitionSpec())
        self._named_sharding, self._partition_spec = NamedSharding, PartitionSpec

    def collective(self):
        """The context of a call that meets the other processes: ``processes.collective`` (a deadline,
        and one line if a process is lost), or nothing to watch in one process."""
        return processes.collective() if self.processes > 1 else contextlib.nullcontext()

    def __repr__(self):
        return f"DataParallel({self.per_process} devices × {self.processes} processes)"

    def check_batch_size(self, batch_size):
        """``ConfigError`` unless a batch of ``batch_size`` rows splits evenly over the devices."""
        check_batch_size(batch_size, self.per_process, self.processes)

    def sharding(self, axis, ndim):
        """Split along ``axis`` of an ``ndim``-dimensional array (None: replicated)."""
        if axis is None:
            return self.replicated
        spec = [None] * ndim
        spec[axis] = AXIS
        return self._named_sharding(self.mesh, self._partition_spec(*spec))

    def place(self, array, sharding):
        """The global ``jax.Array`` of ``array`` (the same in every process) laid out as ``sharding``:
        each process fills its own devices' parts."""
        import jax

        array = np.asarray(array)
        return jax.make_array_from_callback(array.shape, sharding, lambda index: array[index])


def check_batch_size(batch_size, per_process, processes):
    """``ConfigError`` unless a batch of ``batch_size`` rows splits evenly over ``per_process`` devices
    of each of ``processes`` processes; needs no JAX (the command line checks before JAX starts)."""
    size = per_process * processes
    if batch_size % size:
        where = f" ({per_process} in each of {processes} processes)" if processes > 1 else ""
        raise ConfigError(f"a batch of {batch_size} does not split evenly over {size} devices{where}: use a "
                          f"batch size that is a multiple of {size}")


def _ask_for_cpu_devices(count):
    """Ask XLA for ``count`` CPU devices, unless the environment sets their number or JAX has started
    already (then the devices it has stand)."""
    import jax

    if _cpu_devices_set_by_environment():
        return
    try:
        jax.config.update("jax_num_cpu_devices", count)
    except RuntimeError:  # the backend is up: its devices are what there is
        return


def _cpu_devices_set_by_environment():
    forced = "xla_force_host_platform_device_count" in os.environ.get("XLA_FLAGS", "")
    return bool(os.environ.get("JAX_NUM_CPU_DEVICES") or forced)


def _too_many(count, local):
    platform = local[0].platform
    if platform != "cpu":
        return f"{count} devices asked for, and this process has {len(local)} ({platform})"
    if _cpu_devices_set_by_environment():
        return (f"{count} devices asked for, and JAX has {len(local)} CPU devices in this process, as "
                f"JAX_NUM_CPU_DEVICES or XLA_FLAGS (--xla_force_host_platform_device_count) set")
    return (f"{count} devices asked for, and JAX has {len(local)} CPU devices in this process: it started before "
            f"symrnn could ask for more; set JAX_NUM_CPU_DEVICES={count} before it starts")


def _check_cpu_devices(count):
    """``ConfigError`` where ``count`` CPU devices would be more than this machine's cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if count > cores:
        raise ConfigError(f"{count} devices asked for, and this machine has no GPU for JAX and {cores} CPU cores: "
                          f"a batch is split over at most one CPU device per core")


class ShardedFunction:
    """The PyTensor JAX function ``fn`` (compiled for argument ``shapes``), run over ``data_parallel``'s
    mesh and called as ``fn`` itself: explicit arguments split along ``batch_axes`` (one per
    argument: an axis, or None for replicated), shared values replicated, every output replicated;
    the updated values go back into the ``shared`` variables as replicated global arrays.
    """

    def __init__(self, fn, data_parallel, batch_axes, shapes):
        global SPREAD
        from pytensor.compile import SharedVariable
        from pytensor.tensor.random.type import RandomType

        maker = fn.maker
        self.data_parallel = data_parallel
        specs = [spec.variable for spec in maker.inputs]
        self.explicit = [v for v in specs if not isinstance(v, SharedVariable)]
        self.shared = specs[len(self.explicit):]
        self.is_generator = [isinstance(v.type, RandomType) for v in self.shared]
        self.updated = [(j, v) for j, (spec, v) in enumerate(zip(maker.inputs[len(self.explicit):], self.shared))
                        if spec.update is not None]
        self.n_outputs = len(maker.fgraph.outputs) - len(self.updated)
        splits = [axis if axis is not None and shape[axis] % data_parallel.size == 0 else None
                  for axis, shape in zip(batch_axes, shapes)]
        self.input_shardings = [data_parallel.sharding(axis, len(shape)) for axis, shape in zip(splits, shapes)]
        replicated = data_parallel.replicated
        pure_function = fn.vm.jit_fn.__wrapped__  # the function PyTensor's linker jitted: one jit, with shardings
        self.call = xla_options.jit(pure_function,
                                    in_shardings=[*self.input_shardings, *[replicated] * len(self.shared)],
                                    out_shardings=(replicated,) * len(maker.fgraph.outputs))
        SPREAD = True

    @property
    def input_storage(self):
        return [variable.container for variable in self.shared]

    def __call__(self, *args):
        import jax

        from symrnn.backends.jax_random import next_jax_key

        place, replicated = self.data_parallel.place, self.data_parallel.replicated
        values = [place(variable.type.filter(arg), sharding)
                  for variable, arg, sharding in zip(self.explicit, args, self.input_shardings)]
        for variable, is_generator in zip(self.shared, self.is_generator):
            if is_generator:  # a key: a dict of arrays and numbers
                values.append(jax.tree.map(lambda leaf: place(leaf, replicated), next_jax_key(variable)))
                continue
            value = variable.container.storage[0]
            values.append(value if getattr(value, "sharding", None) == replicated else place(value, replicated))
        with self.data_parallel.collective():  # JAX dispatches asynchronously: a lost peer shows when waited for
            results = jax.block_until_ready(self.call(*values))
        for (j, variable), value in zip(self.updated, results[self.n_outputs:]):
            if not self.is_generator[j]:
                variable.container.storage[0] = value
        return list(results[:self.n_outputs])


def localise(containers):
    """Make the storage of ``containers`` (a compiled function's inputs) hold no array spread over
    several devices: a function compiled for one device reads the weights a ``ShardedFunction``
    left replicated as NumPy arrays (every process has them all)."""
    for container in containers:
        value = container.storage[0]
        sharding = getattr(value, "sharding", None)
        if sharding is not None and len(sharding.device_set) > 1:
            container.storage[0] = np.asarray(value)
