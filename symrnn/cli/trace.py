"""``symrnn trace``: the shapes flowing through a model, step by step, and its graphs."""
from symrnn.cli.arguments import CELL_HELP, POSITIVE_INT

PARSER = {"help": "print the shapes flowing through a model, and its graphs",
          "description": "Follow one character through one time step (batch 1), operation by operation, "
                         "with the shape of each result, in the lesson's names (embedding, flatten, dense_in, "
                         "dense_hidden, merge, dense_out); then a whole window as symrnn computes it. The "
                         "default model is lesson 6's returning-sequences model: vocabulary 86, embedding 42, "
                         "256 relu units."}


def add_arguments(parser):
    parser.add_argument("--checkpoint", metavar="PATH", help="trace this model instead (a cell of its own "
                        "is imported only when --cell names it)")
    parser.add_argument("--vocab-size", type=POSITIVE_INT, default=86, help="default 86 (Nietzsche's)")
    parser.add_argument("--hidden", type=POSITIVE_INT, default=256)
    parser.add_argument("--embedding", type=POSITIVE_INT, default=42, help="default 42 (the lesson's n_fac)")
    parser.add_argument("--one-hot", action="store_true", help="one-hot input instead of an embedding")
    parser.add_argument("--cell", default="rnn", metavar="NAME", help=CELL_HELP)
    parser.add_argument("--layers", type=POSITIVE_INT, default=1)
    parser.add_argument("--seq-len", type=POSITIVE_INT, default=8, help="the window (default 8, the lesson's cs)")
    parser.add_argument("--graph", action="store_true", help="also print the compiled training function "
                        "and the scan's inner graph (PyTensor's debugprint)")
    parser.add_argument("--svg", metavar="PATH", help="also draw the training graph as SVG (needs pydot "
                        "and Graphviz)")


def run(args):
    from symrnn.backends.compile import QUICK_MODE
    from symrnn.nn.model import CharRNN
    from symrnn.training.trainer import Trainer
    from symrnn.views import trace as tracing

    if args.checkpoint:
        from symrnn.training.trained import load_trained

        model = load_trained(args.checkpoint, trust_cell=args.cell, mode=QUICK_MODE, show_progress=False).model
    else:
        model = CharRNN(args.vocab_size, args.hidden, cell=args.cell, layers=args.layers,
                        embedding=None if args.one_hot else args.embedding)
    print(tracing.format_trace(model, args.seq_len), end="")
    if args.graph or args.svg:
        trainer = Trainer(model, mode=QUICK_MODE, show_progress=False)
    if args.graph:
        print("\nthe compiled training function (pytensor.printing.debugprint):")
        print(tracing.graph_text(trainer))
        print("\nthe scan's inner graph: one step of the loop")
        print(tracing.scan_inner_text(trainer))
    if args.svg:
        print(f"\nwrote {tracing.graph_svg(trainer, args.svg)}")
