"""Optimisers as update-dict builders, in the lesson's style.

Each builder takes the gradients, the ``shared`` parameters and hyper-parameters, and returns an
``OrderedDict`` ``{shared_variable: new_value_expression}`` ready for
``pytensor.function(..., updates=upd_dict)``. Every new value is checked to keep its variable's
dtype: a Python float or a float64 learning rate would otherwise upcast a float32 weight and the
compile would fail far from the cause.
"""
from collections import OrderedDict

import pytensor.tensor as pt

from symrnn.dtypes import as_dtype, checked_updates
from symrnn.nn.init import param, zeros
from symrnn.validate import fraction, positive


def sgd(grads, params, learning_rate):
    """Plain SGD, the lesson's ``upd_dict``: ``w ← w - g · lr`` for every parameter."""
    upd_dict = OrderedDict((w, w - g * as_dtype(learning_rate, w.dtype)) for w, g in zip(params, grads))
    return checked_updates(upd_dict)


# --- Optimisers with state --------------------------------------------------------------------
# Each keeps per-parameter state (velocity, accumulators, moments) in zero-initialised ``shared``
# variables named after the parameter ("W_x.m"), tagged ``trainable=False`` and
# ``optimizer_state=True``; their updates are in the returned dict, so one compiled call moves the
# weights and the state together. ``optimizer_state(upd_dict)`` lists them for checkpoints. The
# rules and hyper-parameter defaults are Lasagne's (lasagne/updates.py); Adam's are also Keras'.

def state_variable(name, shape, dtype):
    """A zero ``shared`` of ``shape``/``dtype`` for an optimiser's state, tagged as such."""
    var = param(name, shape, zeros, None, dtype, trainable=False, regularizable=False)
    var.tag.optimizer_state = True
    return var


def state_like(w, role):
    """Zero state shaped like parameter ``w``, named ``"<w.name>.<role>"`` (e.g. ``"W_x.m"``)."""
    return state_variable(f"{w.name}.{role}", w.get_value(borrow=True).shape, w.dtype)


def optimizer_state(upd_dict):
    """The optimiser-state variables among the keys of ``upd_dict`` (what a checkpoint must keep)."""
    return [var for var in upd_dict if getattr(var.tag, "optimizer_state", False)]


def apply_momentum(updates, params, momentum=0.9):
    """Add momentum to the update of each of ``params`` in ``updates`` (Lasagne's ``apply_momentum``)::

        x        = momentum · velocity + updates[w]
        velocity ← x - w
        w        ← x
    """
    fraction("momentum", momentum)
    updates = OrderedDict(updates)
    for w in params:
        mu, velocity = as_dtype(momentum, w.dtype), state_like(w, "velocity")
        x = mu * velocity + updates[w]
        updates[velocity] = x - w
        updates[w] = x
    return checked_updates(updates)


def apply_nesterov_momentum(updates, params, momentum=0.9):
    """Add Nesterov momentum to the update of each of ``params`` (Lasagne's ``apply_nesterov_momentum``)::

        x        = momentum · velocity + updates[w] - w
        velocity ← x
        w        ← momentum · x + updates[w]
    """
    fraction("momentum", momentum)
    updates = OrderedDict(updates)
    for w in params:
        mu, velocity = as_dtype(momentum, w.dtype), state_like(w, "velocity")
        x = mu * velocity + updates[w] - w
        updates[velocity] = x
        updates[w] = mu * x + updates[w]
    return checked_updates(updates)


def momentum(grads, params, learning_rate, momentum=0.9):
    """SGD with momentum: ``velocity ← momentum · velocity - lr · g``, ``w ← w + velocity``."""
    return apply_momentum(sgd(grads, params, learning_rate), params, momentum)


def nesterov_momentum(grads, params, learning_rate, momentum=0.9):
    """SGD with Nesterov momentum, in the form that needs the gradient at ``w`` only::

        velocity ← momentum · velocity - lr · g
        w        ← w + momentum · velocity - lr · g
    """
    return apply_nesterov_momentum(sgd(grads, params, learning_rate), params, momentum)


def _root(accu, eps, epsilon_outside_sqrt):
    """``sqrt(accu + ε)`` (Lasagne's), or ``sqrt(accu) + ε`` (Keras 1's)."""
    return pt.sqrt(accu) + eps if epsilon_outside_sqrt else pt.sqrt(accu + eps)


def adagrad(grads, params, learning_rate, epsilon=1e-6, epsilon_outside_sqrt=False):
    """Adagrad (Duchi et al. 2011): each weight's step shrinks with its summed squared gradients::

        accu ← accu + g²
        w    ← w - lr · g / sqrt(accu + ε)       (sqrt(accu) + ε with ``epsilon_outside_sqrt``, Keras 1's)
    """
    positive("epsilon", epsilon)
    upd_dict = OrderedDict()
    for w, g in zip(params, grads, strict=True):
        lr, eps = as_dtype(learning_rate, w.dtype), as_dtype(epsilon, w.dtype)
        accu = state_like(w, "accu")
        upd_dict[accu] = accu + g ** 2
        upd_dict[w] = w - lr * g / _root(upd_dict[accu], eps, epsilon_outside_sqrt)
    return checked_updates(upd_dict)


def rmsprop(grads, params, learning_rate, rho=0.9, epsilon=1e-6, epsilon_outside_sqrt=False):
    """RMSProp (Tieleman & Hinton 2012): divide by a moving root-mean-square of the gradients::

        accu ← ρ · accu + (1 - ρ) · g²
        w    ← w - lr · g / sqrt(accu + ε)       (sqrt(accu) + ε with ``epsilon_outside_sqrt``, Keras 1's)
    """
    fraction("rho", rho)
    positive("epsilon", epsilon)
    upd_dict = OrderedDict()
    for w, g in zip(params, grads, strict=True):
        lr, eps = as_dtype(learning_rate, w.dtype), as_dtype(epsilon, w.dtype)
        rho_, one = as_dtype(rho, w.dtype), as_dtype(1, w.dtype)
        accu = state_like(w, "accu")
        upd_dict[accu] = rho_ * accu + (one - rho_) * g ** 2
        upd_dict[w] = w - lr * g / _root(upd_dict[accu], eps, epsilon_outside_sqrt)
    return checked_updates(upd_dict)


def adam(grads, params, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Adam (Kingma & Ba 2014), with the bias corrections folded into the step size::

        t ← t + 1
        m ← β1 · m + (1 - β1) · g
        v ← β2 · v + (1 - β2) · g²
        w ← w - lr · sqrt(1 - β2^t) / (1 - β1^t) · m / (sqrt(v) + ε)

    The step counter ``t`` is one int64 state variable named ``"adam.t"``.
    """
    fraction("beta1", beta1)
    fraction("beta2", beta2)
    positive("epsilon", epsilon)
    t = state_variable("adam.t", (), "int64")
    upd_dict = OrderedDict([(t, t + 1)])
    for w, g in zip(params, grads, strict=True):
        lr, eps, one = (as_dtype(h, w.dtype) for h in (learning_rate, epsilon, 1))
        b1, b2, t_now = (as_dtype(h, w.dtype) for h in (beta1, beta2, upd_dict[t]))
        step_size = lr * pt.sqrt(one - b2 ** t_now) / (one - b1 ** t_now)
        m, v = state_like(w, "m"), state_like(w, "v")
        upd_dict[m] = b1 * m + (one - b1) * g
        upd_dict[v] = b2 * v + (one - b2) * g ** 2
        upd_dict[w] = w - step_size * upd_dict[m] / (pt.sqrt(upd_dict[v]) + eps)
    return checked_updates(upd_dict)

