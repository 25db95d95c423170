"""``theano.tensor`` on PyTensor: ``from symrnn.theano import tensor as T``.

Names PyTensor keeps with Theano's meaning are PyTensor's own objects. Where they differ,
Theano's behaviour is kept:

==========================  ===========================  ======================================
Theano                      PyTensor                     difference kept from Theano
==========================  ===========================  ======================================
flatten(x, ndim / outdim)   flatten(x, ndim=1)           ``outdim=`` (Theano < 0.9) is accepted
abs_(x)                     abs(x)                       the Theano name
scalar/vector/matrix/row/   same names                   ``dtype`` may be passed positionally:
col/tensor3/tensor4                                      ``T.matrix('x', 'float32')``
reshape(x, shape, ndim)     reshape(..., *, ndim)        ``ndim`` may be passed positionally
T.nnet                      (removed)                    :mod:`symrnn.theano.tensor.nnet`
grad, jacobian, hessian     pytensor.gradient            re-exported here as in Theano
==========================  ===========================  ======================================

Any other name raises :class:`~symrnn.theano._missing.NotProvidedAttribute` naming the Theano
API and what to use instead.
"""

import pytensor.tensor as pt
from pytensor.tensor import (
    TensorType,
    all,
    alloc,
    and_,
    any,
    arange,
    argmax,
    argmin,
    argsort,
    as_tensor_variable,
    bcol,
    bmatrix,
    brow,
    bscalar,
    btensor3,
    btensor4,
    bvector,
    cast,
    ceil,
    clip,
    concatenate,
    constant,
    cos,
    cumsum,
    dcol,
    dmatrix,
    dot,
    drow,
    dscalar,
    dtensor3,
    dtensor4,
    dvector,
    eq,
    erf,
    exp,
    expm1,
    eye,
    fcol,
    fill,
    floor,
    fmatrix,
    frow,
    fscalar,
    ftensor3,
    ftensor4,
    fvector,
    ge,
    gt,
    icol,
    imatrix,
    inc_subtensor,
    int_div,
    invert,
    irow,
    iscalar,
    isinf,
    isnan,
    itensor3,
    itensor4,
    ivector,
    join,
    lcol,
    le,
    lmatrix,
    log,
    log1p,
    lrow,
    lscalar,
    lt,
    ltensor3,
    ltensor4,
    lvector,
    max,
    maximum,
    mean,
    min,
    minimum,
    mod,
    neg,
    neq,
    nonzero,
    ones,
    ones_like,
    or_,
    outer,
    pow,
    prod,
    repeat,
    set_subtensor,
    sgn,
    shape_padleft,
    shape_padright,
    sin,
    sort,
    sqr,
    sqrt,
    squeeze,
    stack,
    std,
    sum,
    switch,
    tanh,
    tensordot,
    tile,
    transpose,
    true_div,
    var,
    xor,
    zeros,
    zeros_like,
)
from pytensor.tensor import abs as abs_

from symrnn.theano._missing import missing_names
from symrnn.theano.gradient import grad, hessian, jacobian
from symrnn.theano.tensor import nnet

as_tensor = as_tensor_variable


def scalar(name=None, dtype=None):
    """A 0-d symbolic tensor (``dtype`` defaults to ``config.floatX``)."""
    return pt.scalar(name, dtype=dtype)


def vector(name=None, dtype=None):
    """A 1-d symbolic tensor (``dtype`` defaults to ``config.floatX``)."""
    return pt.vector(name, dtype=dtype)


def matrix(name=None, dtype=None):
    """A 2-d symbolic tensor (``dtype`` defaults to ``config.floatX``)."""
    return pt.matrix(name, dtype=dtype)


def row(name=None, dtype=None):
    """A ``(1, n)`` symbolic tensor (``dtype`` defaults to ``config.floatX``)."""
    return pt.row(name, dtype=dtype)


def col(name=None, dtype=None):
    """An ``(n, 1)`` symbolic tensor (``dtype`` defaults to ``config.floatX``)."""
    return pt.col(name, dtype=dtype)


def tensor3(name=None, dtype=None):
    """A 3-d symbolic tensor (``dtype`` defaults to ``config.floatX``)."""
    return pt.tensor3(name, dtype=dtype)


def tensor4(name=None, dtype=None):
    """A 4-d symbolic tensor (``dtype`` defaults to ``config.floatX``)."""
    return pt.tensor4(name, dtype=dtype)


def flatten(x, ndim=None, outdim=None):
    """Collapse the trailing dimensions of ``x`` so it has ``ndim`` (old name ``outdim``) dims."""
    if outdim is not None:
        if ndim is not None:
            raise ValueError("You should only specify ndim")
        ndim = outdim
    return pt.flatten(x, 1 if ndim is None else ndim)


def reshape(x, newshape, ndim=None):
    """``x`` reshaped to ``newshape``; ``ndim`` is needed when ``newshape`` is symbolic."""
    return pt.reshape(x, newshape, ndim=ndim)


__getattr__ = missing_names("theano.tensor", pt)
