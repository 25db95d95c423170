"""Every Theano import form under ``symrnn.theano``: what is provided imports and works; what is
not ends in one ``NotProvided`` line whose advice works when followed.
"""

import importlib
import re
import sys
import traceback

import numpy as np
import pytensor
import pytest

import symrnn.theano as theano
from symrnn.theano import NotProvided


def run(statement):
    """Execute an import statement in a fresh namespace, forgetting compat modules it created."""
    before = set(sys.modules)
    namespace = {}
    try:
        exec(statement, namespace)
    finally:
        for name in set(sys.modules) - before:
            if name.startswith("symrnn.theano"):
                del sys.modules[name]
    return namespace


def evaluate(variable, inputs=()):
    return pytensor.function(list(inputs), variable, mode="FAST_COMPILE")


@pytest.mark.parametrize(
    "statement, use",
    [
        ("from symrnn.theano.ifelse import ifelse", lambda ns: evaluate(ns["ifelse"](np.array(1), 1.0, 2.0))() == 1.0),
        ("import symrnn.theano.ifelse", lambda ns: callable(ns["symrnn"].theano.ifelse.ifelse)),
        ("import symrnn.theano.printing", lambda ns: "x" in ns["symrnn"].theano.printing.pp(theano.tensor.vector("x"))),
        ("from symrnn.theano.printing import debugprint, pydotprint", lambda ns: callable(ns["pydotprint"])),
        ("from symrnn.theano import Param", lambda ns: ns["Param"](theano.tensor.scalar(), default=1.0).value == 1.0),
        ("from symrnn.theano import In, Mode, Op, function, scan, map, reduce, foldl, foldr, clone",
         lambda ns: ns["Mode"](linker="py", optimizer="fast_compile") is not None),
        ("from symrnn.theano.compile import function, In, Param, Mode", lambda ns: callable(ns["function"])),
        ("from symrnn.theano.compile.mode import Mode, get_mode", lambda ns: ns["get_mode"]("FAST_COMPILE")),
        ("from symrnn.theano.compile.ops import as_op", lambda ns: callable(ns["as_op"])),
        ("import symrnn.theano.compile.io", lambda ns: callable(ns["symrnn"].theano.compile.io.Param)),
        ("from symrnn.theano.tensor import extra_ops", lambda ns: evaluate(ns["extra_ops"].cumsum(
            np.arange(4.0)))().tolist() == [0, 1, 3, 6]),
        ("import symrnn.theano.tensor.extra_ops as extra_ops", lambda ns: callable(ns["extra_ops"].to_one_hot)),
        ("from symrnn.theano.sandbox.rng_mrg import MRG_RandomStreams", lambda ns: ns["MRG_RandomStreams"](1)),
        ("import symrnn.theano.sandbox.rng_mrg", lambda ns: ns["symrnn"].theano.sandbox.rng_mrg.MRG_RandomStreams),
        ("from symrnn.theano.tensor.shared_randomstreams import RandomStreams", lambda ns: ns["RandomStreams"](1)),
        ("from symrnn.theano.scan_module import until, scan", lambda ns: ns["until"](theano.tensor.constant(True))),
        ("import symrnn.theano.scan_module", lambda ns: callable(ns["symrnn"].theano.scan_module.until)),
        ("from symrnn.theano.gof import Op, Apply, Variable, graph",
         lambda ns: issubclass(ns["Op"], pytensor.graph.Op)),
        ("from symrnn.theano.gradient import consider_constant, Lop, Rop",
         lambda ns: callable(ns["consider_constant"])),
        ("from symrnn.theano.tensor.nnet import nnet, sigmoid, softmax",
         lambda ns: ns["nnet"].softmax is ns["softmax"]),
    ],
)
def test_provided_import_forms_work(statement, use):
    assert use(run(statement))


def check_one_line(error, api):
    """The error is one NotProvided line naming ``api``, with no chained traceback above it."""
    assert isinstance(error, NotProvided)
    lines = traceback.format_exception(error)
    text = "".join(lines)
    assert "During handling of the above exception" not in text
    assert "The above exception was the direct cause" not in text
    only = traceback.format_exception_only(error)
    assert len(only) == 1 and only[0].count("\n") == 1, only
    assert only[0].startswith("symrnn.theano._missing.NotProvided")
    assert f"symrnn.theano: {api} is not provided; " in only[0] or f"symrnn.theano: {api} is no module" in only[0]
    return only[0]


def convolve2d_works():
    from pytensor.tensor.signal import convolve2d

    x = pytensor.tensor.matrix("x", dtype="float64")
    out = evaluate(convolve2d(x, np.ones((2, 2))), [x])(np.ones((3, 3)))
    return out.shape == (4, 4)


def log_softmax_works():
    from pytensor.tensor.special import log_softmax

    x = np.array([[1.0, 2.0, 3.0]])
    return np.allclose(evaluate(log_softmax(x, axis=-1))(), x - np.log(np.exp(x).sum()))


def sigmoid_works():
    from symrnn.theano.tensor import nnet

    return np.isclose(evaluate(nnet.sigmoid(np.float64(0.0)))(), 0.5)


def erfinv_works():
    return np.isclose(evaluate(pytensor.tensor.erfinv(np.float64(0.5)))(), 0.4769362762044699)


def cpu_function_works():
    x = pytensor.tensor.vector("x", dtype="float64")
    return theano.function([x], 2 * x, mode="FAST_COMPILE")(np.ones(2)).tolist() == [2, 2]


def matrix_works():
    return theano.tensor.matrix("m").type.shape == (None, None)


def pytensor_has(dotted):
    """A check that ``pytensor.<dotted>`` (the advice "exists ...; import it from PyTensor") imports."""

    def check():
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name) is not None

    return check


NOT_PROVIDED = [
    ("from symrnn.theano.tensor.nnet.conv import conv2d", "theano.tensor.nnet.conv", "convolve2d", convolve2d_works),
    ("from symrnn.theano.tensor.nnet import conv2d", "theano.tensor.nnet.conv2d", "convolve2d", convolve2d_works),
    ("import symrnn.theano.tensor.nnet.conv", "theano.tensor.nnet.conv", "convolve2d", convolve2d_works),
    ("from symrnn.theano.tensor.signal import pool", "theano.tensor.signal", "convolve2d", convolve2d_works),
    ("import symrnn.theano.tensor.signal.pool", "theano.tensor.signal", "convolve2d", convolve2d_works),
    ("from symrnn.theano.tensor.signal.pool import pool_2d", "theano.tensor.signal", "convolve2d",
     convolve2d_works),
    ("from symrnn.theano.sandbox import cuda", "theano.sandbox.cuda", "mode='JAX'", cpu_function_works),
    ("import symrnn.theano.sandbox.cuda", "theano.sandbox.cuda", "mode='JAX'", cpu_function_works),
    ("from symrnn.theano.sandbox.cuda import dnn", "theano.sandbox.cuda", "mode='JAX'", cpu_function_works),
    ("import symrnn.theano.gpuarray", "theano.gpuarray", "mode='JAX'", cpu_function_works),
    ("from symrnn.theano import gpuarray", "theano.gpuarray", "mode='JAX'", cpu_function_works),
    ("from symrnn.theano.tensor.nnet import logsoftmax", "theano.tensor.nnet.logsoftmax", "log_softmax",
     log_softmax_works),
    ("from symrnn.theano.tensor.nnet.nnet import ultra_fast_sigmoid", "theano.tensor.nnet.nnet.ultra_fast_sigmoid",
     "nnet.sigmoid", sigmoid_works),
    ("from symrnn.theano.tensor import erfinv", "theano.tensor.erfinv", "pytensor.tensor.erfinv", erfinv_works),
    ("from symrnn.theano.tensor import unbroadcast as u; u(symrnn.theano.tensor.row(), 0)",
     "theano.tensor.unbroadcast", "T.matrix", matrix_works),
    ("from symrnn.theano.printing import min_informative_str", "theano.printing.min_informative_str",
     "pytensor.printing.min_informative_str", pytensor_has("pytensor.printing.min_informative_str")),
    ("from symrnn.theano.compile import SharedVariable", "theano.compile.SharedVariable",
     "pytensor.compile.SharedVariable", pytensor_has("pytensor.compile.SharedVariable")),
    ("import symrnn.theano.misc.pkl_utils", "theano.misc", "pytensor.misc", pytensor_has("pytensor.misc.pkl_utils")),
    ("from symrnn.theano.misc import pkl_utils", "theano.misc", "pytensor.misc",
     pytensor_has("pytensor.misc.pkl_utils")),
    ("from symrnn.theano.gradient import verify_grad", "theano.gradient.verify_grad",
     "pytensor.gradient.verify_grad", pytensor_has("pytensor.gradient.verify_grad")),
    ("from symrnn.theano.scan_module import scan_utils", "theano.scan_module.scan_utils", "pytensor.scan.utils",
     pytensor_has("pytensor.scan.utils")),
    ("from symrnn.theano.gof import FunctionGraph, utils", "theano.gof.utils", "pytensor.graph.utils",
     pytensor_has("pytensor.graph.utils")),
]


def test_a_name_without_any_replacement_says_so():
    with pytest.raises(NotProvided) as caught:
        run("from symrnn.theano.ifelse import cond_merge")
    line = check_one_line(caught.value, "theano.ifelse.cond_merge")
    assert "no replacement; docs/theano.md lists what symrnn.theano provides" in line


@pytest.mark.parametrize("statement, api, replacement, replacement_works", NOT_PROVIDED)
def test_missing_import_forms_end_in_one_not_provided_line(statement, api, replacement, replacement_works):
    with pytest.raises(NotProvided) as caught:
        run("import symrnn.theano\n" + statement)
    line = check_one_line(caught.value, api)
    assert replacement in line
    assert isinstance(caught.value, ImportError | AttributeError)  # `except ImportError:` fallbacks work
    assert replacement_works()


def test_attribute_access_still_answers_hasattr():
    assert not hasattr(theano.tensor.nnet, "conv2d")
    assert not hasattr(theano.sandbox, "cuda")
    assert getattr(theano.tensor, "_ipython_canary_method_should_not_exist_", None) is None
    with pytest.raises(NotProvided, match=re.escape("theano.tensor.nnet.conv2d is not provided")):
        theano.tensor.nnet.conv2d  # noqa: B018


def test_hook_leaves_other_packages_alone():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("symrnn_no_such_package.theano")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("no_such_top_level_module")
