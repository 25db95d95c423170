"""The example notebooks execute top to bottom in a clean kernel (nbclient), as a user runs them.

They run with symrnn's default backend (JAX), not the suite's quick mode: the lesson's models
train for real."""
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parents[1] / "examples" / "notebooks").glob("*.ipynb"))


def test_there_are_the_lesson_the_toy_and_the_custom_cell():
    assert [p.stem for p in NOTEBOOKS] == ["custom_cell", "lesson6", "min_char_rnn_toy"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.delenv("SYMRNN_MODE", raising=False)
    monkeypatch.setenv("SYMRNN_RUNS", str(tmp_path))
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    errors = [o for c in code_cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    print(f"{path.name}: {len(code_cells)} code cells in {time.perf_counter() - started:.0f} s")
    if path.stem == "min_char_rnn_toy":
        shown = [o for o in code_cells[0].outputs if "text/html" in o.get("data", {})]
        assert shown and "<iframe srcdoc=" in shown[0]["data"]["text/html"]
