"""``theano.gradient``: PyTensor's gradient functions, which keep Theano's names and semantics.

``jacobian``/``hessian`` gained a ``vectorize=False`` keyword in PyTensor; its default is
Theano's scan-based computation. ``consider_constant(x)`` is ``zero_grad(x)``: ``x`` itself,
through which gradients are zero. ``Lop``/``Rop`` are PyTensor's ``pullback``/``pushforward``
(same arguments; PyTensor deprecates the old names).
"""

import pytensor.gradient
from pytensor.gradient import (
    disconnected_grad,
    grad,
    grad_clip,
    grad_scale,
    hessian,
    jacobian,
    zero_grad,
)
from pytensor.gradient import pullback as Lop
from pytensor.gradient import pushforward as Rop
from pytensor.gradient import zero_grad as consider_constant

from symrnn.theano._missing import missing_names

__all__ = [
    "Lop",
    "Rop",
    "consider_constant",
    "disconnected_grad",
    "grad",
    "grad_clip",
    "grad_scale",
    "hessian",
    "jacobian",
    "zero_grad",
]

__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.gradient", pytensor.gradient)
