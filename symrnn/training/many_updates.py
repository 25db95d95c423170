"""K training updates in one compiled call: the training loop itself as a scan over windows.

With B = 1 and T = 8 (the lesson's online SGD) one call of the train function costs more in
Python and in PyTensor's call machinery than in arithmetic. ``many_updates_graph`` turns the
training graph of one update (``symrnn.training.graph.training_graph``) into the graph of K updates in a row:

- the ``shared`` variables the update dict changes (weights, optimiser state, dropout
  generators) become the state a scan carries from window to window;
- each window's graph is the training graph with that window, its learning rate and the carried
  values in place of ``inp``, ``outp``, ``lr`` and the shared variables (``clone_replace``);
- the compiled function's updates write back the values after the last window.

One call on K windows leaves the same weights as K calls of the one-update function, in the
same order (``tests/training/test_many_updates.py``). The number of windows is the length of the
(K, T, B) arrays, so one compiled function takes any K.
"""
from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.replace import clone_replace
from pytensor.tensor.random.type import RandomType

from symrnn.backends.compile import CompiledFunction
from symrnn.errors import ShapeError, TrainingDiverged
from symrnn.nn.recurrent import SCAN_KWARGS
from symrnn.training.graph import fixed_shape_training_graph


def many_updates_graph(inputs, outputs, upd_dict, *, carry_states=False, n_windows=None):
    """The graph of K updates from the graph of one.

    inputs ``[inp (T, B), outp (T, B), *h0, lr]``, outputs ``[error, *final_states]``, ``upd_dict``
    ``{shared: new value}``: the training graph of one update.
    carry_states: each window starts from the previous window's final states (stateful
    training); otherwise every window starts from ``h0``.
    n_windows: K fixed in the inputs' types (with a one-update graph of fixed (T, B)), or None.

    Returns ``(inputs, outputs, updates)`` for ``pytensor.function``: inputs ``[inps (K, T, B),
    outps (K, T, B), *h0, lrs (K,)]``, outputs ``[errors (K,), *final_states]`` (the last
    window's), updates ``{shared: value after the K-th update}``.
    """
    inp, outp, *h0, lr = inputs
    error, *final_states = outputs
    shared = list(upd_dict)
    n_shared, n_states = len(shared), len(h0)
    inps = pt.tensor("inps", dtype=inp.dtype, shape=(n_windows, *inp.type.shape))
    outps = pt.tensor("outps", dtype=outp.dtype, shape=(n_windows, *outp.type.shape))
    lrs = pt.tensor("lrs", dtype=lr.dtype, shape=(n_windows,))

    def window(x, y, rate, *rest):
        carried, states = rest[:n_shared], rest[n_shared:]  # states: carried, or h0 as non-sequences
        replace = {inp: x, outp: y, lr: rate, **dict(zip(shared, carried)), **dict(zip(h0, states))}
        new = clone_replace([error, *final_states, *(upd_dict[s] for s in shared)], replace)
        err, finals, values = new[0], new[1:1 + n_states], new[1 + n_states:]
        return [err, *values, *finals]

    if carry_states:
        outputs_info = [None, *shared, *h0]
        non_sequences = []
    else:
        outputs_info = [None, *shared, *([None] * n_states)]
        non_sequences = h0
    results = pytensor.scan(window, sequences=[inps, outps, lrs], outputs_info=outputs_info,
                            non_sequences=non_sequences, return_list=True, **SCAN_KWARGS)
    errors, values, finals = results[0], results[1:1 + n_shared], results[1 + n_shared:]
    # scan keeps only the last state of a random generator (generators do not stack)
    updates = OrderedDict((s, v if isinstance(v.type, RandomType) else v[-1]) for s, v in zip(shared, values))
    return [inps, outps, *h0, lrs], [errors, *(f[-1] for f in finals)], updates


class ManyUpdates:
    """A trainer's train function, K updates a call: ``(inputs, targets, lrs, states)`` with
    inputs/targets (K, T, B) int32 and lrs (K,) → (errors (K,), final states of the last window);
    ``TrainingDiverged`` when an error is not finite.

    The weights and optimiser state are the trainer's own ``shared`` variables, so ``predict``,
    checkpoints and single-update calls see what these calls did.
    """

    def __init__(self, trainer, *, carry_states=False):
        self.trainer, self.carry_states = trainer, carry_states
        self._fn = None

    @property
    def fn(self):
        if self._fn is None:
            self._fn = CompiledFunction.from_builders(self._any_shape_graph, self._fixed_shape_graph,
                                                      name="train (many updates)", mode=self.trainer.mode,
                                                      show_progress=self.trainer.show_progress,
                                                      **self.trainer.sharding(batch_axis=2))
        return self._fn

    def _any_shape_graph(self):
        graph = self.trainer.graph  # the one-update graph; its optimiser state is the trainer's own
        return many_updates_graph(graph.inputs, graph.outputs, graph.upd_dict, carry_states=self.carry_states)

    def _fixed_shape_graph(self, arrays):
        """The graph of K updates built on the one-update graph of the windows' fixed (T, B)."""
        n_windows, *window = np.shape(arrays[0])
        graph = fixed_shape_training_graph(self.trainer.optimizer_graph, self.trainer.model, tuple(window))
        return many_updates_graph(graph.inputs, graph.outputs, graph.upd_dict, carry_states=self.carry_states,
                                  n_windows=n_windows)

    @property
    def compile_seconds(self):
        return self._fn.compile_seconds if self._fn is not None else 0.0

    def __call__(self, inputs, targets, lrs, states):
        inputs, targets = np.asarray(inputs, np.int32), np.asarray(targets, np.int32)
        if inputs.ndim != 3 or inputs.shape != targets.shape or len(lrs) != len(inputs):
            raise ShapeError(f"many updates take (K, T, B) inputs and targets and K learning rates, got "
                             f"{inputs.shape}, {targets.shape} and {len(lrs)}")
        lrs = np.asarray(lrs, self.trainer.model.dtype)
        errors, *final_states = self.fn(inputs, targets, *states, lrs)
        diverged = np.flatnonzero(~np.isfinite(errors))
        if diverged.size:
            k = diverged[0]
            raise TrainingDiverged(f"the loss became {float(errors[k])} at update {k + 1} of {len(errors)} in one call "
                                   f"(learning rate {lrs[k]}); lower the learning rate or clip gradients")
        return errors, final_states
