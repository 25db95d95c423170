"""Lesson 7's "RNN in pure Python", exact: the lesson's character RNN trained with NumPy alone.

The model is lesson 6's: one-hot characters, 256 relu units, ``W_h`` the identity, a softmax
output, online SGD at lr 0.01 on windows of 8 characters. Forward and backward through time are
``symrnn.reference``'s hand-written NumPy (no PyTensor): this script only loops and updates.

Lesson 7's own version has no biases and two bugs: it updates ``W_h`` with ``h_{t-1} · dz`` — a
dot product, one number — where the gradient is the outer product ``h_{t-1}ᵀ dz``, and it
changes the weights while still backpropagating through them. Here the gradients are exact
(``symrnn gradcheck --cell rnn`` checks them against ``pytensor.grad`` and finite differences).

It learns like the PyTensor model: before training, the script takes one SGD step from the same
initial weights with both (``symrnn.training.trainer.Trainer`` on ``CharRNN`` in float64, and NumPy) and
prints how far apart the new weights are — float64 rounding, far below 1e-6.

    python examples/lesson7_numpy_rnn.py [--text PATH] [--hidden 256] [--windows 10000]
"""
import argparse
import time

import numpy as np

from symrnn import data, downloads, reference

LESSON = {"hidden": 256, "lr": 0.01, "seq_len": 8, "windows": 10000, "report_every": 1000}


def initial_weights(vocab_size, n_hidden, seed):
    """The PyTensor ``CharRNN`` (float64) and a NumPy copy of its initial weights.

    CharRNN initialises as the lesson: ``W_x``, ``W_y`` by he_normal, ``W_h`` identity, zero biases.
    """
    from symrnn.nn.model import CharRNN  # PyTensor: only to start both from the same weights
    model = CharRNN(vocab_size, n_hidden, dtype="float64", seed=seed)
    return model, {p.name: p.get_value() for p in model.params}


def sgd_step(cell, weights, x, y, lr):
    """One SGD step of the NumPy RNN on one window → (summed error, new weights).

    x: (T, V) one-hot inputs; y: (T,) target indices; the state starts at zeros, as the lesson's.
    """
    values = {**weights, "h0": np.zeros(weights["W_h"].shape[0])}
    error, grads = reference.loss_and_gradients(cell, values, x, y)
    return error, {name: w - lr * grads[name] for name, w in weights.items()}


def one_step_difference(model, weights, inputs, targets, lr):
    """Max |difference| per weight after one SGD step on window 0 with PyTensor and with NumPy."""
    from symrnn.training.trainer import Trainer
    Trainer(model, mode="FAST_COMPILE", show_progress=False).train_step(inputs[:1].T, targets[:1].T, lr)
    vocab_size = weights["W_y"].shape[1]
    _, numpy_weights = sgd_step(reference.SimpleRNN("relu"), weights,
                                data.one_hot(inputs[0], vocab_size, np.float64), targets[0], lr)
    return {p.name: float(np.abs(p.get_value() - numpy_weights[p.name]).max()) for p in model.params}


def train(weights, inputs, targets, *, lr, windows, report_every, report=print):
    """The lesson's loop: one SGD step per window, in order; reports the lesson's mean error."""
    cell, vocab_size = reference.SimpleRNN("relu"), weights["W_y"].shape[1]
    errors = []
    for n in range(windows):
        i = n % len(inputs)
        error, weights = sgd_step(cell, weights, data.one_hot(inputs[i], vocab_size, np.float64),
                                  targets[i], lr)
        errors.append(error)
        if (n + 1) % report_every == 0:
            mean = np.mean(errors[-report_every:])
            report(f"Error: {mean:.3f}  ({mean / inputs.shape[1]:.3f} nats/char, window {n + 1})")
    return weights, errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--text", metavar="PATH",
                        help="training text: a file, an address or 'nietzsche' (default: the embedded corpus)")
    parser.add_argument("--hidden", type=int, default=LESSON["hidden"])
    parser.add_argument("--lr", type=float, default=LESSON["lr"])
    parser.add_argument("--seq-len", type=int, default=LESSON["seq_len"])
    parser.add_argument("--windows", type=int, default=LESSON["windows"], help="SGD steps, one window each")
    parser.add_argument("--report-every", type=int, default=LESSON["report_every"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    text = data.load_text(downloads.local_path(args.text)) if args.text else data.default_corpus()
    vocab = data.Vocabulary.from_text(text)
    inputs, targets = data.lesson_windows(vocab.encode(text), args.seq_len)
    print(f"{len(text):,} characters, vocabulary {len(vocab)}, {len(inputs):,} windows of {args.seq_len}")

    model, weights = initial_weights(len(vocab), args.hidden, args.seed)
    difference = one_step_difference(model, weights, inputs, targets, args.lr)
    print("one SGD step from the same weights, PyTensor vs NumPy, max |difference|: "
          + ", ".join(f"{name} {d:.1e}" for name, d in difference.items()))

    start = time.perf_counter()
    _, errors = train(weights, inputs, targets, lr=args.lr, windows=args.windows,
                      report_every=args.report_every)
    print(f"{args.windows} windows in {time.perf_counter() - start:.1f} s with NumPy alone")
    return {"one_step_difference": difference, "errors": errors}


if __name__ == "__main__":
    main()
