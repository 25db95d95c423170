"""Scan over time: step any cell through a sequence or a time-major batch.

This is the lesson's ``scan(step, sequences=inp, outputs_info=[h0, None], non_sequences=weights)``
written once for every cell, plus what the lesson leaves out: batches, masks for padded
sequences, going backwards, learned initial states, dropout masks — and speed: the input's
products with its weights are computed for all steps in one matrix product before the loop
(``Cell.precompute_input``), and stacked layers are scanned one after another so that this
holds for every layer.

Truncated BPTT, the lesson's way: train on chunks of k steps and hand each chunk's final states
to the next call as its initial states — the forward pass is the same as over one long
sequence, while gradients stop at the chunk boundary. (``truncate_gradient`` below is a
different thing.)
"""
import pytensor
import pytensor.tensor as pt

from symrnn.errors import DtypeError, ShapeError
from symrnn.nn import init
from symrnn.nn.bptt import SCAN_KWARGS, scan_saving_forward
from symrnn.nn.one_hot import lookup_one_hot_products
from symrnn.validate import environment_choice


def zero_state(cell, inputs):
    """Zero initial states for ``inputs`` of shape (T, B, n_in) → [(B, size)], or (T, n_in) → [(size,)]."""
    lead = (inputs.shape[1],) if inputs.ndim == 3 else ()
    return [pt.zeros((*lead, size), dtype=cell.dtype) for size in cell.state_sizes()]


def learned_initial_states(cell):
    """One trainable zero-initialised ``shared`` vector (size,) per state of ``cell``, named ``h0``, ``c0``, ….

    Pass them to ``scan_cell`` as ``initial_states``: each is broadcast over the batch, and
    training learns the state every sequence starts from.
    """
    return [init.param(f"{name}0", (size,), init.zeros, cell.rng, cell.dtype, regularizable=False)
            for name, size in zip(cell.state_names, cell.state_sizes())]


def scan_cell(cell, inputs, initial_states=None, mask=None, go_backwards=False, *,
              dropout_masks=None, truncate_gradient=-1):
    """Step ``cell`` over ``inputs`` with ``pytensor.scan``.

    inputs: (T, B, n_in) time-major batch, or (T, n_in) for one sequence.
    initial_states: one tensor per ``cell.state_names``, (B, size) or (size,); zeros if None.
        A (size,) state given with a batch is broadcast over it (see ``learned_initial_states``).
    mask: (T, B), 1 where a step is real and 0 where it is padding: on padding the states carry
        through unchanged (so the final state is the last real step's, as dynamic_rnn's
        sequence_length).
    go_backwards: process t = T-1 … 0; outputs are returned in input order all the same.
    dropout_masks: variational dropout masks, an (input, recurrent) pair per
        ``cell.dropout_sizes()`` entry, each (B, width) (or (width,)), drawn once per sequence
        (see ``symrnn.nn.layers.RecurrentDropout``). The input mask multiplies the whole input
        sequence before the loop; the recurrent one goes to ``cell.step_dropped`` as a
        ``non_sequence``.
    truncate_gradient: pytensor's truncated BPTT: if k > 0, gradients flow back through the
        last k steps only, so losses at the earlier T - k steps contribute nothing to the
        gradient. That is not the lesson's truncation (see the module docstring).

    The loop is the lesson's: ``scan(step, sequences=x, outputs_info=h0, non_sequences=params)``,
    where ``x`` is ``cell.precompute_input(inputs, *params)``, computed for all steps before it.
    Its gradient reads the gates and other values the forward pass saved (``symrnn.nn.bptt``).
    The cells of ``cell.layers()`` (the cell itself, or a ``Stacked`` cell's layers) are
    scanned one after another, each layer's outputs the next one's inputs.

    Returns ``(outputs, final_states)``: outputs (T, B, n_hidden) is the cell's output state at
    every step, final_states the list of states after the last step processed.
    """
    cell.check_step_signature()
    initial_states = _checked_initial_states(cell, inputs, initial_states)
    dropout_masks = list(dropout_masks or [])
    if dropout_masks and len(dropout_masks) != 2 * len(cell.dropout_sizes()):
        raise ShapeError(f"{type(cell).__name__} takes {2 * len(cell.dropout_sizes())} dropout masks "
                         f"(input, recurrent per layer), got {len(dropout_masks)}")
    outputs, final_states = inputs, []
    layers = cell.layers()
    layer_states = _split(initial_states, [len(layer.state_names) for layer in layers])
    for k, (layer, states) in enumerate(zip(layers, layer_states)):
        masks = dropout_masks[2 * k:2 * k + 2]
        outputs, final = _scan_one(layer, outputs, states, mask, go_backwards, masks, truncate_gradient)
        final_states += final
    return outputs, final_states


def _checked_initial_states(cell, inputs, initial_states):
    """The initial states, batched (zeros if None), after checking the inputs' and states' dtypes and number."""
    if inputs.ndim not in (2, 3):
        raise ShapeError(f"scan_cell needs inputs of shape (T, B, n_in) or (T, n_in), got {inputs.ndim} dims")
    if inputs.dtype != cell.dtype:
        raise DtypeError(f"the inputs are {inputs.dtype} but {type(cell).__name__} computes in {cell.dtype}: "
                         f"cast them first (pt.cast(x, {cell.dtype!r}))")
    if initial_states is None:
        initial_states = zero_state(cell, inputs)
    initial_states = [_batched(state, inputs) for state in initial_states]
    if len(initial_states) != len(cell.state_names):
        raise ShapeError(f"{type(cell).__name__} has states {cell.state_names}, "
                         f"got {len(initial_states)} initial states")
    for name, state in zip(cell.state_names, initial_states):
        if state.dtype != cell.dtype:
            raise DtypeError(f"initial state {name!r} is {state.dtype}, the cell computes in {cell.dtype}")
    return initial_states


def _split(items, counts):
    """``items`` cut into consecutive lists of ``counts[0]``, ``counts[1]``, … items."""
    parts, start = [], 0
    for n in counts:
        parts.append(items[start:start + n])
        start += n
    return parts


def _scan_one(cell, inputs, initial_states, mask, go_backwards, dropout_masks, truncate_gradient):
    """``scan_cell`` for a cell whose ``step`` is the whole recurrence."""
    n_states, n_params = len(cell.state_names), len(cell.params)
    recurrent_mask = []  # as a non_sequence of the scan, when there is one
    if dropout_masks:
        x_mask, h_mask = dropout_masks
        inputs = inputs * x_mask  # the same mask at every step: (T, B, n_in) · (B, n_in)
        recurrent_mask = [h_mask]
    x = lookup_one_hot_products(cell.precompute_input(inputs, *cell.params))

    def step(x_t, *rest):
        m_t, rest = (rest[0], rest[1:]) if mask is not None else (None, rest)
        states_tm1, params = rest[:n_states], rest[n_states:n_states + n_params]
        if recurrent_mask:
            new_states = cell.step_dropped(rest[n_states + n_params], x_t, *states_tm1, *params)
        else:
            new_states = cell.step(x_t, *states_tm1, *params)
        if not isinstance(new_states, (list, tuple)):
            new_states = [new_states]
        new_states = _checked_states(cell, new_states, states_tm1)
        if m_t is not None:
            keep = m_t[:, None] if m_t.ndim == 1 and states_tm1[0].ndim == 2 else m_t
            keep = pt.cast(keep, cell.dtype)
            new_states = [keep * new + (1 - keep) * old for new, old in zip(new_states, states_tm1)]
        return new_states

    sequences = [x] if mask is None else [x, mask]
    non_sequences = [*cell.params, *recurrent_mask]
    if _saved_gradient(cell, inputs, recurrent_mask, truncate_gradient):
        if go_backwards:
            sequences = [s[::-1] for s in sequences]
        states = scan_saving_forward(step, sequences, initial_states, non_sequences, name=f"{type(cell).__name__}.step")
    else:
        states = pytensor.scan(step, sequences=sequences, outputs_info=initial_states,
                               non_sequences=non_sequences, go_backwards=go_backwards,
                               truncate_gradient=truncate_gradient, return_list=True, **SCAN_KWARGS)
    outputs = states[cell.output_index()]
    if go_backwards:
        outputs = outputs[::-1]
    return outputs, [s[-1] for s in states]


def _saved_gradient(cell, inputs, recurrent_mask, truncate_gradient):
    """Whether to scan with ``symrnn.nn.bptt`` (a backward pass that reads the forward's saved values):
    for batched inputs of a cell whose step keeps rows apart, unless ``$SYMRNN_GRADIENT`` is
    ``scan`` (PyTensor's own scan gradient). Truncated gradients and recurrent dropout (whose
    (B, width) mask is a non-sequence) keep PyTensor's."""
    return (environment_choice("SYMRNN_GRADIENT", ("saved", "scan")) == "saved" and inputs.ndim == 3
            and cell.rows_independent and truncate_gradient == -1 and not recurrent_mask)


def _batched(state, inputs):
    """``state`` as the scan needs it: a (size,) vector is repeated over the batch of (T, B, n_in) inputs."""
    state = pt.as_tensor_variable(state)
    if inputs.ndim == 3 and state.ndim == 1:
        return pt.alloc(state, inputs.shape[1], state.shape[0])
    return state


def _checked_states(cell, new_states, states_tm1):
    """The step's new states, or a clear error if their number or dtype is wrong.

    The usual culprit of a dtype change is a Python float or float64 constant in ``step``,
    which silently upcasts a float32 state.
    """
    name = type(cell).__name__
    if len(new_states) != len(states_tm1):
        raise ShapeError(f"{name}.step returned {len(new_states)} states, expected "
                         f"{len(states_tm1)} ({', '.join(cell.state_names)})")
    checked = []
    for state_name, new, old in zip(cell.state_names, new_states, states_tm1):
        new = pt.as_tensor_variable(new)
        if new.dtype != old.dtype:
            raise DtypeError(f"{name}.step returned state {state_name!r} as {new.dtype} but it is "
                             f"{old.dtype}: a float64 constant or Python float in step upcast it "
                             f"(use pt.cast or numpy scalars of dtype {old.dtype})")
        if new.ndim != old.ndim:
            raise ShapeError(f"{name}.step returned state {state_name!r} with {new.ndim} dims, "
                             f"expected {old.ndim}")
        width, expected = new.type.shape[-1:], old.type.shape[-1:]
        if width and None not in (width[0], expected[0]) and width != expected:
            raise ShapeError(f"{name}.step returned state {state_name!r} {width[0]} wide, but the cell's "
                             f"state_sizes() say {expected[0]}: override state_sizes() to give each "
                             f"state's width")
        checked.append(new)
    return checked
