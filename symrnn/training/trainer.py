"""Compiling and running a model's training and prediction graphs (``symrnn.training.graph``); checkpoints.

``Trainer`` compiles each function lazily, at its first use, and checks the arrays it is given;
``symrnn.training.fit`` is the training loop around it.
"""
import numpy as np

from symrnn import checkpoint
from symrnn.backends.compile import CompiledFunction
from symrnn.errors import ConfigError, ShapeError, TrainingDiverged
from symrnn.optim.updates import optimizer_state
from symrnn.registry import optimizer_builder
from symrnn.training.graph import fixed_shape_training_graph, prediction_graph, update_rule
from symrnn.training.many_updates import ManyUpdates


class Trainer:
    """Compiles (lazily, on first use) and calls a model's train and predict functions.

    optimizer: a name from ``symrnn.registry.OPTIMIZERS`` or an update-dict builder
    ``(grads, params, lr) -> OrderedDict``; clip: global gradient-norm limit (None: no clipping).
    devices: split every training batch over this many devices of each process (JAX only;
    ``symrnn.backends.data_parallel``): the same updates as on one device, to the last bits. In a
    run of several processes (``symrnn.backends.processes.join``) the batch is split over
    ``devices`` devices of each of them (1: one each). Prediction runs on one device.
    Arrays are time-major: ``inputs``/``targets`` (T, B) integer indices, every state (B, size).
    """

    def __init__(self, model, optimizer="sgd", *, clip=None, mode=None, show_progress=True, devices=None):
        self.model, self.optimizer, self.clip = model, optimizer_builder(optimizer), clip
        self.mode, self.show_progress = mode, show_progress
        self._graph = self._update_rule = self._predict_fn = self._train_fn = None
        self.data_parallel, self.devices, self._many_updates = _data_parallel(devices, mode), devices, {}

    def use_devices(self, devices):
        """Train over ``devices`` from now on (see the class); asked for another number than before,
        the train functions compile anew."""
        if devices != self.devices:
            self.data_parallel, self.devices = _data_parallel(devices, self.mode), devices
            self._train_fn, self._many_updates = None, {}

    @property
    def optimizer_graph(self):
        """The optimiser's updates alone (``symrnn.training.graph.update_rule``), built on first use:
        it holds the optimiser's state, and every window's training graph is built on it."""
        if self._update_rule is None:
            self._update_rule = update_rule(self.model, self.optimizer, self.clip)
        return self._update_rule

    @property
    def graph(self):
        """The ``symrnn.training.graph.TrainingGraph`` for windows of any shape, built (not compiled)
        on first use. A backend that compiles per shape never needs it (see ``train_fn``)."""
        if self._graph is None:
            self._graph = fixed_shape_training_graph(self.optimizer_graph, self.model, (None, None))
        return self._graph

    @property
    def train_fn(self):
        """``(inp, outp, *h0, lr) -> [error, *final_states]``, applying ``graph.upd_dict``."""
        if self._train_fn is None:
            self._train_fn = CompiledFunction.from_builders(
                lambda: (self.graph.inputs, self.graph.outputs, self.graph.upd_dict), self._fixed_shape_training_graph,
                name="train", mode=self.mode, show_progress=self.show_progress, **self.sharding(batch_axis=1))
        return self._train_fn

    def sharding(self, batch_axis):
        """The arguments that split a train function over ``data_parallel`` (none on one device): its
        windows' batch axis is ``batch_axis``, every state's is 0, the learning rate's none."""
        if self.data_parallel is None:
            return {}
        n_states = len(self.model.cell.state_names)
        return {"data_parallel": self.data_parallel, "batch_axes": [batch_axis, batch_axis, *[0] * n_states, None]}

    def check_batch_size(self, batch_size):
        """``ConfigError`` unless batches of ``batch_size`` split evenly over the devices."""
        if self.data_parallel is not None:
            self.data_parallel.check_batch_size(batch_size)

    def _fixed_shape_training_graph(self, arrays):
        graph = fixed_shape_training_graph(self.optimizer_graph, self.model, np.shape(arrays[0]))
        return graph.inputs, graph.outputs, graph.upd_dict

    @property
    def predict_fn(self):
        """``(inp, *h0) -> [probabilities (T, B, V), *final_states]``, deterministic."""
        if self._predict_fn is None:
            def any_shape():
                graph = prediction_graph(self.model)
                return graph.inputs, graph.outputs, None
            self._predict_fn = CompiledFunction.from_builders(any_shape, self._fixed_shape_prediction_graph,
                                                              name="predict", mode=self.mode,
                                                              show_progress=self.show_progress)
        return self._predict_fn

    def _fixed_shape_prediction_graph(self, arrays):
        graph = prediction_graph(self.model, np.shape(arrays[0]))
        return graph.inputs, graph.outputs, {}

    def many_updates(self, carry_states=False):
        """This trainer's ``many_updates.ManyUpdates`` (K updates a call), compiled on first call."""
        if carry_states not in self._many_updates:
            self._many_updates[carry_states] = ManyUpdates(self, carry_states=carry_states)
        return self._many_updates[carry_states]

    @property
    def compile_seconds(self):
        functions = [f for f in (self._train_fn, self._predict_fn) if f is not None]
        return sum(f.compile_seconds for f in functions) + sum(m.compile_seconds for m in self._many_updates.values())

    def train_step(self, inputs, targets, lr, states=None):
        """One update on a (T, B) batch; returns (summed-over-window error, final states)."""
        inputs, targets = self.checked_pair(inputs, targets)
        states = self._states(states, inputs.shape[1])
        return self.unchecked_train_step(inputs, targets, np.asarray(lr, self.model.dtype), states)

    def unchecked_train_step(self, inputs, targets, lr, states):
        """``train_step`` for arrays already checked (int32 batches, ``lr`` of the model dtype)."""
        error, *final_states = self.train_fn(inputs, targets, *states, lr)
        if not np.isfinite(error):
            raise TrainingDiverged(f"the loss became {float(error)} (learning rate {lr}); "
                                   f"lower the learning rate or clip gradients")
        return float(error), final_states

    def predict(self, inputs, states=None):
        """Next-character probabilities (T, B, V) for (T, B) inputs, and the final states."""
        inputs = self._indices(inputs, "inputs")
        probs, *final_states = self.predict_fn(inputs, *self._states(states, inputs.shape[1]))
        return probs, final_states

    def checked_pair(self, inputs, targets):
        """(inputs, targets) as int32 arrays of one shape, or a ``ShapeError`` saying why."""
        inputs, targets = self._indices(inputs, "inputs"), self._indices(targets, "targets")
        if inputs.shape != targets.shape:
            raise ShapeError(f"inputs {inputs.shape} and targets {targets.shape} differ in shape")
        return inputs, targets

    def _indices(self, array, what):
        array = np.asarray(array)
        if array.ndim < 2 or array.dtype.kind not in "iu":
            raise ShapeError(f"{what} must be a (T, B) integer array, got {array.dtype} {array.shape}")
        vocab_size = self.model.config["vocab_size"]
        if array.size and (array.min() < 0 or array.max() >= vocab_size):
            raise ShapeError(f"{what} hold indices outside the vocabulary [0, {vocab_size})")
        return array.astype(np.int32, copy=False)

    def _states(self, states, batch_size):
        if states is None:
            return self.model.zero_states(batch_size)
        expected = [(batch_size, n) for n in self.model.cell.state_sizes()]
        got = [np.shape(s) for s in states]
        if got != expected:
            raise ShapeError(f"initial states must have shapes {expected}, got {got}")
        return [np.asarray(s, dtype=self.model.dtype) for s in states]

    # -- checkpoints -------------------------------------------------------------------------

    def _checkpointed(self, optimizer=True):
        """Name → shared variable for what a checkpoint holds: the model's, and the optimiser's."""
        variables = {f"model.{i:03d}.{v.name}": v for i, v in enumerate(self.model.variables)}
        if optimizer:
            variables.update({f"optim.{i:03d}.{v.name}": v
                              for i, v in enumerate(optimizer_state(self.optimizer_graph.upd_dict))})
        return variables

    def save(self, path, meta, states=None):
        """Write weights, optimiser state, dropout generators, ``states`` and ``meta`` atomically."""
        arrays = checkpoint.shared_values(self._checkpointed())
        arrays.update({f"state.{i}": s for i, s in enumerate(states or [])})
        meta = {**meta, "config": self.model.config,
                "generators": [checkpoint.rng_state(g.get_value()) for g in self.model.random_generators]}
        checkpoint.save_checkpoint(path, arrays, meta)

    def restore(self, arrays, meta, optimizer=True):
        """Load what ``save`` wrote (``checkpoint.load_checkpoint``'s result); returns the states.

        ``optimizer=False`` restores the model alone (for prediction: no train function compiled).
        """
        checkpoint.check_compatible(meta.get("config", {}), self.model.config)
        checkpoint.restore_shared(self._checkpointed(optimizer), arrays)
        for generator, state in zip(self.model.random_generators, meta.get("generators", [])):
            generator.set_value(checkpoint.rng_from_state(state))
        states = [arrays[f"state.{i}"] for i in range(len(self.model.cell.state_names))
                  if f"state.{i}" in arrays]
        return states or None


def _data_parallel(devices, mode):
    """The ``DataParallel`` that ``devices`` asks for, or None for one device in one process."""
    from symrnn.backends import processes
    from symrnn.backends.compile import compiles_per_shape

    if devices is None:
        return None
    if not isinstance(devices, int) or devices < 1:
        raise ConfigError(f"devices must be a positive whole number, got {devices!r}")
    if devices == 1 and not processes.joined():
        return None
    if not compiles_per_shape(mode):
        raise ConfigError("training over several devices or processes needs the JAX backend (--mode JAX)")
    from symrnn.backends.data_parallel import DataParallel

    return DataParallel(devices)
