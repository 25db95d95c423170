"""Lesson 6's Keras character models on symrnn: the 3-char model, the 8-char model, returning sequences.

    python examples/lesson6_models.py --text nietzsche --steps 2000

The lesson builds the 3-char model by hand — one embedding per character, a dense input layer and
a dense hidden layer shared across steps — and then notices it is an RNN unrolled. Here it is the
RNN directly: embedding (n_fac 42) → SimpleRNN (relu, identity ``W_h``) → Dense, read 3 or 8
characters and predict the next (many-to-one), then predict the next character after *every*
position (``return_sequences``, many-to-many). Adam, batches of 64 windows, as in the lesson.
"""
import argparse

import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn import data, downloads
from symrnn.backends.compile import CompiledFunction
from symrnn.nn.cells import SimpleRNN
from symrnn.nn.layers import Dense, Embedding, Recurrent
from symrnn.nn.losses import sparse_categorical_crossentropy
from symrnn.optim.updates import adam

N_FAC = 42


def build(name, vocab_size, n_hidden, return_sequences, lr, rng):
    """(train, predict) for embedding → SimpleRNN → Dense; inputs (T, B) int32.

    train(inputs, targets) → mean loss, targets (T, B) if ``return_sequences`` else (B,) (the
    character after the window); predict(inputs) → probabilities (T, B, V) or (B, V).
    """
    embed = Embedding(vocab_size, N_FAC, rng=rng, dtype="float32")
    rnn = Recurrent(SimpleRNN(N_FAC, n_hidden, "relu", rng=rng), return_sequences=return_sequences)
    output = Dense(n_hidden, vocab_size, rng=rng, dtype="float32")
    params = [*embed.params, *rnn.params, *output.params]

    inputs = pt.imatrix("inputs")
    targets = pt.imatrix("targets") if return_sequences else pt.ivector("targets")
    hidden, _, _ = rnn(embed(inputs))                # (T, B, H), or (B, H): the last step only
    logits = output(hidden)
    loss = sparse_categorical_crossentropy(logits, targets).mean()
    upd_dict = adam(pytensor.grad(loss, params), params, lr)
    train = CompiledFunction([inputs, targets], loss, updates=upd_dict, name=f"train {name}")
    predict = CompiledFunction([inputs], pt.special.softmax(logits, axis=-1), name=f"predict {name}")
    return train, predict


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", help="corpus: a file, an address or 'nietzsche' (default: the embedded pydoc topics)")
    parser.add_argument("--steps", type=int, default=1000, help="training batches per model")
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()

    text = data.load_text(downloads.local_path(args.text)) if args.text else data.default_corpus()
    vocab = data.Vocabulary.from_text(text)
    idx = vocab.encode(text)
    rng = np.random.default_rng(0)
    models = [("3-char model", 3, False, ["phi", " th", " an"]),
              ("8-char model", 8, False, ["for thos", "part of ", "queens a"]),
              ("returning sequences", 8, True, [" this is"])]
    for name, cs, return_sequences, primes in models:
        x, y = data.lesson_windows(idx, cs)          # (n, cs) windows and the same shifted by one
        train, predict = build(name, len(vocab), args.hidden, return_sequences, args.lr, rng)
        for _ in range(args.steps):
            rows = rng.integers(0, len(x), size=args.batch)
            targets = y[rows].T if return_sequences else y[rows, -1]
            loss = train(x[rows].T, targets)
        print(f"{name}: loss {loss:.3f} after {args.steps} batches")
        for prime in primes:
            probs = predict(vocab.encode(prime)[:, None])  # one sequence: B = 1
            guesses = vocab.decode(np.argmax(probs, axis=-1))
            print(f"  {prime!r} → {guesses!r}" + ("  (after each prefix)" if return_sequences else ""))


if __name__ == "__main__":
    main()
