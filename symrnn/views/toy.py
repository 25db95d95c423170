"""The min-char-rnn toy: two symbols, three hidden units, small enough to watch every number.

The toy of the min-char-rnn visualisation, built from symrnn's own pieces: a ``CharRNN`` with a
vocabulary of 2 (one-hot input), one tanh ``SimpleRNN`` of 3 units and a softmax output, trained
by ``Trainer`` and ``fit`` like any other model. In the visualisation's names::

    h(t) = tanh(U·x(t) + W·h(t−1) + b_h)        U = W_x (2, 3), W = W_h (3, 3)
    y(t) = softmax(V·h(t) + b_y)                V = W_y (3, 2)

(symrnn multiplies rows, ``x·W_x``, so its matrices are the transposes of U, W, V; its two hidden
biases ``b_x`` and ``b_h`` add up to the one ``b_h`` above.) Weights start as normal draws × 0.01,
biases at zero, so an untrained toy says about 50/50 for everything.

Two tasks, each one sequence read from h0 = 0, the target at t being the input at t + 1:

* ``alternate``: inputs 1,0,1,0,… → targets 0,1,0,1,…; the input alone gives the answer.
* ``one-one-zero``: the pattern 1,1,0,1,1,0,…; after a 1 the next symbol depends on whether it
  was the first or the second 1, which only the hidden state can tell.
"""
import numpy as np

from symrnn.backends.compile import QUICK_MODE
from symrnn.data import WindowBatches
from symrnn.nn.model import CharRNN
from symrnn.training.fit import fit
from symrnn.training.trainer import Trainer

PATTERNS = {"alternate": (1, 0), "one-one-zero": (1, 1, 0)}


def task_sequence(task, length=12):
    """(inputs, targets), each (length,) int32: the task's pattern repeated, targets shifted by one."""
    pattern = PATTERNS[task]
    stream = np.resize(np.array(pattern, dtype=np.int32), length + 1)
    return stream[:-1], stream[1:]


def build(seed=0, dtype="float64"):
    """An untrained toy: ``CharRNN(2, 3)``, tanh, weights normal × 0.01, biases zero."""
    model = CharRNN(2, 3, activation="tanh", dtype=dtype, seed=seed)
    rng = np.random.default_rng(seed)
    for param in model.params:
        value = param.get_value()
        if value.ndim == 2:
            param.set_value((0.01 * rng.standard_normal(value.shape)).astype(dtype))
    return model


def train(model, task, *, steps=100, lr=0.1, length=12, mode=QUICK_MODE):
    """Train ``model`` on the task's sequence with Adam, one window per update; returns the ``Trainer``."""
    inputs, targets = task_sequence(task, length)
    trainer = Trainer(model, "adam", mode=mode, show_progress=False)
    fit(trainer, WindowBatches(inputs[None], targets[None], 1), steps=steps, lr=lr, report_every=steps)
    return trainer


def target_probabilities(trainer, task, length=12):
    """(length,): the probability the model gives the right next symbol at each step of the task."""
    inputs, targets = task_sequence(task, length)
    probs, _ = trainer.predict(inputs[:, None])              # (T, 1, 2)
    return probs[np.arange(length), 0, targets]
