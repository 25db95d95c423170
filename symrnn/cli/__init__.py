"""The ``symrnn`` command line: one module per subcommand, each with ``add_arguments(parser)`` and
``run(args)``, registered in ``COMMANDS``.

Parsing the arguments imports no PyTensor: each ``run`` imports what it needs. Every
``SymrnnError`` (bad text, bad settings, a diverging loss, a broken checkpoint) ends the program
with one line ``symrnn: error: ...`` on stderr and exit status 1; bad arguments exit with status
2; Ctrl-C during training saves a checkpoint and exits with status 130.
"""
import os
import sys

from symrnn import __version__
from symrnn.backends import processes
from symrnn.backends.allocator import keep_freed_memory
from symrnn.backends.dispatch import run_calls_inline
from symrnn.backends.folders import writable_compile_folder
from symrnn.cli import bench, gradcheck, sample, trace, train, viz
from symrnn.cli.arguments import Parser
from symrnn.errors import SymrnnError

COMMANDS = [train, sample, gradcheck, viz, trace, bench]


def build_parser():
    """The ``symrnn`` parser: one subcommand per module of ``COMMANDS``, named after it."""
    parser = Parser(prog="symrnn", description="Symbolic character RNNs on PyTensor, the fast.ai "
                    "lesson 6-7 way.")
    parser.add_argument("--version", action="version", version=f"symrnn {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        name = command.__name__.rpartition(".")[2]
        command.add_arguments(subparsers.add_parser(name, **command.PARSER))
        subparsers.choices[name].set_defaults(run=command.run)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if getattr(args, "vector_math", False):
        os.environ["SYMRNN_VECTOR_MATH"] = "1"  # read when compiling, here and in bench's runs
    try:
        keep_freed_memory()  # before JAX starts its threads (symrnn.backends.allocator)
        run_calls_inline()  # applied where a JAX mode is made (symrnn.backends.dispatch)
        if "pytensor" not in sys.modules:
            writable_compile_folder()
        return args.run(args) or 0
    except SymrnnError as err:
        print(f"symrnn: error: {err}", file=sys.stderr)
        if processes.joined():  # the runtime's orderly shutdown would wait for the others
            processes.leave(1)
        return 1
    except KeyboardInterrupt:
        print("symrnn: interrupted", file=sys.stderr)
        return 130
