"""The error symrnn.theano raises for a Theano API it does not provide.

Every compat module ends with ``__getattr__ = missing_names("theano....", pytensor_module)``,
so an unknown name fails at the user's line with a message naming the Theano API and what to
use instead, never with an AttributeError from deep inside PyTensor.
"""

_GPU = (
    "PyTensor has no CUDA backend of its own; it compiles to C or Numba on the CPU, or to "
    "JAX/PyTorch with mode='JAX' or mode='PYTORCH'"
)
_RANDOM = "use pytensor.tensor.random (RandomStream; its draws take loc/scale/size, not avg/std)"

# Theano name (last dotted part) -> what to use instead.
_INSTEAD = {
    "sandbox": _GPU + "; for MRG_RandomStreams " + _RANDOM,
    "cuda": _GPU,
    "gpuarray": _GPU,
    "shared_randomstreams": _RANDOM,
    "RandomStreams": _RANDOM,
    "signal": "PyTensor has no pooling; pytensor.tensor.signal only holds convolve1d/convolve2d",
    "pool": "PyTensor has no pooling",
    "conv2d": (
        "PyTensor has no CNN conv2d; pytensor.tensor.signal.convolve2d is a scipy-style "
        "single-channel convolution"
    ),
    "conv": "PyTensor has no CNN convolutions; see pytensor.tensor.signal",
    "logsoftmax": "use pytensor.tensor.special.log_softmax(x, axis=-1)",
    "ultra_fast_sigmoid": "use nnet.sigmoid (exact)",
    "addbroadcast": "use pytensor.tensor.specify_broadcastable",
    "ifelse": "use pytensor.ifelse.ifelse",
    "printing": "use pytensor.printing (debugprint, pp)",
}


class NotProvided(NotImplementedError):
    """A Theano API that symrnn.theano does not provide; the message says what to use instead."""


class NotProvidedAttribute(NotProvided, AttributeError):
    """Raised on attribute access, so ``hasattr()`` and ``getattr(m, name, default)`` see a miss."""


class NotProvidedModule(NotProvided, ImportError):
    """Raised on importing a Theano submodule: ``except ImportError`` fallbacks keep working."""


def not_provided(api, pytensor_module=None, module=False):
    """The error for Theano's ``api`` (a dotted name such as ``"theano.tensor.nnet.conv2d"``)."""
    name = api.rpartition(".")[2]
    if name in _INSTEAD:
        hint = _INSTEAD[name]
    elif pytensor_module is not None and hasattr(pytensor_module, name):
        hint = (
            f"{pytensor_module.__name__}.{name} exists but is not checked against Theano's "
            "semantics; import it from PyTensor directly"
        )
    else:
        hint = "docs/theano.md lists what symrnn.theano provides"
    error = NotProvidedModule if module else NotProvidedAttribute
    return error(f"symrnn.theano: {api} is not provided; {hint}")


def missing_names(theano_module, pytensor_module=None):
    """A module ``__getattr__`` (PEP 562) raising :func:`not_provided` for unknown public names."""

    def __getattr__(name):
        if name.startswith("_"):  # dunder and private probes (pickle, IPython, pytest): plain miss
            raise AttributeError(f"module 'symrnn.{theano_module}' has no attribute {name!r}")
        raise not_provided(f"{theano_module}.{name}", pytensor_module)

    return __getattr__
