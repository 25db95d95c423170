"""The optimisers of symrnn.optim.updates: SGD, momentum, Nesterov, Adagrad, RMSProp and Adam against NumPy."""
import math
from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from symrnn import registry
from symrnn.backends.compile import default_mode
from symrnn.dtypes import checked_updates
from symrnn.errors import ConfigError, DtypeError
from symrnn.nn.model import CharRNN
from symrnn.optim import updates
from symrnn.optim.updates import sgd


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
        checked_updates(OrderedDict([(w, w - pt.dscalar("lr"))]))


def np_momentum(w, g, state, lr, t, momentum=0.9):
    state["velocity"] = momentum * state.get("velocity", 0) - lr * g
    return w + state["velocity"]


def np_nesterov_momentum(w, g, state, lr, t, momentum=0.9):
    state["velocity"] = momentum * state.get("velocity", 0) - lr * g
    return w + momentum * state["velocity"] - lr * g


def np_adagrad(w, g, state, lr, t, epsilon=1e-6):
    state["accu"] = state.get("accu", 0) + g ** 2
    return w - lr * g / np.sqrt(state["accu"] + epsilon)


def np_rmsprop(w, g, state, lr, t, rho=0.9, epsilon=1e-6):
    state["accu"] = rho * state.get("accu", 0) + (1 - rho) * g ** 2
    return w - lr * g / np.sqrt(state["accu"] + epsilon)


def np_adam(w, g, state, lr, t, beta1=0.9, beta2=0.999, epsilon=1e-8):
    state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * g
    state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g ** 2
    step_size = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return w - step_size * state["m"] / (np.sqrt(state["v"]) + epsilon)


REFERENCES = {"momentum": np_momentum, "nesterov_momentum": np_nesterov_momentum,
              "adagrad": np_adagrad, "rmsprop": np_rmsprop, "adam": np_adam}
# Non-default hyper-parameters exactly representable in float32, so both dtypes compute the same rule.
EXACT_HYPER = {"momentum": {"momentum": 0.75}, "nesterov_momentum": {"momentum": 0.75},
               "adagrad": {"epsilon": 2.0 ** -10},
               "rmsprop": {"rho": 0.875, "epsilon": 2.0 ** -10},
               "adam": {"beta1": 0.875, "beta2": 1 - 2.0 ** -7, "epsilon": 2.0 ** -10}}


def make_params(dtype, rng):
    return [pytensor.shared(rng.normal(size=(3, 2)).astype(dtype), name="W_x"),
            pytensor.shared(rng.normal(size=(2,)).astype(dtype), name="b_x")]


def run_three_steps(name, dtype, hyper):
    """Three compiled updates with random gradients and a changing learning rate vs NumPy."""
    rng = np.random.default_rng(7)
    params = make_params(dtype, rng)
    grads = [pt.tensor(f"g_{p.name}", dtype=dtype, shape=(None,) * p.ndim) for p in params]
    lr = pt.scalar("lr", dtype=dtype)
    upd_dict = getattr(updates, name)(grads, params, lr, **hyper)
    train = pytensor.function([*grads, lr], [], updates=upd_dict, mode=default_mode())

    expected = [p.get_value().astype("float64") for p in params]
    states = [{} for _ in params]
    for t in (1, 2, 3):
        g_values = [rng.normal(size=p.get_value().shape).astype(dtype) for p in params]
        lr_value = float(np.asarray(0.1 / t, dtype))  # the learning rate is an input each call
        train(*g_values, np.asarray(lr_value, dtype))
        expected = [REFERENCES[name](w, g.astype("float64"), s, lr_value, t, **hyper)
                    for w, g, s in zip(expected, g_values, states)]
    return params, expected, states, upd_dict


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(REFERENCES))
def test_three_steps_match_numpy(name, dtype):
    params, expected, states, upd_dict = run_three_steps(name, dtype, EXACT_HYPER[name])
    tol = {"float64": 1e-12, "float32": 2e-6}[dtype]
    state_by_name = {var.name: var for var in updates.optimizer_state(upd_dict)}
    for p, want, state in zip(params, expected, states):
        assert p.get_value().dtype == dtype
        np.testing.assert_allclose(p.get_value(), want, rtol=tol, atol=tol, err_msg=p.name)
        for role, value in state.items():
            var = state_by_name[f"{p.name}.{role}"]
            assert var.get_value().dtype == dtype
            np.testing.assert_allclose(var.get_value(), value, rtol=tol, atol=tol, err_msg=var.name)
    if name == "adam":
        assert state_by_name["adam.t"].get_value() == 3


@pytest.mark.parametrize("name", list(REFERENCES))
def test_defaults_are_lasagnes(name):
    """With no hyper-parameters given, the update follows the references' (Lasagne's) defaults."""
    params, expected, _, _ = run_three_steps(name, "float64", {})
    for p, want in zip(params, expected):
        np.testing.assert_allclose(p.get_value(), want, rtol=1e-12, atol=1e-12, err_msg=p.name)


@pytest.mark.parametrize("name", list(REFERENCES))
def test_state_is_named_tagged_zero_and_discoverable(name):
    params = make_params("float32", np.random.default_rng(0))
    upd_dict = getattr(updates, name)([pt.zeros_like(p) for p in params], params, 0.1)
    state = updates.optimizer_state(upd_dict)
    assert set(upd_dict) == set(params) | set(state)  # every key is a parameter or its state
    for var in state:
        assert var.tag.trainable is False and var.tag.optimizer_state is True
        assert not np.any(var.get_value())
        if var.name != "adam.t":
            owner = next(p for p in params if var.name.startswith(p.name + "."))
            assert var.get_value().shape == owner.get_value().shape and var.dtype == owner.dtype
    assert len({var.name for var in state}) == len(state)


@pytest.mark.parametrize("name", list(REFERENCES))
@pytest.mark.parametrize("lr", [0.1, pt.dscalar("lr")], ids=["python-float", "float64-scalar"])
def test_float32_weights_stay_float32(name, lr):
    params = make_params("float32", np.random.default_rng(0))
    upd_dict = getattr(updates, name)([pt.ones_like(p) for p in params], params, lr)
    assert all(new.dtype == var.dtype for var, new in upd_dict.items())


@pytest.mark.parametrize("name, hyper", [
    ("momentum", {"momentum": 1.0}), ("nesterov_momentum", {"momentum": -0.1}),
    ("rmsprop", {"rho": 1.5}), ("adagrad", {"epsilon": 0.0}),
    ("adam", {"beta2": 1.0}), ("adam", {"epsilon": -1e-8})])
def test_impossible_hyper_parameters_are_named(name, hyper):
    params = make_params("float64", np.random.default_rng(0))
    with pytest.raises(ConfigError, match=next(iter(hyper))):
        getattr(updates, name)([pt.zeros_like(p) for p in params], params, 0.1, **hyper)


def test_one_gradient_per_parameter():
    params = make_params("float64", np.random.default_rng(0))
    with pytest.raises(ValueError):
        updates.adam([pt.zeros_like(params[0])], params, 0.1)


def test_the_one_optimizer_table_names_each_builder_and_a_default_learning_rate():
    assert set(registry.OPTIMIZERS) == set(REFERENCES) | {"sgd"}
    for name, entry in registry.OPTIMIZERS.items():
        assert registry.optimizer_builder(name) is getattr(updates, name)
        assert entry.default_lr > 0
    assert registry.optimizer_builder(updates.adam) is updates.adam


def test_an_unknown_optimizer_is_one_config_error():
    with pytest.raises(ConfigError, match="unknown optimizer 'adamw'"):
        registry.optimizer_builder("adamw")
