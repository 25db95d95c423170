"""Where runs are kept: ``runs/<date-time>/`` (``$SYMRNN_RUNS`` instead of ``runs``), one folder a
run, holding its ``model.npz``, ``report.html`` and ``run.json``."""
import glob
import itertools
import os
import time

from symrnn.errors import ConfigError


def runs_root():
    return os.environ.get("SYMRNN_RUNS", "runs")


def new_run_directory(root=None):
    """A new folder ``<root>/<UTC date-time>/`` for a run, made now; runs started in the same second
    get ``<date-time>-2``, ``-3``, …"""
    root = root or runs_root()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    os.makedirs(root, exist_ok=True)
    for n in itertools.count(1):
        path = os.path.join(root, stamp if n == 1 else f"{stamp}-{n}")
        try:
            os.mkdir(path)  # atomic: of two runs, one makes it, the other tries the next name
            return path
        except FileExistsError:
            continue


def latest_model(root=None):
    """The ``model.npz`` of the run saved last under ``root``; ``ConfigError`` when there is none."""
    root = root or runs_root()
    models = glob.glob(os.path.join(glob.escape(root), "*", "model.npz"))
    if not models:
        raise ConfigError(f"no trained model under {root}/ to sample from: train one (symrnn train) or give "
                          f"--checkpoint PATH")
    return max(models, key=os.path.getmtime)
