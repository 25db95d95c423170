"""``symrnn gradcheck``: a cell's gradients three ways; exit 1 if any pair disagrees."""
import json
import sys

from symrnn.cli.arguments import CELL_HELP

PARSER = {"help": "check a cell's gradients three ways",
          "description": "Compare pytensor.grad through scan, the pure-NumPy BPTT reference and central "
                         "finite differences for a cell, in float64 (a cell without a NumPy twin: "
                         "pytensor.grad vs finite differences)."}


def add_arguments(parser):
    parser.add_argument("--cell", default="rnn", metavar="NAME", help=CELL_HELP)
    parser.add_argument("--twin", metavar="module.path:ClassName",
                        help="the cell's NumPy twin (a symrnn.reference.ReferenceCell) for all three "
                             "pairs; built-in cells have theirs")
    parser.add_argument("--activation", choices=["relu", "tanh"], help="for --cell rnn (default relu)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the errors as one JSON document on stdout "
                        "(the table goes to stderr)")


def run(args):
    from symrnn.gradient_check.check import check_cell

    report = check_cell(args.cell, activation=args.activation, twin=args.twin, seed=args.seed)
    print(report, file=sys.stderr if args.json else sys.stdout)  # with --json, stdout holds the JSON alone
    if args.json:
        print(json.dumps(report.as_dict()))
    return 0 if report.passed else 1
