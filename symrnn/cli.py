"""The ``symrnn`` command line: arguments only; ``symrnn.commands`` does the work.

Every ``SymrnnError`` (bad text, bad settings, a diverging loss, a broken checkpoint) ends the
program with one line ``symrnn: error: ...`` on stderr and exit status 1; bad arguments exit
with status 2; Ctrl-C during training saves a checkpoint and exits with status 130.
"""
import argparse
import math
import os
import sys

from symrnn.errors import SymrnnError
from symrnn.registry import CELLS, OPTIMIZERS


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``symrnn train: error: ... (see --help)``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _number(kind, low=0.0, low_ok=False, below=math.inf):
    """An argparse type: a ``kind`` number above ``low`` (or equal, if ``low_ok``) and below ``below``."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value) or value < low or (value == low and not low_ok):
            raise argparse.ArgumentTypeError(f"must be {'>=' if low_ok else '>'} {low:g}, got {text}")
        if value >= below:
            raise argparse.ArgumentTypeError(f"must be < {below:g}, got {text}")
        return value
    return parse


POSITIVE_INT, POSITIVE = _number(int), _number(float)
FRACTION, NON_NEGATIVE = _number(float, low_ok=True, below=1.0), _number(float, low_ok=True)


def build_parser():
    """The ``symrnn`` parser: one subcommand per ``_add_<name>``, done by ``symrnn.commands.<name>(args)``."""
    parser = _Parser(prog="symrnn", description="Symbolic character RNNs on PyTensor, the fast.ai "
                     "lesson 6-7 way.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_train(commands)
    _add_sample(commands)
    _add_gradcheck(commands)
    _add_viz(commands)
    _add_trace(commands)
    _add_bench(commands)
    return parser


VECTOR_MATH_HELP = ("Numba: float32 tanh and sigmoid that LLVM vectorises (same as SYMRNN_VECTOR_MATH=1): "
                    "LSTMs train faster, a new model's first compile takes longer")
CELL_HELP = (f"a built-in cell ({', '.join(CELLS)}; default rnn, the lesson's SimpleRNN) or a cell of your "
             f"own as module.path:ClassName (a Cell subclass or a factory function) importable from "
             f"PYTHONPATH")


def _add_train(commands):
    train = commands.add_parser(
        "train", help="train a character model and show its predictions",
        description="Train a character model on a text (by default CPython's embedded documentation "
                    "topics), report the loss in nats/char, and show next-character predictions. "
                    "The defaults are the lesson's Theano RNN: one-hot input, 256 relu units, "
                    "identity W_h, windows of 8, one window per SGD update at lr 0.01.")
    _add_data_arguments(train.add_argument_group("data"))
    _add_model_arguments(train.add_argument_group("model"))
    _add_training_arguments(train.add_argument_group("training"))
    _add_output_arguments(train)


def _add_data_arguments(data):
    data.add_argument("--text", metavar="PATH", help="training text (default: the embedded corpus)")
    data.add_argument("--encoding", default="latin-1",
                      help="text encoding; latin-1 reads one character per byte (default)")
    data.add_argument("--seq-len", type=POSITIVE_INT, default=8, help="window length T (default 8)")
    data.add_argument("--stride", type=POSITIVE_INT,
                      help="start a window every N characters (default: --seq-len, the lesson's "
                           "non-overlapping layout; 1 uses every position)")
    data.add_argument("--val-fraction", type=FRACTION, default=0.1,
                      help="held-out tail of the text for val_loss (default 0.1)")


def _add_model_arguments(model):
    model.add_argument("--cell", default="rnn", metavar="NAME", help=CELL_HELP)
    model.add_argument("--layers", type=POSITIVE_INT, default=1, help="stacked cells (default 1)")
    model.add_argument("--hidden", type=POSITIVE_INT, default=256, help="hidden units (default 256)")
    model.add_argument("--activation", choices=["relu", "tanh"], default="relu", help="for --cell rnn")
    encoding = model.add_mutually_exclusive_group()
    encoding.add_argument("--one-hot", action="store_true",
                          help="feed one-hot characters, as the lesson's Theano RNN (the default)")
    encoding.add_argument("--embedding", type=POSITIVE_INT, metavar="N",
                          help="learn an N-wide embedding instead (the lesson's n_fac = 42)")
    model.add_argument("--batchnorm", action="store_true", help="batch-normalise the embeddings")
    model.add_argument("--dropout", type=FRACTION, default=0.0, help="input dropout (Keras dropout_W)")
    model.add_argument("--recurrent-dropout", type=FRACTION, default=0.0,
                       help="recurrent dropout, one mask per sequence (Keras dropout_U)")
    model.add_argument("--many-to-one", action="store_true",
                       help="train on the last position only (the lesson's 8-char model)")
    model.add_argument("--seed", type=int, default=0, help="seed for weights and shuffling (default 0)")


def _add_training_arguments(loop):
    loop.add_argument("--batch-size", type=POSITIVE_INT, default=1,
                      help="windows (or streams, with --stateful) per update (default 1)")
    loop.add_argument("--optimizer", choices=list(OPTIMIZERS), default="sgd")
    loop.add_argument("--lr", type=POSITIVE, help="learning rate (default: 0.01 for sgd, "
                      "the optimizer's usual default otherwise)")
    loop.add_argument("--lr-decay", type=POSITIVE, default=1.0, metavar="FACTOR",
                      help="multiply the learning rate by FACTOR every epoch (default 1: constant)")
    loop.add_argument("--clip", type=NON_NEGATIVE, default=100.0,
                      help="global gradient-norm limit (default 100: a guard against exploding "
                           "gradients that healthy runs rarely reach — the lesson's gradients have "
                           "norm ~20; 0 turns clipping off)")
    loop.add_argument("--shuffle", action="store_true", help="shuffle the windows every epoch")
    loop.add_argument("--stateful", action="store_true",
                      help="B continuous streams, state carried from batch to batch, reset each epoch")
    length = loop.add_mutually_exclusive_group()
    length.add_argument("--steps", type=POSITIVE_INT, help="total updates (default 5000)")
    length.add_argument("--epochs", type=POSITIVE, help="total passes over the training data")
    loop.add_argument("--report-every", type=POSITIVE_INT, default=1000,
                      help="print the mean error (and val loss) every N steps (default 1000)")
    loop.add_argument("--updates-per-call", type=POSITIVE_INT, default=1, metavar="K",
                      help="run up to K updates in one compiled call (the training loop as a scan over "
                           "batches): the same updates as K calls, less per-call overhead for small "
                           "batches. A call never crosses an epoch's end or a multiple of --report-every, "
                           "so reports and checkpoints keep their steps; Ctrl-C stops after the call "
                           "(default 1: one update per call)")


def _add_output_arguments(train):
    store = train.add_argument_group("checkpoints")
    store.add_argument("--checkpoint", metavar="PATH", help="save the run here (npz + JSON, atomic) "
                       "every --report-every steps and at the end")
    store.add_argument("--resume", action="store_true",
                       help="continue the run saved at --checkpoint; --steps/--epochs count the total")
    out = train.add_argument_group("output")
    out.add_argument("--predict", metavar="TEXT",
                     help="show next-character predictions for TEXT (default: held-out text)")
    out.add_argument("--plot", metavar="PNG", help="plot the loss curves (needs matplotlib: "
                     "pip install 'symrnn[plot]')")
    out.add_argument("--report", metavar="DIR", help="write the report page (loss curves, samples at "
                     "each report step, the step viewer) to DIR/report.html (default runs/<date-time>/)")
    out.add_argument("--no-report", action="store_true", help="no report page")
    out.add_argument("--json", action="store_true",
                     help="end with one JSON line: steps, train_loss, val_loss, chars_per_sec, ...")
    out.add_argument("--mode", help="PyTensor mode (default $SYMRNN_MODE or JAX)")
    out.add_argument("--vector-math", action="store_true", help=VECTOR_MATH_HELP)
    out.add_argument("--no-progress", action="store_true", help="no progress bars or tickers")


def _add_sample(commands):
    sample = commands.add_parser(
        "sample", help="generate text from a checkpoint",
        description="Feed --prime to a trained model, then generate --length characters: greedy "
                    "(temperature 0, the lesson's get_nexts) or sampled at --temperature.")
    sample.add_argument("--checkpoint", metavar="PATH", required=True)
    sample.add_argument("--prime", default="\n", help="text to start from (default a newline)")
    sample.add_argument("--length", type=POSITIVE_INT, default=400, help="characters to generate")
    sample.add_argument("--temperature", type=NON_NEGATIVE, default=1.0,
                        help="1 samples the model's distribution, < 1 sharpens, 0 is greedy argmax")
    sample.add_argument("--seed", type=int, help="seed for sampling (default: fresh)")
    sample.add_argument("--mode", help="PyTensor mode (default $SYMRNN_MODE or JAX)")
    sample.add_argument("--no-progress", action="store_true", help="no compile ticker")


def _add_gradcheck(commands):
    gradcheck = commands.add_parser(
        "gradcheck", help="check a cell's gradients three ways",
        description="Compare pytensor.grad through scan, the pure-NumPy BPTT reference and central "
                    "finite differences for a cell, in float64 (a cell without a NumPy twin: "
                    "pytensor.grad vs finite differences).")
    gradcheck.add_argument("--cell", default="rnn", metavar="NAME", help=CELL_HELP)
    gradcheck.add_argument("--twin", metavar="module.path:ClassName",
                           help="the cell's NumPy twin (a symrnn.reference.ReferenceCell) for all three "
                                "pairs; built-in cells have theirs")
    gradcheck.add_argument("--activation", choices=["relu", "tanh"], help="for --cell rnn (default relu)")
    gradcheck.add_argument("--seed", type=int, default=0)
    gradcheck.add_argument("--json", action="store_true", help="end with one JSON line of the errors")


def _add_viz(commands):
    viz = commands.add_parser(
        "viz", help="write a step-by-step viewer of a model as one HTML page",
        description="Write one self-contained HTML page (no network needed) that steps through a "
                    "forward pass: per step the input, U·x, W·h(t-1), the new hidden state and the "
                    "probabilities, the weights as coloured grids, untrained and trained side by side. "
                    "Without --checkpoint: the min-char-rnn toy (2 symbols, 3 hidden units), trained "
                    "on its two tasks in a few seconds.")
    viz.add_argument("--checkpoint", metavar="PATH", help="a one-layer SimpleRNN training checkpoint "
                     "(up to 512 hidden units)")
    viz.add_argument("--text", help="the text the character model reads (default: a sentence, without "
                     "the characters its vocabulary lacks)")
    viz.add_argument("--out", metavar="HTML", default="symrnn-viz.html", help="the page (default symrnn-viz.html)")
    viz.add_argument("--seed", type=int, default=0, help="the toy's initial weights")


def _add_trace(commands):
    trace = commands.add_parser(
        "trace", help="print the shapes flowing through a model, and its graphs",
        description="Follow one character through one time step (batch 1), operation by operation, "
                    "with the shape of each result, in the lesson's names (embedding, flatten, dense_in, "
                    "dense_hidden, merge, dense_out); then a whole window as symrnn computes it. The "
                    "default model is lesson 6's returning-sequences model: vocabulary 86, embedding 42, "
                    "256 relu units.")
    trace.add_argument("--checkpoint", metavar="PATH", help="trace this model instead")
    trace.add_argument("--vocab-size", type=POSITIVE_INT, default=86, help="default 86 (Nietzsche's)")
    trace.add_argument("--hidden", type=POSITIVE_INT, default=256)
    trace.add_argument("--embedding", type=POSITIVE_INT, default=42, help="default 42 (the lesson's n_fac)")
    trace.add_argument("--one-hot", action="store_true", help="one-hot input instead of an embedding")
    trace.add_argument("--cell", default="rnn", metavar="NAME", help=CELL_HELP)
    trace.add_argument("--layers", type=POSITIVE_INT, default=1)
    trace.add_argument("--seq-len", type=POSITIVE_INT, default=8, help="the window (default 8, the lesson's cs)")
    trace.add_argument("--graph", action="store_true", help="also print the compiled training function "
                       "and the scan's inner graph (PyTensor's debugprint)")
    trace.add_argument("--svg", metavar="PATH", help="also draw the training graph as SVG (needs pydot "
                       "and Graphviz)")
def _add_bench(commands):
    bench = commands.add_parser(
        "bench", help="time training against PyTorch on the CPU, side by side",
        description="Train the same models with symrnn and PyTorch (if installed: pip install "
                    "'symrnn[bench]'), alternating, each run a process of its own; print chars/s, "
                    "the ratio to PyTorch, the fraction of the machine's sgemm peak, peak memory and "
                    "start-up, and optionally write everything as JSON. Workloads: lesson (online SGD, "
                    "B 1, T 8, RNN 256), rnn (RNN 256, B 64, T 8), gru (GRU 512 x 3, B 100, T 30), "
                    "lstm (LSTM 256 x 2, B 64, T 40).")
    bench.add_argument("--workloads", metavar="LIST", help="comma-separated (default: lesson,rnn,gru,lstm)")
    bench.add_argument("--repeats", type=POSITIVE_INT, default=3, help="alternating rounds (default 3)")
    bench.add_argument("--seconds", type=POSITIVE, default=5.0, help="time each run at least this long (default 5)")
    bench.add_argument("--updates-per-call", type=POSITIVE_INT, default=1, metavar="K",
                       help="also time symrnn with K updates in each compiled call (default 1: not)")
    bench.add_argument("--hidden", type=POSITIVE_INT, help="override every workload's hidden size (quick runs)")
    bench.add_argument("--threads", type=POSITIVE_INT, default=0, metavar="N",
                       help="threads on both sides: PyTorch's, and for symrnn N BLAS threads on at most N "
                            "cores (default: each library's own: one BLAS thread, XLA and PyTorch one per core)")
    bench.add_argument("--cold", action="store_true",
                       help="also time one start per workload on an empty compile cache (slow: a Numba "
                            "compile from scratch)")
    bench.add_argument("--mode", help="symrnn's PyTensor mode (default $SYMRNN_MODE or JAX)")
    bench.add_argument("--vector-math", action="store_true", help=VECTOR_MATH_HELP)
    bench.add_argument("--torch-python", metavar="PATH", help="an interpreter that has torch (default: this one)")
    bench.add_argument("--no-torch", action="store_true", help="symrnn side only")
    bench.add_argument("--json", metavar="PATH", help="write the runs, medians, machine and versions here")


def main(argv=None):
    args = build_parser().parse_args(argv)
    if getattr(args, "vector_math", False):
        os.environ["SYMRNN_VECTOR_MATH"] = "1"  # read when compiling, here and in bench's runs
    try:
        from symrnn import commands  # imports PyTensor: only after the arguments are good
        return getattr(commands, args.command)(args) or 0
    except SymrnnError as err:
        print(f"symrnn: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("symrnn: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
