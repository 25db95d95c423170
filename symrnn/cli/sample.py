"""``symrnn sample``: generate text from a checkpoint, greedy at temperature 0, sampled otherwise.

The text is written as it is generated: each line as it ends, and whatever is pending at least
every second, so a long run shows its progress and Ctrl-C keeps what was written (exit 130).
"""
import itertools
import sys
import time

from symrnn.cli.arguments import MODE_HELP, NON_NEGATIVE, POSITIVE_INT, TRUST_CELL_HELP

PARSER = {"help": "generate text from a checkpoint",
          "description": "Feed --prime to a trained model, then generate --length characters: greedy "
                         "(temperature 0, the lesson's get_nexts) or sampled at --temperature."}


def add_arguments(parser):
    parser.add_argument("--checkpoint", metavar="PATH", help="the model (default: the model of the run trained "
                        "last, runs/<date-time>/model.npz)")
    parser.add_argument("--cell", metavar="module.path:ClassName", help=TRUST_CELL_HELP)
    parser.add_argument("--prime", help="text to start from (default: 'The ' where the vocabulary has it, else a "
                        "newline)")
    parser.add_argument("--length", type=POSITIVE_INT, default=400, help="characters to generate (default 400)")
    parser.add_argument("--temperature", type=NON_NEGATIVE, default=1.0,
                        help="1 samples the model's distribution, < 1 sharpens, 0 is greedy argmax (default 1)")
    parser.add_argument("--seed", type=int, help="seed for sampling (default: fresh)")
    parser.add_argument("--mode", help=MODE_HELP)
    parser.add_argument("--no-progress", action="store_true", help="no compile ticker")


def run(args):
    from symrnn.training.generate import default_prime, generated
    from symrnn.training.runs import latest_model
    from symrnn.training.trained import load_trained

    if args.checkpoint is None:
        args.checkpoint = latest_model()
        print(f"sampling {args.checkpoint}", file=sys.stderr)
    trained = load_trained(args.checkpoint, trust_cell=args.cell, mode=args.mode, show_progress=not args.no_progress)
    args.prime = default_prime(trained.vocab) if args.prime is None else args.prime
    chars = generated(trained.trainer.predict, trained.vocab, args.prime, args.length, args.temperature, args.seed)
    write_streaming(itertools.chain([args.prime], chars, ["\n"]), sys.stdout)
    return 0


def write_streaming(pieces, out, every=1.0):
    """Write each of ``pieces`` to ``out``, flushing at every line's end and at least every ``every``
    seconds, and once more however the writing ends (Ctrl-C included)."""
    flushed = time.monotonic()
    try:
        for piece in pieces:
            out.write(piece)
            if "\n" in piece or time.monotonic() - flushed >= every:
                out.flush()
                flushed = time.monotonic()
    finally:
        out.flush()
