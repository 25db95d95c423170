"""Optimisers as update-dict builders, in the lesson's style.

Each builder takes the gradients, the ``shared`` parameters and hyper-parameters, and returns an
``OrderedDict`` ``{shared_variable: new_value_expression}`` ready for
``pytensor.function(..., updates=upd_dict)``. Every new value is checked to keep its variable's
dtype: a Python float or a float64 learning rate would otherwise upcast a float32 weight and the
compile would fail far from the cause.
"""
import numbers
from collections import OrderedDict

import pytensor.tensor as pt

from symrnn.errors import ConfigError, ShapeError
from symrnn.init import param, zeros


def as_dtype(value, dtype):
    """``value`` (Python number or symbolic scalar) as a tensor of ``dtype``, so it cannot upcast."""
    return pt.cast(pt.as_tensor_variable(value), dtype)


def checked(updates):
    """Return ``updates`` after checking each new value has its variable's dtype and rank."""
    for var, new in updates.items():
        if new.dtype != var.dtype or new.ndim != var.ndim:
            raise ShapeError(f"update of {var.name!r} would change it from {var.dtype}/{var.ndim}-d "
                             f"to {new.dtype}/{new.ndim}-d; cast constants to {var.dtype}")
    return updates


def sgd(grads, params, learning_rate):
    """Plain SGD, the lesson's ``upd_dict``: ``w ← w - g · lr`` for every parameter."""
    upd_dict = OrderedDict((w, w - g * as_dtype(learning_rate, w.dtype)) for w, g in zip(params, grads))
    return checked(upd_dict)


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


def _fraction(name, value):
    """Refuse a number outside [0, 1) (symbolic values pass unchecked)."""
    if isinstance(value, numbers.Real) and not 0 <= value < 1:
        raise ConfigError(f"{name} must be in [0, 1), got {value}")


def _positive(name, value):
    """Refuse a number <= 0 (symbolic values pass unchecked)."""
    if isinstance(value, numbers.Real) and not value > 0:
        raise ConfigError(f"{name} must be positive, got {value}")


def momentum(grads, params, learning_rate, momentum=0.9):
    """SGD with momentum::

        velocity ← momentum · velocity - lr · g
        w        ← w + velocity
    """
    _fraction("momentum", momentum)
    upd_dict = OrderedDict()
    for w, g in zip(params, grads, strict=True):
        lr, mu = as_dtype(learning_rate, w.dtype), as_dtype(momentum, w.dtype)
        velocity = state_like(w, "velocity")
        upd_dict[velocity] = mu * velocity - lr * g
        upd_dict[w] = w + upd_dict[velocity]
    return checked(upd_dict)


def nesterov_momentum(grads, params, learning_rate, momentum=0.9):
    """SGD with Nesterov momentum, in the form that needs the gradient at ``w`` only::

        velocity ← momentum · velocity - lr · g
        w        ← w + momentum · velocity - lr · g
    """
    _fraction("momentum", momentum)
    upd_dict = OrderedDict()
    for w, g in zip(params, grads, strict=True):
        lr, mu = as_dtype(learning_rate, w.dtype), as_dtype(momentum, w.dtype)
        velocity = state_like(w, "velocity")
        upd_dict[velocity] = mu * velocity - lr * g
        upd_dict[w] = w + mu * upd_dict[velocity] - lr * g
    return checked(upd_dict)


def adagrad(grads, params, learning_rate, epsilon=1e-6):
    """Adagrad (Duchi et al. 2011): each weight's step shrinks with its summed squared gradients::

        accu ← accu + g²
        w    ← w - lr · g / sqrt(accu + ε)
    """
    _positive("epsilon", epsilon)
    upd_dict = OrderedDict()
    for w, g in zip(params, grads, strict=True):
        lr, eps = as_dtype(learning_rate, w.dtype), as_dtype(epsilon, w.dtype)
        accu = state_like(w, "accu")
        upd_dict[accu] = accu + g ** 2
        upd_dict[w] = w - lr * g / pt.sqrt(upd_dict[accu] + eps)
    return checked(upd_dict)


def rmsprop(grads, params, learning_rate, rho=0.9, epsilon=1e-6):
    """RMSProp (Tieleman & Hinton 2012): divide by a moving root-mean-square of the gradients::

        accu ← ρ · accu + (1 - ρ) · g²
        w    ← w - lr · g / sqrt(accu + ε)
    """
    _fraction("rho", rho)
    _positive("epsilon", epsilon)
    upd_dict = OrderedDict()
    for w, g in zip(params, grads, strict=True):
        lr, eps = as_dtype(learning_rate, w.dtype), as_dtype(epsilon, w.dtype)
        rho_, one = as_dtype(rho, w.dtype), as_dtype(1, w.dtype)
        accu = state_like(w, "accu")
        upd_dict[accu] = rho_ * accu + (one - rho_) * g ** 2
        upd_dict[w] = w - lr * g / pt.sqrt(upd_dict[accu] + eps)
    return checked(upd_dict)


def adam(grads, params, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Adam (Kingma & Ba 2014), with the bias corrections folded into the step size::

        t ← t + 1
        m ← β1 · m + (1 - β1) · g
        v ← β2 · v + (1 - β2) · g²
        w ← w - lr · sqrt(1 - β2^t) / (1 - β1^t) · m / (sqrt(v) + ε)

    The step counter ``t`` is one int64 state variable named ``"adam.t"``.
    """
    _fraction("beta1", beta1)
    _fraction("beta2", beta2)
    _positive("epsilon", epsilon)
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
    return checked(upd_dict)


OPTIMIZERS = {f.__name__: f for f in (sgd, momentum, nesterov_momentum, adagrad, rmsprop, adam)}

# Keras 1's default learning rates, a good first guess for each optimiser.
DEFAULT_LEARNING_RATES = {"sgd": 0.01, "momentum": 0.01, "nesterov_momentum": 0.01,
                          "adagrad": 0.01, "rmsprop": 0.001, "adam": 0.001}
