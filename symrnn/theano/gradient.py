"""``theano.gradient``: PyTensor's gradient functions, which keep Theano's names and semantics.

``jacobian``/``hessian`` gained a ``vectorize=False`` keyword in PyTensor; its default is
Theano's scan-based computation.
"""

import pytensor.gradient
from pytensor.gradient import (
    Lop,
    Rop,
    disconnected_grad,
    grad,
    grad_clip,
    grad_scale,
    hessian,
    jacobian,
    zero_grad,
)

from symrnn.theano._missing import missing_names

__all__ = [
    "Lop",
    "Rop",
    "disconnected_grad",
    "grad",
    "grad_clip",
    "grad_scale",
    "hessian",
    "jacobian",
    "zero_grad",
]

__getattr__ = missing_names("theano.gradient", pytensor.gradient)
