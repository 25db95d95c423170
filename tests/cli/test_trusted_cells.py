"""Opening a checkpoint runs no code it names: a checkpoint of a model with a cell of its own is
loaded (sample, viz, trace, resume, ``load_trained``) only when the user names that cell."""
import os
import subprocess
import sys
import textwrap

import pytest

from symrnn import load_trained
from symrnn.errors import CheckpointError

CELL_MODULE = '''
from pathlib import Path

from symrnn.nn.cells import SimpleRNN

Path(__file__).with_name("imported.marker").write_text("imported")


class MarkedRNN(SimpleRNN):
    """The lesson's cell, from a module that leaves a file behind when it is imported."""
'''
CELL = "marked_cells:MarkedRNN"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """(run, folder, checkpoint): a checkpoint of a MarkedRNN model, the marker file removed."""
    folder = tmp_path_factory.mktemp("cells")
    (folder / "marked_cells.py").write_text(textwrap.dedent(CELL_MODULE))
    (folder / "corpus.txt").write_text("the quick brown fox jumps over the lazy dog. " * 30)
    env = {**os.environ, "PYTHONPATH": str(folder), "SYMRNN_MODE": "FAST_COMPILE"}

    def run(*argv):
        return subprocess.run([sys.executable, "-m", "symrnn", *argv], capture_output=True, text=True,
                              cwd=folder, env=env, timeout=600)

    made = run("train", "--cell", CELL, "--steps", "4", "--text", "corpus.txt", "--hidden", "6",
               "--checkpoint", "run.npz", "--no-report", "--no-progress")
    assert made.returncode == 0, made.stderr
    return run, folder, folder / "run.npz"


@pytest.fixture
def marker(trained):
    path = trained[1] / "imported.marker"
    path.unlink(missing_ok=True)
    return path


COMMANDS = {
    "sample": ["sample", "--checkpoint", "run.npz", "--prime", "the", "--length", "5", "--no-progress"],
    "viz": ["viz", "--checkpoint", "run.npz", "--text", "the fox", "--out", "page.html"],
    "trace": ["trace", "--checkpoint", "run.npz", "--seq-len", "3"],
    "resume": ["train", "--resume", "--checkpoint", "run.npz", "--steps", "6", "--text", "corpus.txt",
               "--hidden", "6", "--no-report", "--no-progress"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_without_cell_the_checkpoints_module_is_never_imported(trained, marker, command):
    run, _, _ = trained
    refused = run(*COMMANDS[command])
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"symrnn: error: run.npz names a cell of its own, {CELL!r}; loading it imports that module, which runs "
        f"its code: if you trust it, pass --cell {CELL} (from Python: trust_cell={CELL!r})"]
    assert not marker.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_with_cell_naming_it_the_checkpoint_loads(trained, marker, command):
    run, _, _ = trained
    loaded = run(*COMMANDS[command], "--cell", CELL)
    assert loaded.returncode == 0, loaded.stderr
    assert marker.exists()


def test_another_cell_named_is_refused_before_any_import(trained, marker):
    run, _, _ = trained
    refused = run(*COMMANDS["sample"], "--cell", "marked_cells:Other")
    assert refused.returncode == 1
    assert f"names the cell {CELL!r}, not 'marked_cells:Other'" in refused.stderr
    assert not marker.exists()


def test_load_trained_from_python_takes_trust_cell(trained, marker, monkeypatch):
    _, folder, checkpoint = trained
    monkeypatch.syspath_prepend(str(folder))
    with pytest.raises(CheckpointError, match="trust_cell='marked_cells:MarkedRNN'"):
        load_trained(str(checkpoint))
    assert not marker.exists()
    model = load_trained(str(checkpoint), trust_cell=CELL, show_progress=False).model
    assert type(model.cell).__name__ == "MarkedRNN" and marker.exists()
