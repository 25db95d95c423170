"""``python -m symrnn`` is the ``symrnn`` command."""
import sys

from symrnn.cli import main

sys.exit(main())
