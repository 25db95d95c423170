"""Test helpers shared by the cell, layer and stacking tests: NumPy twins of the cells' equations
(written here from the equations, independently of ``symrnn.reference``) and running a cell over
a sequence.
"""
import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn.backends.compile import default_mode
from symrnn.nn.recurrent import scan_cell


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def np_simple_rnn(p, x, h):
    return (np.tanh(x @ p["W_x"] + p["b_x"] + h @ p["W_h"] + p["b_h"]),)


def np_gru(p, x, h):
    r = sigmoid(x @ p["W_xr"] + h @ p["W_hr"] + p["b_r"])
    z = sigmoid(x @ p["W_xz"] + h @ p["W_hz"] + p["b_z"])
    h_hat = np.tanh(x @ p["W_xh"] + (r * h) @ p["W_hh"] + p["b_h"])
    return (z * h_hat + (1 - z) * h,)


def np_gru_combined(p, x, h):
    hx = np.concatenate([h, x], axis=-1)
    r = sigmoid(hx @ p["W_r"] + p["b_r"])
    z = sigmoid(hx @ p["W_z"] + p["b_z"])
    h_hat = np.tanh(np.concatenate([r * h, x], axis=-1) @ p["W_h"] + p["b_h"])
    return (z * h_hat + (1 - z) * h,)


def np_lstm(p, x, h, c):
    i, f, g, o = np.split(x @ p["W_x"] + h @ p["W_h"] + p["b"], 4, axis=-1)
    c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c_new), c_new


def np_scan(step, p, xs, states, mask=None):
    """Loop ``step`` over xs (T, B, n_in): (outputs of state 0 (T, B, H), final states)."""
    outputs = []
    for t, x in enumerate(xs):
        new = step(p, x, *states)
        if mask is not None:
            m = mask[t][:, None]
            new = tuple(m * n + (1 - m) * s for n, s in zip(new, states))
        states = new
        outputs.append(states[0])
    return np.stack(outputs), list(states)


def values(cell):
    """The cell's parameters as a dict name → NumPy array."""
    return {p.name: p.get_value() for p in cell.params}


def randomise(cell, seed=0, scale=0.5):
    """Set every parameter (biases included) to N(0, scale²): no zeros hiding a wrong bias."""
    rng = np.random.default_rng(seed)
    for p in cell.params:
        p.set_value(rng.normal(0, scale, size=p.get_value().shape).astype(p.dtype))
    return cell


def run(cell, xs, states=None, mask=None, **kwargs):
    """Compile and run ``scan_cell`` on NumPy arrays: (outputs, final states) as NumPy arrays."""
    x = pt.tensor("x", dtype=cell.dtype, shape=(None,) * xs.ndim)
    inputs = [x]
    symbolic_states = None
    if states is not None:
        symbolic_states = [pt.tensor(f"s{i}", dtype=cell.dtype, shape=(None,) * s.ndim)
                           for i, s in enumerate(states)]
        inputs += symbolic_states
    m = None
    if mask is not None:
        m = pt.matrix("m", dtype=cell.dtype)
        inputs.append(m)
    out, final = scan_cell(cell, x, symbolic_states, m, **kwargs)
    fn = pytensor.function(inputs, [out, *final], mode=default_mode())
    args = [xs, *(states or []), *([] if mask is None else [mask])]
    out, *final = fn(*args)
    return out, final
