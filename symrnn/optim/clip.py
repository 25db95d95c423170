"""Gradient clipping by global norm (Pascanu, Mikolov & Bengio 2013; TensorFlow's clip_by_global_norm).

All gradients are scaled by one factor, ``min(1, max_norm / global_norm)``, where the global
norm is that of every gradient entry together: the direction of the update is kept, only its
length is capped. (Lasagne's ``grad_clipping`` clips the activations' gradients inside the
recurrence instead — a different thing.) Use between ``pytensor.grad`` and the optimiser::

    grads = clip_by_global_norm(pytensor.grad(loss, params), max_norm=5.0)
    upd_dict = sgd(grads, params, lr)
"""
import pytensor.tensor as pt

from symrnn.dtypes import as_dtype
from symrnn.validate import positive


def global_norm(grads):
    """sqrt(Σ over every gradient of Σ g²): the norm of all gradients as one long vector."""
    return pt.sqrt(sum(pt.sum(pt.square(g)) for g in grads))


def clip_by_global_norm(grads, max_norm):
    """``grads``, each scaled by ``min(1, max_norm / global_norm(grads))``; each keeps its dtype."""
    positive("the clipping norm", max_norm)
    norm = global_norm(grads)
    scale = pt.minimum(1, as_dtype(max_norm, norm.dtype) / norm)
    return [g * pt.cast(scale, g.dtype) for g in grads]
