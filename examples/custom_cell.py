"""A cell of your own — the Minimal Gated Unit — with its NumPy twin, gradient-checked three ways,
trained on text and sampled.

    python examples/custom_cell.py --text nietzsche.txt --steps 300
    PYTHONPATH=examples symrnn train --cell custom_cell:MGU --embedding 32 --optimizer adam
    PYTHONPATH=examples symrnn gradcheck --cell custom_cell:MGU --twin custom_cell:MGUTwin

The MGU (Zhou, Wu, Zhang & Zhou 2016) is a GRU with one gate doing the reset and update jobs.
Writing it takes what every built-in cell takes: parameters declared with ``add_param`` and a
``step``. Scan over batches of sequences, masks, stacking, dropout, gradient checks, training
and sampling then come from symrnn, as they do for ``GRU`` and ``LSTM``. ``MGUTwin`` is optional:
the same step in NumPy with its backward written out, so the gradient check can compare
``pytensor.grad`` with a second analytic gradient (docs/gradcheck.md, "A NumPy twin").
"""
import argparse

import numpy as np
import pytensor.tensor as pt

from symrnn import data, downloads
from symrnn.gradient_check.check import gradcheck
from symrnn.nn import init
from symrnn.nn.cells import Cell
from symrnn.nn.model import CharRNN
from symrnn.reference import ReferenceCell
from symrnn.training.fit import fit
from symrnn.training.generate import sample_text
from symrnn.training.trainer import Trainer


class MGU(Cell):
    """Minimal Gated Unit::

        f  = σ(x·W_xf + h·W_hf + b_f)             one gate
        ĥ  = tanh(x·W_xh + (f⊙h)·W_hh + b_h)      it resets h for the candidate ...
        h' = (1−f)⊙h + f⊙ĥ                        ... and mixes the candidate in
    """

    def __init__(self, n_in, n_hidden, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        for gate in "fh":
            self.add_param(f"W_x{gate}", (n_in, n_hidden), init.glorot_uniform)
            self.add_param(f"W_h{gate}", (n_hidden, n_hidden), init.orthogonal)
            self.add_param(f"b_{gate}", (n_hidden,), init.zeros)

    def step(self, x, h, W_xf, W_hf, b_f, W_xh, W_hh, b_h):
        f = pt.sigmoid(pt.dot(x, W_xf) + pt.dot(h, W_hf) + b_f)
        h_new = pt.tanh(pt.dot(x, W_xh) + pt.dot(f * h, W_hh) + b_h)
        return (1 - f) * h + f * h_new


class MGUTwin(ReferenceCell):
    """The MGU's step in NumPy, forward and backward: x (B, n_in), h (B, H), ``p`` the parameters by name."""

    param_names = ("W_xf", "W_hf", "b_f", "W_xh", "W_hh", "b_h")    # as MGU declares them

    def step(self, p, x, h):
        a_f = x @ p["W_xf"] + h @ p["W_hf"] + p["b_f"]              # (1)
        f = 1 / (1 + np.exp(-a_f))                                   # (2)
        fh = f * h                                                   # (3)
        h_hat = np.tanh(x @ p["W_xh"] + fh @ p["W_hh"] + p["b_h"])   # (4)
        h_new = (1 - f) * h + f * h_hat                              # (5)
        return (h_new,), (x, h, f, fh, h_hat)

    def step_backward(self, p, d_new_states, cache, grads):
        (dh_new,), (x, h, f, fh, h_hat) = d_new_states, cache
        df = dh_new * (h_hat - h)                                    # (5)
        dh = dh_new * (1 - f)                                        # (5)
        da_h = dh_new * f * (1 - h_hat ** 2)                         # (5), (4) through tanh
        grads["W_xh"] += x.T @ da_h                                  # (4)
        grads["W_hh"] += fh.T @ da_h                                 # (4)
        grads["b_h"] += da_h.sum(axis=0)                             # (4)
        dfh = da_h @ p["W_hh"].T                                     # (4)
        dx = da_h @ p["W_xh"].T                                      # (4)
        df += dfh * h                                                # (3)
        dh += dfh * f                                                # (3)
        da_f = df * f * (1 - f)                                      # (2)
        grads["W_xf"] += x.T @ da_f                                  # (1)
        grads["W_hf"] += h.T @ da_f                                  # (1)
        grads["b_f"] += da_f.sum(axis=0)                             # (1)
        dh += da_f @ p["W_hf"].T                                     # (1)
        dx += da_f @ p["W_xf"].T                                     # (1)
        return dx, (dh,)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", help="corpus: a file, an address or 'nietzsche' (default: the embedded pydoc topics)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--seq-len", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    args = parser.parse_args(argv)

    # 1. The gradient check, in float64: pytensor.grad through scan, the twin's BPTT, finite differences.
    print(gradcheck(MGU(3, 4), twin=MGUTwin(), mask=True))

    # 2. A character model around it (embedding → MGU, scanned → Dense), trained by symrnn's loop.
    text = data.load_text(downloads.local_path(args.text)) if args.text else data.default_corpus()
    vocab = data.Vocabulary.from_text(text)
    x, y = data.lesson_windows(vocab.encode(text), args.seq_len)
    trainer = Trainer(CharRNN(len(vocab), args.hidden, cell=MGU, embedding=32), "adam", clip=5.0)
    result = fit(trainer, data.WindowBatches(x, y, args.batch, shuffle=True), steps=args.steps, lr=args.lr,
                 report_every=50, report=lambda step, error: print(f"step {step}: {error:.3f} nats/char"))

    # 3. Sampling: feed the prime, then one character at a time, carrying the state.
    print(repr(sample_text(trainer.predict, vocab, text[:20], 200, temperature=0.7, rng=0)))
    return result


if __name__ == "__main__":
    main()
