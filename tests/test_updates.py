from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from symrnn.backend import default_mode
from symrnn.errors import DtypeError
from symrnn.model import CharRNN
from symrnn.updates import checked, sgd


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sgd_moves_every_weight_by_exactly_minus_lr_grad(dtype):
    model = CharRNN(6, 5, dtype=dtype, seed=3)
    inp, outp = pt.imatrix("inp"), pt.imatrix("outp")
    h0 = model.state_variables()
    lr = pt.scalar("lr", dtype=dtype)
    w_all = model.params
    error, _, _ = model.window_loss(inp, outp, h0)
    g_all = pytensor.grad(error, w_all)
    grads_fn = pytensor.function([inp, outp, *h0], g_all, mode=default_mode())
    upd_dict = sgd(g_all, w_all, lr)
    assert list(upd_dict) == w_all
    train_fn = pytensor.function([inp, outp, *h0, lr], error, updates=upd_dict, mode=default_mode())

    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 6, size=(2, 4, 3)).astype("int32")
    states = model.zero_states(3)
    before = [w.get_value() for w in w_all]
    grads = grads_fn(x, y, *states)
    train_fn(x, y, *states, np.asarray(0.05, dtype))
    tol = 1e-6 if dtype == "float32" else 1e-14
    for w, w0, g in zip(w_all, before, grads):
        assert w.get_value().dtype == dtype
        np.testing.assert_allclose(w.get_value(), w0 - np.asarray(0.05, dtype) * g, rtol=tol, atol=tol)
        assert np.abs(g).max() > 0, f"{w.name} got no gradient"


def test_python_float_learning_rate_does_not_upcast():
    w = pytensor.shared(np.ones(3, dtype="float32"), name="w")
    upd = sgd([pt.ones_like(w)], [w], 0.1)
    assert upd[w].dtype == "float32"


def test_upcasting_update_is_refused():
    w = pytensor.shared(np.ones(3, dtype="float32"), name="w")
    with pytest.raises(DtypeError, match="'w'.*float64"):
        checked(OrderedDict([(w, w - pt.dscalar("lr"))]))
