"""The ``symrnn`` command line: ``symrnn train`` (more subcommands come with their modules).

Every ``SymrnnError`` (bad text, bad settings, a diverging loss) ends the program with one line
``symrnn: error: ...`` on stderr and exit status 1; bad arguments exit with status 2.
"""
import argparse
import json
import math
import platform
import sys

from symrnn.errors import SymrnnError


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``symrnn train: error: ... (see --help)``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}") from None
        if not value > 0 or (kind is float and not math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    parse.__name__ = f"positive {kind.__name__}"
    return parse


def build_parser():
    parser = _Parser(prog="symrnn", description="Symbolic character RNNs on PyTensor, the fast.ai "
                     "lesson 6-7 way.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser(
        "train", help="train a character model and show its predictions",
        description="Train the lesson's character RNN on a text (by default CPython's embedded "
                    "documentation topics), report the loss, and show next-character predictions.")
    data = train.add_argument_group("data")
    data.add_argument("--text", metavar="PATH", help="training text (default: the embedded corpus)")
    data.add_argument("--encoding", default="latin-1",
                      help="text encoding; latin-1 reads one character per byte (default)")
    data.add_argument("--seq-len", type=_positive(int), default=8, help="window length T (default 8)")
    data.add_argument("--val-fraction", type=float, default=0.1,
                      help="held-out tail of the text for val_loss (default 0.1)")
    model = train.add_argument_group("model")
    model.add_argument("--hidden", type=_positive(int), default=256, help="hidden units (default 256)")
    model.add_argument("--activation", choices=["relu", "tanh"], default="relu")
    model.add_argument("--one-hot", action="store_true", default=True,
                       help="feed one-hot characters, as the lesson does (the default input encoding)")
    model.add_argument("--seed", type=int, default=0, help="seed for the initial weights (default 0)")
    loop = train.add_argument_group("training")
    loop.add_argument("--batch-size", type=_positive(int), default=1,
                      help="windows per update (default 1: the lesson's online SGD)")
    loop.add_argument("--lr", type=_positive(float), default=0.01, help="learning rate (default 0.01)")
    length = loop.add_mutually_exclusive_group()
    length.add_argument("--steps", type=_positive(int), help="updates to run (default 5000)")
    length.add_argument("--epochs", type=_positive(float), help="passes over the training windows")
    loop.add_argument("--report-every", type=_positive(int), default=1000,
                      help="print the mean error every N steps (default 1000, as the lesson)")
    out = train.add_argument_group("output")
    out.add_argument("--predict", metavar="TEXT",
                     help="show next-character predictions for TEXT (default: held-out text)")
    out.add_argument("--json", action="store_true",
                     help="end with one JSON line: steps, train_loss, val_loss, chars_per_sec, ...")
    out.add_argument("--mode", help="PyTensor mode (default $SYMRNN_MODE or NUMBA)")
    out.add_argument("--no-progress", action="store_true", help="no progress bars or tickers")
    train.set_defaults(run=run_train)
    return parser


def run_train(args):
    import numpy as np
    import pytensor
    from tqdm import tqdm

    from symrnn import backend, data
    from symrnn.generate import next_char_predictions
    from symrnn.model import CharRNN
    from symrnn.train import Trainer, evaluate, fit

    text = data.load_text(args.text, args.encoding) if args.text else data.default_corpus()
    vocab = data.Vocabulary.from_text(text)
    train_idx, val_idx = data.split_tail(vocab.encode(text), args.val_fraction)
    inputs, targets = data.lesson_windows(train_idx, args.seq_len)
    steps = args.steps or (math.ceil(args.epochs * len(inputs) / args.batch_size) if args.epochs else 5000)
    mode = args.mode or backend.default_mode()
    source = args.text or "the embedded corpus (pydoc_data.topics)"
    print(f"{len(text):,} characters from {source}, vocabulary {len(vocab)}, "
          f"{len(inputs):,} training windows of {args.seq_len}; backend {mode}")

    model = CharRNN(len(vocab), args.hidden, activation=args.activation, seed=args.seed)
    trainer = Trainer(model, mode=mode, show_progress=not args.no_progress)
    with tqdm(total=steps, desc="train", unit="step", disable=args.no_progress, leave=False) as bar:
        result = fit(trainer, inputs, targets, steps=steps, lr=args.lr, batch_size=args.batch_size,
                     report_every=args.report_every, progress=bar,
                     report=lambda step, error: bar.write(f"Error: {error:.3f}  (step {step})",
                                                          file=sys.stdout))
    last = result["losses"][-args.report_every:]
    summary = {"steps": steps, "train_loss": float(np.mean(last))}
    if len(val_idx) > args.seq_len:
        val_inputs, val_targets = data.lesson_windows(val_idx, args.seq_len)
        summary["val_loss"] = float(evaluate(trainer, val_inputs, val_targets))
    else:
        summary["val_loss"] = None
    probe = args.predict or vocab.decode((val_idx if len(val_idx) else train_idx)[:40])
    predicted = next_char_predictions(trainer, vocab, probe)
    print(f"\ntrain loss {summary['train_loss']:.3f} nats/char, val loss "
          f"{summary['val_loss'] if summary['val_loss'] is None else round(summary['val_loss'], 3)}")
    print("next-character predictions (input, then the model's guess for the following char):")
    print("  input    : " + repr(probe))
    print("  predicted: " + repr(predicted))
    summary.update({
        "chars_per_sec": result["chars"] / result["train_seconds"] if result["train_seconds"] else None,
        "compile_seconds": trainer.compile_seconds,
        "train_seconds": result["train_seconds"],
        "backend": mode, "python": platform.python_version(), "pytensor": pytensor.__version__,
        "vocab_size": len(vocab), "hidden": args.hidden, "seq_len": args.seq_len,
        "batch_size": args.batch_size, "lr": args.lr,
    })
    if args.json:
        print(json.dumps(summary))


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except SymrnnError as err:
        print(f"symrnn: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("symrnn: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
