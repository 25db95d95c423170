"""``symrnn viz``: the step viewer of a model (or of the min-char-rnn toy) as one HTML page."""
from symrnn.cli.arguments import TRUST_CELL_HELP

PARSER = {"help": "write a step-by-step viewer of a model as one HTML page",
          "description": "Write one self-contained HTML page (no network needed) that steps through a "
                         "forward pass: per step the input, U·x, W·h(t-1), the new hidden state and the "
                         "probabilities, the weights as coloured grids, untrained and trained side by side. "
                         "Without --checkpoint: the min-char-rnn toy (2 symbols, 3 hidden units), trained "
                         "on its two tasks in a few seconds."}


def add_arguments(parser):
    parser.add_argument("--checkpoint", metavar="PATH", help="a one-layer SimpleRNN training checkpoint "
                        "(up to 512 hidden units)")
    parser.add_argument("--cell", metavar="module.path:ClassName", help=TRUST_CELL_HELP)
    parser.add_argument("--text", help="the text the character model reads (default: a sentence, without "
                        "the characters its vocabulary lacks)")
    parser.add_argument("--out", metavar="HTML", default="symrnn-viz.html", help="the page (default symrnn-viz.html)")
    parser.add_argument("--seed", type=int, default=0, help="the toy's initial weights")


def run(args):
    from symrnn.backends.compile import QUICK_MODE
    from symrnn.views import viewer

    if args.checkpoint:
        path = viewer.checkpoint_page(args.out, args.checkpoint, args.text, mode=QUICK_MODE, trust_cell=args.cell)
    else:
        path = viewer.toy_page(args.out, args.seed)
    print(f"wrote {path}: open it in a browser (it needs no network)")
