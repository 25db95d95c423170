"""Backpropagation through time that reuses the forward pass's values.

``pytensor.grad`` through a plain ``pytensor.scan`` builds a backward loop that *recomputes*
what the step computed — ``h·W_h``, the gates, their nonlinearities — because the forward loop
keeps only the states (Theano issue #2122). cuDNN and PyTorch keep the gates instead, and
compute the weights' gradients after the loop, as one product over all T·B rows. This module
does both for any cell, from the cell's own symbolic ``step``:

1. The gradient of one step is taken symbolically, on stand-in variables: ``pytensor.grad`` of
   ``Σ_i <new_state_i, cotangent_i>`` with respect to ``x_t``, the states at t−1 and the
   parameters (a vector-Jacobian product).
2. The forward variables that this gradient reads and that change from step to step (the gates,
   a relu's pre-activation …) are found by walking the two graphs; one that is elementwise
   arithmetic on the others, the states and the step's inputs (the GRU's ``1 − z``, the LSTM's
   ``tanh(c)``) is recomputed in the backward pass instead (less memory, the same products).
3. The forward ``scan`` returns those values as extra outputs, one (T, B, …) sequence each.
4. The backward ``scan`` steps only the states' part of the one-step gradient, from t = T−1 down
   to 0, reading the saved values instead of recomputing them, and emits each step's cotangent
   (the loss's gradient with respect to the states at t).
5. After the loop, the one-step gradient is applied once to all T·B rows at once (time folded
   into the batch) for the inputs' and the parameters' gradients: ``dW_h = Σ_t h_{t−1}ᵀ·δ_t``
   becomes one large product.

Step 5 needs a step that treats the batch's rows independently, as every RNN cell does; a cell
whose step mixes rows (batch statistics inside the step) sets ``Cell.rows_independent = False``
and gets PyTensor's own scan gradient. Both loops sit in one ``OpFromGraph`` whose gradient is
steps 4–5 (its ``pullback``), inlined when compiled. A user's model is still ``step`` + ``scan`` +
``pytensor.grad``: only the backward graph differs, and ``symrnn gradcheck`` judges it against
NumPy as before.
"""
import inspect

import pytensor
import pytensor.scalar as ps
import pytensor.tensor as pt
from pytensor.compile.builders import OpFromGraph
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.gradient import DisconnectedType, disconnected_type
from pytensor.graph.replace import clone_replace, graph_replace
from pytensor.graph.rewriting.utils import rewrite_graph
from pytensor.graph.traversal import ancestors, io_toposort
from pytensor.tensor.elemwise import DimShuffle, Elemwise
from pytensor.tensor.shape import Shape, Shape_i

from symrnn.nn.cells import hidden_parameters_error
from symrnn.nn.join_blocks import join_tiling_blocks
from symrnn.rewrites import UNUSED_REWRITES

# pytensor >= 2.x warns unless scan is told to return outputs only (its old (outputs, updates)
# pair is going away); older releases have no such argument.
SCAN_KWARGS = ({"return_updates": False}
               if "return_updates" in inspect.signature(pytensor.scan).parameters else {})


def scan_saving_forward(step, sequences, initial_states, non_sequences, name="step"):
    """``pytensor.scan(step, sequences, outputs_info=initial_states, non_sequences=...)`` whose
    gradient reads the forward pass's saved values instead of recomputing them.

    sequences: (T, B, …) tensors stepped over together; initial_states: (B, size) per state the
    step returns; non_sequences: the step's remaining inputs (the parameters), the same for every
    row. ``step(x_t, …, *states_tm1, *non_sequences)`` must treat the B rows independently and
    read no ``shared`` variable but through its arguments (``name`` says whose step, in the error).
    Returns the list of state sequences, (T, B, size) each, as scan returns them.
    """
    one_step = OneStep(step, sequences, initial_states, non_sequences)
    hidden = [v for v in ancestors(one_step.new_states, blockers=one_step.stand_ins)
              if isinstance(v, SharedVariable)]
    if hidden:  # (PyTensor 3.3 would refuse the graph with an error of its own)
        raise hidden_parameters_error(name, hidden)
    outer_inputs = [*sequences, *initial_states, *non_sequences]
    inner_inputs = [v.type() for v in outer_inputs]
    op = OpFromGraph(inner_inputs, one_step.forward(*one_step.split(inner_inputs)), inline=True,
                     pullback=one_step.pullback, name="scan_saving_forward")
    return op(*outer_inputs, return_list=True)[:len(initial_states)]


class OneStep:
    """One step's graph, its symbolic gradient, and the forward values that gradient reads.

    Built once on stand-in variables: ``x_t`` (B, …) per sequence, the states at t−1 (B, size),
    and the non-sequences. The batch dimension of the stand-ins is left unknown, so that the same
    gradient graph serves one step (B rows) and all steps at once (T·B rows).
    """

    def __init__(self, step, sequences, initial_states, non_sequences):
        self.seq_t = [_rows_type(s.type.shape[1:], s.dtype)() for s in sequences]
        self.states_tm1 = [_rows_type(s.type.shape, s.dtype)() for s in initial_states]
        self.non_seqs = [v.type() for v in non_sequences]
        new_states = step(*self.seq_t, *self.states_tm1, *self.non_seqs)
        self.new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        self.cotangents = [s.type() for s in self.new_states]
        self.stand_ins = [*self.seq_t, *self.states_tm1, *self.non_seqs]
        floats = [v for v in self.stand_ins if v.dtype.startswith("float")]
        # Σ_i <new_state_i, cotangent_i>: its gradient is the vector-Jacobian product summed over every
        # path (known_grads would stop at a state that also feeds another, as LSTM's c feeds h).
        pairing = sum((s * c).sum() for s, c in zip(self.new_states, self.cotangents))
        grads = pytensor.grad(pairing, wrt=floats, disconnected_inputs="ignore", return_disconnected="disconnected")
        connected = [(v, g) for v, g in zip(floats, grads) if not isinstance(g.type, DisconnectedType)]
        # Canonicalised together, the gradient's own sigmoid(z) merges with the forward's, and
        # zeros_like(gates) asks for the gates' shape instead of their values; the gates'
        # gradient becomes one join of its blocks.
        n_states = len(self.new_states)
        rewritten = rewrite_graph([*self.new_states, *(g for _, g in connected)], include=("canonicalize",),
                                  exclude=UNUSED_REWRITES, custom_rewrite=join_tiling_blocks, clone=True)
        self.new_states = list(rewritten[:n_states])
        self.grads = {v: g for (v, _), g in zip(connected, rewritten[n_states:])}
        # inputs the states depend on: where the step stops their gradient, it is zero, not disconnected
        self.reach_states = set(ancestors(self.new_states, blockers=self.stand_ins)).intersection(self.stand_ins)
        self.saved = self._values_the_gradient_reads()

    def split(self, inputs):
        """``inputs`` in ``stand_ins`` order → (sequences, initial states, non-sequences)."""
        n_seq, n_states = len(self.seq_t), len(self.states_tm1)
        return inputs[:n_seq], inputs[n_seq:n_seq + n_states], inputs[n_seq + n_states:]

    def _values_the_gradient_reads(self):
        """Forward variables, changing from step to step, that the gradient's own nodes read.

        A value read only for its shape is not saved: shape inference answers from the inputs.
        """
        forward_order = io_toposort(self.stand_ins, self.new_states)
        forward_nodes = set(forward_order)
        grads = list(self.grads.values())
        gradient_nodes = dict.fromkeys(v.owner for v in ancestors(grads, blockers=self.stand_ins)
                                       if v.owner is not None and v.owner not in forward_nodes)  # ordered: one graph
        read = [v for node in gradient_nodes for k, v in enumerate(node.inputs)
                if v.owner in forward_nodes and not _reads_shape_only(node, k)]
        read += [g for g in grads if g.owner in forward_nodes]
        varying = set(self.seq_t) | set(self.states_tm1)
        changing = set(varying)  # every forward variable that depends on x_t or the states at t−1
        for node in forward_order:
            if changing.intersection(node.inputs):
                changing.update(node.outputs)
        candidates = [v for v in dict.fromkeys(read) if v in changing and v not in self.new_states]
        # In forward order, so that 1 − z is recomputed from a z that is kept, not z dropped for 1 − z.
        order = {node: k for k, node in enumerate(forward_order)}
        saved = []
        for v in sorted(candidates, key=lambda v: order[v.owner]):
            if not _elementwise_of(v, [*varying, *self.new_states, *saved], changing):
                saved.append(v)
        return saved

    def forward(self, sequences, initial_states, non_sequences):
        """The forward scan: the state sequences, then one (T, B, …) sequence per saved value."""
        outputs = [*self.new_states, *self.saved]

        def step(*inner):  # scan hands over x_t, the states at t-1, the non-sequences: stand_ins' order
            return _substitute(outputs, dict(zip(self.stand_ins, inner)))

        return pytensor.scan(step, sequences=sequences,
                             outputs_info=[*initial_states, *[None] * len(self.saved)],
                             non_sequences=non_sequences, return_list=True, **SCAN_KWARGS)

    def pullback(self, inputs, outputs, output_grads):
        """The forward scan's gradient: the states' cotangents stepped back from t = T−1 to 0, then
        the sequences' and non-sequences' gradients over all T·B rows at once."""
        sequences, initial_states, non_sequences = self.split(inputs)
        n_states = len(initial_states)
        state_seqs, saved_seqs = outputs[:n_states], outputs[n_states:]
        upstream = [pt.zeros_like(s) if isinstance(g.type, DisconnectedType) else g
                    for s, g in zip(state_seqs, output_grads[:n_states])]
        states_tm1_seqs = [pt.concatenate([s0[None], s[:-1]], axis=0) for s0, s in zip(initial_states, state_seqs)]
        cotangent_seqs, d_initial = self._backward_loop(
            [*sequences, *states_tm1_seqs, *state_seqs, *saved_seqs], upstream, initial_states, non_sequences)

        replace = dict(zip(self.seq_t, map(_rows, sequences)))
        replace.update(zip(self.states_tm1, map(_rows, states_tm1_seqs)))
        replace.update(zip(self.new_states, map(_rows, state_seqs)))
        replace.update(zip(self.saved, map(_rows, saved_seqs)))
        replace.update(zip(self.cotangents, map(_rows, cotangent_seqs)))
        replace.update(zip(self.non_seqs, non_sequences))
        wanted = [v for v in [*self.seq_t, *self.non_seqs] if v in self.grads]
        all_rows = dict(zip(wanted, _substitute([self.grads[v] for v in wanted], replace)))
        d_seqs = [all_rows[v].reshape(s.shape) if v in all_rows else self._no_gradient(v, s)
                  for v, s in zip(self.seq_t, sequences)]
        d_non_seqs = [all_rows[v] if v in all_rows else self._no_gradient(v, w)
                      for v, w in zip(self.non_seqs, non_sequences)]
        return [*d_seqs, *d_initial, *d_non_seqs]

    def _no_gradient(self, stand_in, value):
        """The gradient of an input the step's gradient does not reach: zeros where the states
        depend on it all the same (through a stop-gradient such as ``disconnected_grad``), else
        disconnected."""
        connected = stand_in in self.reach_states and value.dtype.startswith("float")
        return pt.zeros_like(value) if connected else disconnected_type()

    def _backward_loop(self, forward_seqs, upstream, initial_states, non_sequences):
        """Scan from t = T−1 to 0 carrying the states' gradients.

        forward_seqs: the sequences, the states at t−1 and at t, the saved values (T, B, …);
        upstream: the loss's direct gradient with respect to each state sequence (T, B, size).
        Returns (cotangent per state (T, B, size): the loss's whole gradient with respect to the
        state at t; the gradient with respect to each initial state (B, size)).
        """
        n_states, n_params, n_forward = len(initial_states), len(non_sequences), len(forward_seqs)
        state_grads = [self.grads.get(v) for v in self.states_tm1]
        stand_ins = [*self.seq_t, *self.states_tm1, *self.new_states, *self.saved]

        def back_step(t, *inner):
            carried, params, whole = inner[:n_states], inner[n_states:n_states + n_params], inner[n_states + n_params:]
            whole_forward, whole_upstream = whole[:n_forward], whole[n_forward:]
            cotangents = [u[t] + c for u, c in zip(whole_upstream, carried)]
            replace = {v: s[t] for v, s in zip(stand_ins, whole_forward)}
            replace.update(zip(self.cotangents, cotangents))
            replace.update(zip(self.non_seqs, params))
            connected = _substitute([g for g in state_grads if g is not None], replace)
            d_states_tm1 = [connected.pop(0) if g is not None else pt.zeros_like(c)
                            for g, c in zip(state_grads, carried)]
            return [*d_states_tm1, *cotangents]

        # The loop reads step t of each whole sequence: a scan over reversed sequences would copy
        # each of them under JAX (XLA materialises a reverse), the saved gates included.
        n_steps = upstream[0].shape[0]
        results = pytensor.scan(back_step, sequences=[pt.arange(n_steps - 1, -1, -1)],
                                outputs_info=[*[pt.zeros_like(s) for s in initial_states], *[None] * n_states],
                                non_sequences=[*non_sequences, *forward_seqs, *upstream], return_list=True,
                                **SCAN_KWARGS)
        return [c[::-1] for c in results[n_states:]], [d[-1] for d in results[:n_states]]


def _substitute(outputs, replace):
    """``outputs`` with each key of ``replace`` replaced by its value, and their types inferred anew.

    ``clone_replace`` alone would also copy each value's own graph: scan hands ``step`` its outer
    non-sequences, and the pullback's values are the loops' outputs, so the copy would hold a
    second forward (or backward) loop that the compiled graph then has to merge back, or not.
    Here the outputs are rebuilt on placeholders of the values' types, then the placeholders are
    swapped for the values themselves.
    """
    placeholders = {v: value.type() for v, value in replace.items()}
    rebuilt = clone_replace(outputs, replace=placeholders)
    return graph_replace(rebuilt, {placeholders[v]: value for v, value in replace.items()}, strict=False)


def _elementwise_of(v, available, changing):
    """Whether ``v`` is elementwise arithmetic (``Elemwise``, ``DimShuffle``) on ``available`` values
    and on values that do not change from step to step (not in ``changing``): cheaper to recompute
    in the backward pass than to keep as one more (T, B, …) sequence, as ``1 − z`` from ``z``,
    ``r⊙h`` from ``r`` and ``h``, ``tanh(c)`` from ``c``."""
    available, pending = set(available), [v]
    while pending:
        u = pending.pop()
        if u in available or u not in changing:
            continue
        if u.owner is None or not isinstance(u.owner.op, Elemwise | DimShuffle):
            return False
        pending.extend(u.owner.inputs)
    return True


def _rows_type(shape, dtype):
    """A tensor type of ``shape`` whose first (batch) dimension is unknown."""
    return pt.TensorType(dtype, shape=(None, *shape[1:]))


def _rows(seq):
    """(T, B, …) → (T·B, …): time folded into the batch."""
    return seq.reshape((seq.shape[0] * seq.shape[1], *(seq.shape[i] for i in range(2, seq.ndim))), ndim=seq.ndim - 1)


def _reads_shape_only(node, k):
    """Whether ``node`` uses its ``k``-th input for its shape alone: Shape, Shape_i, and the first
    input of ``fill``/``second`` (``zeros_like``), which gives only the shape to broadcast to."""
    return isinstance(node.op, (Shape, Shape_i)) or (isinstance(getattr(node.op, "scalar_op", None), ps.Second)
                                                     and k == 0)
