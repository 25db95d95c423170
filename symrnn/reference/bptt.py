"""Backpropagation through time, written once for every reference cell.

A reference cell (see ``ReferenceCell``) knows one step forward and that step's backward; this
module loops them over time, adds the dense softmax output and the cross-entropy, and returns
the loss with the gradient of every parameter and initial state. Padding steps (``mask`` 0)
carry the states through unchanged, exactly as ``symrnn.nn.recurrent.scan_cell`` does.

All quantities live in one dict ``values``: the cell's parameters, the output layer's ``W_y``
(H, V) and ``b_y`` (V,), and the initial states named ``h0`` (and ``c0`` for an LSTM), each
(B, size). The gradients come back in a dict with the same keys.
"""
import numpy as np

from symrnn.reference import softmax_ce


class ReferenceCell:
    """The interface of a NumPy twin of a ``symrnn.nn.cells`` cell (docs/custom_cells.md works one out).

    ``param_names`` and ``state_names`` equal the symbolic cell's, in its order; ``output_index``
    is the position of the output state. Arrays are float64 and always batched: ``x`` (B, n_in),
    each state (B, size); ``p`` maps parameter names to arrays.

    ``step(p, x, *states)`` returns ``(new_states, cache)``: the tuple of new states in
    ``state_names`` order and whatever the backward pass needs. ``step_backward(p, d_new_states,
    cache, grads)`` gets dL/d each new state, *adds* the step's parameter gradients into
    ``grads[name]`` (in place: every step contributes) and returns ``(dx, d_states)``: the
    gradients of the step's input (B, n_in) and of the previous states.
    """

    param_names = ()
    state_names = ("h",)
    output_index = 0

    def step(self, p, x, *states):
        raise NotImplementedError

    def step_backward(self, p, d_new_states, cache, grads):
        raise NotImplementedError

    def kink_distance(self, cache):
        """How far this step is from a point where it is not differentiable (relu at 0).

        Finite differences are only valid away from such kinks; smooth cells return inf.
        """
        return np.inf

    @classmethod
    def from_cell(cls, cell):
        """The twin of symbolic ``cell`` (the gradient check calls this): by default ``cls()``."""
        return cls()

    def state_keys(self):
        """The names of the initial states in ``values``: ``h0``, ``c0`` ..."""
        return [f"{name}0" for name in self.state_names]

    def __repr__(self):
        return f"{type(self).__name__}()"


def forward(cell, p, xs, states0, mask=None):
    """Step ``cell`` over ``xs`` (T, B, n_in) from ``states0`` [(B, size)].

    Returns ``(outputs (T, B, H), final_states, caches)``; ``mask`` (T, B) is 1 on real steps.
    """
    states, outputs, caches = tuple(states0), [], []
    for t, x in enumerate(xs):
        new_states, cache = cell.step(p, x, *states)
        if mask is not None:  # padding: the state carries through
            m = mask[t][:, None]
            new_states = tuple(m * new + (1 - m) * old for new, old in zip(new_states, states))
        states = new_states
        outputs.append(states[cell.output_index])
        caches.append(cache)
    return np.stack(outputs), list(states), caches


def backward(cell, p, d_outputs, d_final_states, caches, mask=None):
    """Undo ``forward``: dL/d outputs (T, B, H) and dL/d final states → (param grads, state0 grads).

    ``d_final_states`` is zeros when the loss depends on the states only through the outputs.
    """
    grads = {name: np.zeros_like(p[name]) for name in cell.param_names}
    d_states = list(d_final_states)
    for t in reversed(range(len(caches))):
        d_states[cell.output_index] = d_states[cell.output_index] + d_outputs[t]  # outputs[t] = states[out]
        m = 1.0 if mask is None else mask[t][:, None]       # states = m * new + (1 - m) * old
        _, d_old = cell.step_backward(p, [m * d for d in d_states], caches[t], grads)
        d_states = [d + (1 - m) * d_carried for d, d_carried in zip(d_old, d_states)]
    return grads, d_states


def loss(cell, values, xs, targets, mask=None):
    """The loss alone (for finite differences): see ``loss_and_gradients``."""
    values, xs, targets, mask = _as_batch(cell, values, xs, targets, mask)
    states0 = [values[key] for key in cell.state_keys()]
    outputs, _, _ = forward(cell, values, xs, states0, mask)
    return softmax_ce.forward(values["W_y"], values["b_y"], outputs, targets, mask)[0]


def loss_and_gradients(cell, values, xs, targets, mask=None):
    """The loss and dL/d every entry of ``values`` (params, ``W_y``, ``b_y``, ``h0``, ``c0``).

    xs: (T, B, n_in) inputs; targets: (T, B) integer classes or (T, B, V) one-hot rows;
    mask: (T, B), 1 on real steps, 0 on padding (whose loss is not counted). A single sequence
    may drop the batch axis: xs (T, n_in), targets (T,) or (T, V), states (size,), mask (T,).
    The loss is the cross-entropy summed over time and averaged over the batch, in nats, as
    ``symrnn.nn.model.CharRNN.window_loss``.
    """
    single = np.ndim(xs) == 2
    values, xs, targets, mask = _as_batch(cell, values, xs, targets, mask)
    states0 = [values[key] for key in cell.state_keys()]
    outputs, final_states, caches = forward(cell, values, xs, states0, mask)
    total, output_cache = softmax_ce.forward(values["W_y"], values["b_y"], outputs, targets, mask)
    d_outputs, grads = softmax_ce.backward(values["W_y"], output_cache)
    d_final_states = [np.zeros_like(s) for s in final_states]
    cell_grads, d_states0 = backward(cell, values, d_outputs, d_final_states, caches, mask)
    grads.update(cell_grads)
    grads.update((key, d[0] if single else d) for key, d in zip(cell.state_keys(), d_states0))
    return total, grads


def kink_distance(cell, values, xs, mask=None):
    """The smallest ``cell.kink_distance`` over all steps (inf for smooth cells)."""
    values, xs, _, mask = _as_batch(cell, values, xs, np.zeros(len(xs), dtype=int), mask)
    states0 = [values[key] for key in cell.state_keys()]
    _, _, caches = forward(cell, values, xs, states0, mask)
    return min(cell.kink_distance(cache) for cache in caches)


def _as_batch(cell, values, xs, targets, mask):
    """A single sequence (no batch axis) as a batch of one; batches pass unchanged."""
    if np.ndim(xs) == 3:
        return values, xs, targets, mask
    values = {**values, **{key: values[key][None] for key in cell.state_keys()}}
    return (values, np.asarray(xs)[:, None], np.asarray(targets)[:, None],
            None if mask is None else np.asarray(mask)[:, None])
