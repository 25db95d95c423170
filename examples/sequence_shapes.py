"""Many-to-one, many-to-many and one-to-many: one GRU, three shapes of sequence problem.

    python examples/sequence_shapes.py --text nietzsche --steps 300

    many-to-one    read T characters, predict the next one      (T, B) → (B, H)    → (B, V)
    many-to-many   predict the next character after every one   (T, B) → (T, B, H) → (T, B, V)
    one-to-many    from one character, spell the T that follow  (B,)   → (T, B, H) → (T, B, V)

Karpathy's "unreasonable effectiveness" diagram, on text. The one-to-many model sees its
character at t = 0 and zeros after: everything else must come from the state.
"""
import argparse

import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn import data, downloads
from symrnn.backends.compile import CompiledFunction
from symrnn.nn.cells import GRU
from symrnn.nn.layers import Dense, Embedding, Recurrent
from symrnn.nn.losses import sparse_categorical_crossentropy
from symrnn.optim.updates import adam

N_EMBED = 24


def build(shape, vocab_size, n_hidden, seq_len, lr, rng):
    """A train function ``(inputs, targets) → [loss, *shapes of inputs, hidden, logits]``."""
    embed = Embedding(vocab_size, N_EMBED, rng=rng, dtype="float32")
    rnn = Recurrent(GRU(N_EMBED, n_hidden, rng=rng), return_sequences=shape != "many-to-one")
    output = Dense(n_hidden, vocab_size, rng=rng, dtype="float32")
    params = [*embed.params, *rnn.params, *output.params]

    if shape == "one-to-many":
        inputs = pt.ivector("first")                                    # (B,)
        first = embed(inputs)[None]                                     # (1, B, E)
        x = pt.concatenate([first, pt.zeros((seq_len - 1, inputs.shape[0], N_EMBED), "float32")])
    else:
        inputs = pt.imatrix("inputs")                                   # (T, B)
        x = embed(inputs)                                               # (T, B, E)
    targets = pt.ivector("next") if shape == "many-to-one" else pt.imatrix("targets")
    hidden, _, _ = rnn(x)
    logits = output(hidden)
    loss = sparse_categorical_crossentropy(logits, targets).mean()
    upd_dict = adam(pytensor.grad(loss, params), params, lr)
    return CompiledFunction([inputs, targets], [loss, inputs.shape, hidden.shape, logits.shape],
                            updates=upd_dict, name=shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", help="corpus: a file, an address or 'nietzsche' (default: the embedded pydoc topics)")
    parser.add_argument("--steps", type=int, default=300, help="training batches per model")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--seq-len", type=int, default=16)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    args = parser.parse_args()

    text = data.load_text(downloads.local_path(args.text)) if args.text else data.default_corpus()
    vocab = data.Vocabulary.from_text(text)
    x, y = data.lesson_windows(vocab.encode(text), args.seq_len)       # (n, T) each
    rng = np.random.default_rng(0)
    batch_of = {"many-to-one": lambda r: (x[r].T, y[r, -1]),
                "many-to-many": lambda r: (x[r].T, y[r].T),
                "one-to-many": lambda r: (x[r, 0], y[r].T)}
    for shape, batch in batch_of.items():
        train = build(shape, len(vocab), args.hidden, args.seq_len, args.lr, rng)
        losses = []
        for _ in range(args.steps):
            loss, *shapes = train(*batch(rng.integers(0, len(x), size=args.batch)))
            losses.append(loss)
        inp, hidden, logits = (tuple(int(n) for n in s) for s in shapes)
        print(f"{shape:13s} inputs {inp} → hidden {hidden} → logits {logits}; "
              f"loss {np.mean(losses[:10]):.2f} → {np.mean(losses[-10:]):.2f} nats/char")


if __name__ == "__main__":
    main()
