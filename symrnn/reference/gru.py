"""The GRU step, forward and backward, in the lesson's convention.

::

    r  = σ(x·W_xr + h·W_hr + b_r)            reset gate
    z  = σ(x·W_xz + h·W_hz + b_z)            update gate
    ĥ  = tanh(x·W_xh + (r⊙h)·W_hh + b_h)     candidate: reset applied to h BEFORE its matmul
    h' = z⊙ĥ + (1−z)⊙h                       z weights the NEW candidate

(Lasagne applies the reset after the matmul, r⊙(h·W_hh), with (1−u) on the old state as here;
Keras 1 lets z keep the old state, h' = z⊙h + (1−z)⊙ĥ. Those are different parametrisations of
the same family, not the same function of the same weights.)
"""
import numpy as np

from symrnn.reference.activations import sigmoid, sigmoid_backward, tanh, tanh_backward
from symrnn.reference.bptt import ReferenceCell


class GRU(ReferenceCell):
    """Twin of ``symrnn.nn.cells.GRU``."""

    param_names = ("W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xh", "W_hh", "b_h")

    def step(self, p, x, h):
        a_r = x @ p["W_xr"] + h @ p["W_hr"] + p["b_r"]     # (1)
        r = sigmoid(a_r)                                     # (2)
        a_z = x @ p["W_xz"] + h @ p["W_hz"] + p["b_z"]     # (3)
        z = sigmoid(a_z)                                     # (4)
        rh = r * h                                           # (5)
        a_h = x @ p["W_xh"] + rh @ p["W_hh"] + p["b_h"]    # (6)
        h_hat = tanh(a_h)                                    # (7)
        h_new = z * h_hat + (1 - z) * h                      # (8)
        return (h_new,), (x, h, a_r, r, a_z, z, rh, a_h, h_hat)

    def step_backward(self, p, d_new_states, cache, grads):
        (dh_new,) = d_new_states
        x, h, a_r, r, a_z, z, rh, a_h, h_hat = cache
        dz = dh_new * (h_hat - h)                            # (8)
        dh_hat = dh_new * z                                  # (8)
        dh = dh_new * (1 - z)                                # (8)
        da_h = tanh_backward(dh_hat, a_h, h_hat)             # (7)
        grads["W_xh"] += x.T @ da_h                          # (6)
        grads["W_hh"] += rh.T @ da_h                         # (6)
        grads["b_h"] += da_h.sum(axis=0)                     # (6)
        drh = da_h @ p["W_hh"].T                             # (6)
        dx = da_h @ p["W_xh"].T                              # (6)
        dr = drh * h                                         # (5)
        dh += drh * r                                        # (5)
        da_z = sigmoid_backward(dz, a_z, z)                  # (4)
        grads["W_xz"] += x.T @ da_z                          # (3)
        grads["W_hz"] += h.T @ da_z                          # (3)
        grads["b_z"] += da_z.sum(axis=0)                     # (3)
        dh += da_z @ p["W_hz"].T                             # (3)
        dx += da_z @ p["W_xz"].T                             # (3)
        da_r = sigmoid_backward(dr, a_r, r)                  # (2)
        grads["W_xr"] += x.T @ da_r                          # (1)
        grads["W_hr"] += h.T @ da_r                          # (1)
        grads["b_r"] += da_r.sum(axis=0)                     # (1)
        dh += da_r @ p["W_hr"].T                             # (1)
        dx += da_r @ p["W_xr"].T                             # (1)
        return dx, (dh,)

    def __repr__(self):
        return "reference.GRU()"


class GRUCombined(GRU):
    """Twin of ``symrnn.nn.cells.GRUCombined``: the same GRU with one matrix per gate acting on [h, x].

    ``W_r`` is ``vstack([W_hr, W_xr])`` and so on, so the step is ``GRU``'s on the split
    matrices, and each combined gradient is the vstack of the split ones.
    """

    param_names = ("W_r", "b_r", "W_z", "b_z", "W_h", "b_h")

    @staticmethod
    def split(p, n_hidden):
        """The combined parameters as ``GRU``'s: rows [:H] multiply h, rows [H:] multiply x."""
        split = {}
        for gate, h_name in (("r", "W_hr"), ("z", "W_hz"), ("h", "W_hh")):
            W = p[f"W_{gate}"]
            split[h_name], split[f"W_x{gate}"] = W[:n_hidden], W[n_hidden:]
            split[f"b_{gate}"] = p[f"b_{gate}"]
        return split

    def step(self, p, x, h):
        return super().step(self.split(p, h.shape[-1]), x, h)

    def step_backward(self, p, d_new_states, cache, grads):
        h = cache[1]
        split_p = self.split(p, h.shape[-1])
        split_grads = {name: np.zeros_like(value) for name, value in split_p.items()}
        dx, d_states = super().step_backward(split_p, d_new_states, cache, split_grads)
        for gate, h_name in (("r", "W_hr"), ("z", "W_hz"), ("h", "W_hh")):
            grads[f"W_{gate}"] += np.vstack([split_grads[h_name], split_grads[f"W_x{gate}"]])
            grads[f"b_{gate}"] += split_grads[f"b_{gate}"]
        return dx, d_states

    def __repr__(self):
        return "reference.GRUCombined()"
