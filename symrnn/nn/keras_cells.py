"""Cells in Keras 1's conventions: one bias per product, Keras' gate order and gate functions.

``symrnn.nn.cells`` follows the lesson (two biases in its RNN, z weighting the new candidate in
its GRU); Keras 1, which the lesson's Keras half uses, differs in each cell, and a model's numbers
and parameter counts follow the convention. These are ordinary ``Cell`` subclasses — scanned,
trained, dropped out and gradient-checked like any other — that ``symrnn.keras`` builds its
recurrent layers from. Weight layout is Keras 1's ``consume_less='gpu'``: the gates' input
weights side by side in one ``W`` (n_in, k·H), their recurrent weights in one ``U`` (H, k·H),
their biases in one ``b`` (k·H,)::

    SimpleRNN   h' = act(x·W + b + h·U)
    GRU         [z | r | ĥ] blocks;  z = inner(x·W_z + h·U_z + b_z),  r likewise,
                ĥ = act(x·W_h + (r⊙h)·U_h + b_h),  h' = z⊙h + (1−z)⊙ĥ    (z keeps the OLD state)
    LSTM        [i | f | c | o] blocks;  i, f, o = inner(.),  c' = f⊙c + i⊙act(.),  h' = o⊙act(c')

``inner`` is Keras 1's ``inner_activation`` (``hard_sigmoid`` by default: clip(0.2·z + 0.5, 0, 1)),
``act`` its ``activation`` (tanh by default; the lesson's GRU uses relu).
"""
import pytensor.tensor as pt

from symrnn.nn import init
from symrnn.nn.cells import Cell, column_blocks, forget_gate_bias, get_activation


class KerasSimpleRNN(Cell):
    """Keras 1's SimpleRNN: ``h' = act(x·W + b + h·U)``; W glorot_uniform, U orthogonal, b zeros."""

    def __init__(self, n_in, n_hidden, activation="tanh", *, W_init=init.glorot_uniform, U_init=init.orthogonal,
                 **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.activation = get_activation(activation)
        self.add_param("W", (n_in, n_hidden), W_init)
        self.add_param("U", (n_hidden, n_hidden), U_init)
        self.add_param("b", (n_hidden,), init.zeros)

    def precompute_input(self, x, W, U, b):
        """x (T, B, n_in) → x·W + b (T, B, H)."""
        return pt.dot(x, W) + b

    def step(self, xw, h, W, U, b):
        """xw: this step's x·W + b (B, H); h: the state at t−1 (B, H)."""
        return self.activation(xw + pt.dot(h, U))


class KerasGRU(Cell):
    """Keras 1's GRU (blocks z, r, ĥ; see the module docstring)."""

    def __init__(self, n_in, n_hidden, activation="tanh", inner_activation="hard_sigmoid", *,
                 W_init=init.glorot_uniform, U_init=init.orthogonal, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.activation, self.inner = get_activation(activation), get_activation(inner_activation)
        self.add_param("W", (n_in, 3 * n_hidden), column_blocks(W_init, 3))
        self.add_param("U", (n_hidden, 3 * n_hidden), column_blocks(U_init, 3))
        self.add_param("b", (3 * n_hidden,), init.zeros)

    def precompute_input(self, x, W, U, b):
        """x (T, B, n_in) → x·W + b (T, B, 3H), blocks z, r, ĥ."""
        return pt.dot(x, W) + b

    def step(self, xw, h, W, U, b):
        return self.update(xw, h, h, U)

    def update(self, xw, h_read, h, U):
        """The equations, with the state the matmuls read (``h_read``) apart from the one carried (``h``)."""
        H = self.n_hidden
        zr = self.inner(xw[..., :2 * H] + pt.dot(h_read, U[:, :2 * H]))
        z, r = zr[..., :H], zr[..., H:]
        h_new = self.activation(xw[..., 2 * H:] + pt.dot(r * h_read, U[:, 2 * H:]))
        return z * h + (1 - z) * h_new

    def step_dropped(self, h_mask, xw, h, W, U, b):
        """Keras 1's dropout_U: the mask drops h where it enters a matmul; the carried h stays whole."""
        return self.update(xw, h * h_mask, h, U)


class KerasLSTM(Cell):
    """Keras 1's LSTM (blocks i, f, c, o; see the module docstring); the forget bias starts at
    ``forget_bias`` (Keras 1's ``forget_bias_init='one'``)."""

    state_names = ("h", "c")

    def __init__(self, n_in, n_hidden, activation="tanh", inner_activation="hard_sigmoid", *, forget_bias=1.0,
                 W_init=init.glorot_uniform, U_init=init.orthogonal, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.activation, self.inner = get_activation(activation), get_activation(inner_activation)
        self.forget_bias = forget_bias
        self.add_param("W", (n_in, 4 * n_hidden), column_blocks(W_init, 4))
        self.add_param("U", (n_hidden, 4 * n_hidden), column_blocks(U_init, 4))
        self.add_param("b", (4 * n_hidden,), forget_gate_bias(n_hidden, forget_bias))

    def precompute_input(self, x, W, U, b):
        """x (T, B, n_in) → x·W + b (T, B, 4H), blocks i, f, c, o."""
        return pt.dot(x, W) + b

    def step(self, xw, h, c, W, U, b):
        H = self.n_hidden
        z = xw + pt.dot(h, U)
        i, f = self.inner(z[..., :H]), self.inner(z[..., H:2 * H])
        o = self.inner(z[..., 3 * H:])
        c_new = f * c + i * self.activation(z[..., 2 * H:3 * H])
        return o * self.activation(c_new), c_new
