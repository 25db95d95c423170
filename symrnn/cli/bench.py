"""``symrnn bench``: training speed, memory and start-up against PyTorch, side by side."""
from symrnn.cli.arguments import MODE_HELP, POSITIVE, POSITIVE_INT, VECTOR_MATH_HELP

PARSER = {"help": "time training against PyTorch on the CPU, side by side",
          "description": "Train the same models with symrnn and PyTorch (if installed: pip install "
                         "'symrnn[bench]'), alternating, each run a process of its own; print chars/s, "
                         "the ratio to PyTorch, the fraction of the machine's sgemm peak, peak memory and "
                         "start-up, and optionally write everything as JSON. Workloads: lesson (online SGD, "
                         "B 1, T 8, RNN 256), rnn (RNN 256, B 64, T 8), gru (GRU 512 x 3, B 100, T 30), "
                         "lstm (LSTM 256 x 2, B 64, T 40)."}


def add_arguments(parser):
    parser.add_argument("--workloads", metavar="LIST", help="comma-separated (default: lesson,rnn,gru,lstm)")
    parser.add_argument("--repeats", type=POSITIVE_INT, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--seconds", type=POSITIVE, default=5.0, help="time each run at least this long (default 5)")
    parser.add_argument("--updates-per-call", type=POSITIVE_INT, default=1, metavar="K",
                        help="also time symrnn with K updates in each compiled call (default 1: not)")
    parser.add_argument("--hidden", type=POSITIVE_INT, help="override every workload's hidden size (quick runs)")
    parser.add_argument("--threads", type=POSITIVE_INT, default=0, metavar="N",
                        help="threads on both sides: PyTorch's, and for symrnn N BLAS threads on at most N "
                             "cores (default: each library's own: one BLAS thread, XLA and PyTorch one per core)")
    parser.add_argument("--cold", action="store_true",
                        help="also time one start per workload on an empty compile cache (slow: a Numba "
                             "compile from scratch)")
    parser.add_argument("--mode", help=f"symrnn's {MODE_HELP}")
    parser.add_argument("--vector-math", action="store_true", help=VECTOR_MATH_HELP)
    parser.add_argument("--torch-python", metavar="PATH", help="an interpreter that has torch (default: this one)")
    parser.add_argument("--no-torch", action="store_true", help="symrnn side only")
    parser.add_argument("--json", metavar="PATH", help="write the runs, medians, machine and versions here")


def run(args):
    from symrnn.bench.compare import main

    return main(args)
