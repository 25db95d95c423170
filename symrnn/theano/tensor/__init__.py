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
grad, jacobian, hessian,    pytensor.gradient            re-exported here as in Theano
Lop, Rop
inv(x)                      reciprocal(x)                Theano's name (elementwise ``1 / x``)
batched_dot(a, b)           (removed in 3.3)             ``[dot(a[i], b[i]) for i]`` via matmul
addbroadcast(x, *axes)      specify_broadcastable        Theano's name
patternbroadcast,           (removed)                    add length-1 dimensions; forgetting one
unbroadcast                                              raises (PyTensor types cannot)
shared_randomstreams        (removed)                    :mod:`.shared_randomstreams`
extra_ops                   pytensor.tensor.extra_ops    :mod:`.extra_ops`
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
    diag,
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
    horizontal_stack,
    icol,
    imatrix,
    inc_subtensor,
    int_div,
    invert,
    iround,
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
    log2,
    log10,
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
    roll,
    round,
    set_subtensor,
    sgn,
    shape_padaxis,
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
    vertical_stack,
    where,
    xor,
    zeros,
    zeros_like,
)
from pytensor.tensor import abs as abs_
from pytensor.tensor import reciprocal as inv
from pytensor.tensor import specify_broadcastable as addbroadcast

from symrnn.theano._missing import missing_names, not_provided
from symrnn.theano.gradient import Lop, Rop, grad, hessian, jacobian
from symrnn.theano.tensor import extra_ops, nnet, shared_randomstreams

as_tensor = as_tensor_variable

__all__ = [
    "Lop",
    "Rop",
    "TensorType",
    "abs_",
    "addbroadcast",
    "all",
    "alloc",
    "and_",
    "any",
    "arange",
    "argmax",
    "argmin",
    "argsort",
    "as_tensor",
    "as_tensor_variable",
    "batched_dot",
    "bcol",
    "bmatrix",
    "brow",
    "bscalar",
    "btensor3",
    "btensor4",
    "bvector",
    "cast",
    "ceil",
    "clip",
    "col",
    "concatenate",
    "constant",
    "cos",
    "cumsum",
    "dcol",
    "diag",
    "dmatrix",
    "dot",
    "drow",
    "dscalar",
    "dtensor3",
    "dtensor4",
    "dvector",
    "eq",
    "erf",
    "exp",
    "expm1",
    "extra_ops",
    "eye",
    "fcol",
    "fill",
    "flatten",
    "floor",
    "fmatrix",
    "frow",
    "fscalar",
    "ftensor3",
    "ftensor4",
    "fvector",
    "ge",
    "grad",
    "gt",
    "hessian",
    "horizontal_stack",
    "icol",
    "imatrix",
    "inc_subtensor",
    "int_div",
    "inv",
    "invert",
    "iround",
    "irow",
    "iscalar",
    "isinf",
    "isnan",
    "itensor3",
    "itensor4",
    "ivector",
    "jacobian",
    "join",
    "lcol",
    "le",
    "lmatrix",
    "log",
    "log10",
    "log1p",
    "log2",
    "lrow",
    "lscalar",
    "lt",
    "ltensor3",
    "ltensor4",
    "lvector",
    "matrix",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mod",
    "neg",
    "neq",
    "nnet",
    "nonzero",
    "ones",
    "ones_like",
    "or_",
    "outer",
    "patternbroadcast",
    "pow",
    "prod",
    "repeat",
    "reshape",
    "roll",
    "round",
    "row",
    "scalar",
    "set_subtensor",
    "sgn",
    "shape_padaxis",
    "shape_padleft",
    "shape_padright",
    "shared_randomstreams",
    "sin",
    "sort",
    "sqr",
    "sqrt",
    "squeeze",
    "stack",
    "std",
    "sum",
    "switch",
    "tanh",
    "tensor3",
    "tensor4",
    "tensordot",
    "tile",
    "transpose",
    "true_div",
    "unbroadcast",
    "var",
    "vector",
    "vertical_stack",
    "where",
    "xor",
    "zeros",
    "zeros_like",
]



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


def batched_dot(a, b):
    """``[dot(a[i], b[i]) for i in range(len(a))]`` for 2-d or 3-d ``a`` and ``b`` (batch first)."""
    a, b = pt.as_tensor_variable(a), pt.as_tensor_variable(b)
    if not (2 <= a.ndim <= 3 and 2 <= b.ndim <= 3):
        raise not_provided(f"theano.tensor.batched_dot of {a.ndim}-d and {b.ndim}-d tensors (2-d or 3-d only)")
    if a.ndim == b.ndim == 2:
        return (a * b).sum(axis=1)
    product = pt.matmul(a if a.ndim == 3 else a[:, None, :], b if b.ndim == 3 else b[:, :, None])
    return product[:, 0, :] if a.ndim == 2 else product[:, :, 0] if b.ndim == 2 else product


def unbroadcast(x, *axes):
    """Theano's ``unbroadcast``: ``x`` itself when none of ``axes`` has static length 1.

    PyTensor types cannot forget a length-1 dimension, so that case raises NotProvided.
    """
    x = pt.as_tensor_variable(x)
    if 1 in [x.type.shape[axis] for axis in axes]:  # (`any` here is T.any)
        raise not_provided("theano.tensor.unbroadcast")
    return x


def patternbroadcast(x, broadcastable):
    """``x`` with length 1 declared for the axes where ``broadcastable`` is True (Theano's rule)."""
    x = pt.as_tensor_variable(x)
    unbroadcast(x, *[axis for axis, flag in enumerate(broadcastable) if not flag])
    return addbroadcast(x, *[axis for axis, flag in enumerate(broadcastable) if flag])


__getattr__ = missing_names("theano.tensor", pt)
