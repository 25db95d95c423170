"""Keras 1's optimisers, as update-dict builders with their learning rate in a ``shared`` variable.

``Adam`` is symrnn's ``adam`` (the same rule as Keras 1's); ``RMSprop`` and ``Adagrad`` are symrnn's
with Keras 1's ε outside the square root (``epsilon_outside_sqrt``); ``SGD`` has Keras 1's
momentum, Nesterov option and ``decay``.

``lr`` is a property over a ``shared`` scalar: both the lesson's idioms take effect at the next
``fit`` without recompiling — ``model.optimizer.lr = 0.01`` and
``model.optimizer.lr.set_value(0.01)``. (In Keras 1.2 the first replaced the variable after
compiling and changed nothing: the lesson's cells that rely on it trained on at the old rate.)
"""
from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn.dtypes import as_dtype, checked_updates
from symrnn.errors import ConfigError
from symrnn.keras.missing import missing_names
from symrnn.optim import updates as symrnn_updates
from symrnn.optim.clip import clip_by_global_norm

FLOATX = "float32"


class Optimizer:
    """The learning rate (``lr``), ``clipnorm``/``clipvalue`` on the gradients, and ``get_updates``."""

    def __init__(self, lr, clipnorm=None, clipvalue=None, **hyper):
        self._lr = pytensor.shared(np.asarray(lr, FLOATX), name="lr", allow_downcast=True)
        self.clipnorm, self.clipvalue, self.hyper = clipnorm, clipvalue, hyper

    @property
    def lr(self):
        return self._lr

    @lr.setter
    def lr(self, value):
        if isinstance(value, pytensor.compile.SharedVariable):
            value = value.get_value()
        self._lr.set_value(np.asarray(value, FLOATX))

    def get_updates(self, params, loss):
        """The ``upd_dict`` moving ``params`` down the gradient of ``loss``."""
        grads = pytensor.grad(loss, params)
        if self.clipnorm:
            grads = clip_by_global_norm(grads, self.clipnorm)
        if self.clipvalue:
            grads = [pt.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return self.rule(grads, params)

    def get_config(self):
        return {"lr": float(self._lr.get_value()), **self.hyper}


class SGD(Optimizer):
    """``lr`` 0.01; ``momentum``, ``nesterov``; ``decay``: lr / (1 + decay · iterations)."""

    def __init__(self, lr=0.01, momentum=0.0, decay=0.0, nesterov=False, **kwargs):
        super().__init__(lr, momentum=momentum, decay=decay, nesterov=nesterov, **kwargs)

    def rule(self, grads, params):
        iterations = symrnn_updates.state_variable("sgd.iterations", (), FLOATX)
        lr = self._lr * (1 / (1 + as_dtype(self.hyper["decay"], FLOATX) * iterations))
        upd_dict = OrderedDict([(iterations, iterations + 1)])
        for w, g in zip(params, grads):
            mu = as_dtype(self.hyper["momentum"], w.dtype)
            velocity = symrnn_updates.state_like(w, "velocity")
            v = mu * velocity - lr * g
            upd_dict[velocity] = v
            upd_dict[w] = w + mu * v - lr * g if self.hyper["nesterov"] else w + v
        return checked_updates(upd_dict)


class RMSprop(Optimizer):
    """``lr`` 0.001, ρ 0.9, ε 1e-8: a ← ρa + (1−ρ)g², w ← w − lr·g/(sqrt(a) + ε)."""

    def __init__(self, lr=0.001, rho=0.9, epsilon=1e-8, decay=0.0, **kwargs):
        if decay:
            raise ConfigError("RMSprop: decay is not provided; change optimizer.lr between fits")
        super().__init__(lr, rho=rho, epsilon=epsilon, **kwargs)

    def rule(self, grads, params):
        return symrnn_updates.rmsprop(grads, params, self._lr, self.hyper["rho"], self.hyper["epsilon"],
                                      epsilon_outside_sqrt=True)


class Adagrad(Optimizer):
    """``lr`` 0.01, ε 1e-8: a ← a + g², w ← w − lr·g/(sqrt(a) + ε)."""

    def __init__(self, lr=0.01, epsilon=1e-8, decay=0.0, **kwargs):
        if decay:
            raise ConfigError("Adagrad: decay is not provided; change optimizer.lr between fits")
        super().__init__(lr, epsilon=epsilon, **kwargs)

    def rule(self, grads, params):
        return symrnn_updates.adagrad(grads, params, self._lr, self.hyper["epsilon"], epsilon_outside_sqrt=True)


class Adam(Optimizer):
    """``lr`` 0.001, β 0.9/0.999, ε 1e-8 (Kingma & Ba 2014): ``symrnn.optim.updates.adam``."""

    def __init__(self, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, decay=0.0, **kwargs):
        if decay:
            raise ConfigError("Adam: decay is not provided; change optimizer.lr between fits")
        super().__init__(lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, **kwargs)

    def rule(self, grads, params):
        return symrnn_updates.adam(grads, params, self._lr, self.hyper["beta_1"], self.hyper["beta_2"],
                                   self.hyper["epsilon"])


OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSprop, "adagrad": Adagrad, "adam": Adam}


def get(optimizer):
    """An optimiser instance from one, or from Keras 1's name for it ('adam', 'sgd', …)."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    try:
        return OPTIMIZERS[str(optimizer).lower()]()
    except KeyError:
        raise ConfigError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}") from None


__getattr__ = missing_names("keras.optimizers")
