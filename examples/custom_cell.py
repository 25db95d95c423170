"""A cell of your own — the Minimal Gated Unit — gradient-checked, trained on text and sampled.

    python examples/custom_cell.py --text nietzsche.txt --steps 300

The MGU (Zhou, Wu, Zhang & Zhou 2016) is a GRU with one gate doing the reset and update jobs.
Writing it takes what every built-in cell takes: parameters declared with ``add_param`` and a
``step``. Scan over batches of sequences, masks, stacking, dropout, gradient checks, training
and sampling then come from symrnn, as they do for ``GRU`` and ``LSTM``.
"""
import argparse

import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn import data, init
from symrnn.backend import CompiledFunction
from symrnn.cells import Cell
from symrnn.generate import sample_text
from symrnn.gradient_check import gradcheck
from symrnn.layers import Dense, Embedding
from symrnn.losses import sparse_categorical_crossentropy
from symrnn.recurrent import scan_cell
from symrnn.updates import adam


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", help="corpus (default: the embedded pydoc topics)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--seq-len", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    args = parser.parse_args()

    # 1. The gradient check: pytensor.grad through scan vs finite differences, in float64.
    print(gradcheck(MGU(3, 4), mask=True))

    # 2. A character model around it: embedding → MGU, scanned → Dense at every step.
    text = data.load_text(args.text) if args.text else data.default_corpus()
    vocab = data.Vocabulary.from_text(text)
    x, y = data.lesson_windows(vocab.encode(text), args.seq_len)
    rng = np.random.default_rng(0)
    embed = Embedding(len(vocab), 32, rng=rng, dtype="float32")
    cell = MGU(32, args.hidden, rng=rng)
    output = Dense(args.hidden, len(vocab), rng=rng, dtype="float32")
    params = [*embed.params, *cell.params, *output.params]

    inp, outp = pt.imatrix("inp"), pt.imatrix("outp")            # (T, B) character indices
    h0 = pt.matrix("h0", dtype="float32")
    hidden, (h_last,) = scan_cell(cell, embed(inp), [h0])
    logits = output(hidden)
    loss = sparse_categorical_crossentropy(logits, outp).mean()  # nats per character
    upd_dict = adam(pytensor.grad(loss, params), params, args.lr)
    train = CompiledFunction([inp, outp, h0], loss, updates=upd_dict, name="train")
    predict = CompiledFunction([inp, h0], [pt.special.softmax(logits, axis=-1), h_last], name="predict")

    zeros = np.zeros((args.batch, args.hidden), dtype="float32")
    for step in range(1, args.steps + 1):
        rows = rng.integers(0, len(x), size=args.batch)
        error = train(x[rows].T, y[rows].T, zeros)
        if step % 50 == 0 or step == args.steps:
            print(f"step {step}: {error:.3f} nats/char")

    # 3. Sampling: feed the prime, then one character at a time, carrying the state.
    def next_probs(indices, states):
        state = states[0] if states else np.zeros((1, args.hidden), dtype="float32")
        probs, h = predict(indices, state)
        return probs, [h]

    print(repr(sample_text(next_probs, vocab, text[:20], 200, temperature=0.7, rng=0)))


if __name__ == "__main__":
    main()
