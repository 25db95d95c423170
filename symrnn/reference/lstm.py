"""The LSTM step, forward and backward.

::

    a  = x·W_x + h·W_h + b                   (B, 4H): column blocks i, f, g, o
    i, f, o = σ(a_i), σ(a_f), σ(a_o)         input, forget, output gates
    g  = tanh(a_g)                           candidate cell
    c' = f⊙c + i⊙g
    h' = o⊙tanh(c')                          states (h, c); the output is h
"""
import numpy as np

from symrnn.reference.activations import sigmoid, sigmoid_backward, tanh, tanh_backward
from symrnn.reference.bptt import ReferenceCell


class LSTM(ReferenceCell):
    """Twin of ``symrnn.nn.cells.LSTM``."""

    param_names = ("W_x", "W_h", "b")
    state_names = ("h", "c")

    def step(self, p, x, h, c):
        a = x @ p["W_x"] + h @ p["W_h"] + p["b"]                 # (1)
        a_i, a_f, a_g, a_o = np.split(a, 4, axis=-1)             # (2)
        i, f, g, o = sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)   # (3)
        c_new = f * c + i * g                                    # (4)
        tanh_c = tanh(c_new)                                     # (5)
        h_new = o * tanh_c                                       # (6)
        return (h_new, c_new), (x, h, c, a_i, a_f, a_g, a_o, i, f, g, o, c_new, tanh_c)

    def step_backward(self, p, d_new_states, cache, grads):
        dh_new, dc_new = d_new_states
        x, h, c, a_i, a_f, a_g, a_o, i, f, g, o, c_new, tanh_c = cache
        do = dh_new * tanh_c                                     # (6)
        dtanh_c = dh_new * o                                     # (6)
        dc_new = dc_new + tanh_backward(dtanh_c, c_new, tanh_c)  # (5) c' feeds h' and the next step
        df, dc = dc_new * c, dc_new * f                          # (4)
        di, dg = dc_new * g, dc_new * i                          # (4)
        da = np.concatenate([sigmoid_backward(di, a_i, i), sigmoid_backward(df, a_f, f),
                             tanh_backward(dg, a_g, g), sigmoid_backward(do, a_o, o)],
                            axis=-1)                             # (3), (2)
        grads["W_x"] += x.T @ da                                 # (1)
        grads["W_h"] += h.T @ da                                 # (1)
        grads["b"] += da.sum(axis=0)                             # (1)
        dh = da @ p["W_h"].T                                     # (1)
        dx = da @ p["W_x"].T                                     # (1)
        return dx, (dh, dc)

    def __repr__(self):
        return "reference.LSTM()"
