"""symrnn trace: the forum walk-through's shapes, any model's shapes, the graphs, bad input."""
import re

import numpy as np

from symrnn.checkpoint import save_checkpoint
from symrnn.cli import main
from symrnn.nn.model import CharRNN
from symrnn.views import trace

FORUM_CHAIN = ("embedding (1, 1, 42) → flatten (1, 42) → dense_in (1, 256) → dense_hidden (1, 256) "
               "→ merge (1, 256) → dense_out (1, 86) → softmax (1, 86)")


def rows(text):
    """{name: shape} from the detailed lines ('  name   (shape)   ...')."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"  (\S.*?)\s{2,}(\([\d, ]*\))", line)
        if match:
            found.setdefault(match.group(1), match.group(2))
    return found


def test_the_lessons_returning_sequences_model_has_the_forum_walk_throughs_shapes(capsys):
    assert main(["trace"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == FORUM_CHAIN
    shapes = rows(out)
    for name, shape in [("embedding", "(1, 1, 42)"), ("flatten", "(1, 42)"), ("dense_in", "(1, 256)"),
                        ("dense_hidden", "(1, 256)"), ("merge", "(1, 256)"), ("dense_out", "(1, 86)"),
                        ("softmax", "(1, 86)"), ("inputs", "(8, 1)"), ("dense_in, every step", "(8, 1, 256)"),
                        ("scan", "(8, 1, 256)"), ("dense_out, every step", "(8, 1, 86)")]:
        assert shapes.get(name) == shape, (name, shapes)
    assert "W_h (256, 256)" in out and "W_x (42, 256)" in out and "W_y (256, 86)" in out


def test_shapes_are_measured_for_any_model():
    model = CharRNN(11, 7, cell="lstm", layers=2, embedding=5, batchnorm=True)
    step = {name: shape for name, _, shape, _ in trace.step_trace(model)}
    assert step["embedding"] == (1, 1, 5) and step["batchnorm"] == (1, 1, 5) and step["flatten"] == (1, 5)
    assert step["stacked l0.h"] == step["stacked l1.c"] == (1, 7)
    assert step["softmax"] == (1, 11)
    window = {name: shape for name, _, shape, _ in trace.window_trace(model, seq_len=5)}
    assert window["scan"] == (5, 1, 7) and window["softmax"] == (5, 1, 11)
    gru = {name: shape for name, _, shape, _ in trace.step_trace(CharRNN(9, 4, cell="gru"))}
    assert gru["one-hot"] == (1, 1, 9) and gru["dense_in"] == (1, 12) and gru["gru h"] == (1, 4)


def test_graph_printing_shows_the_training_function_and_the_scan_inner_graph(capsys):
    assert main(["trace", "--vocab-size", "6", "--hidden", "4", "--embedding", "3", "--graph"]) == 0
    out = capsys.readouterr().out
    compiled, inner = out.split("the scan's inner graph")
    assert "Scan" in compiled and "Inner graphs" in compiled      # the loop, and debugprint's inner section
    assert "W_h" in compiled and "lr" in compiled                 # the shared weights and the learning rate
    assert re.search(r"Gemm|Dot", inner)                          # one step: h(t−1)·W_h inside the loop
    assert re.search(r"i\d = W_h: the same at every step", inner)  # the legend names the shared weights
    assert "the state the step before returned" in inner
    assert re.search("maximum", inner, re.IGNORECASE)              # and the relu


def test_svg_is_drawn_or_one_line_says_what_is_missing(tmp_path, capsys):
    path = tmp_path / "train.svg"
    status = main(["trace", "--vocab-size", "6", "--hidden", "4", "--embedding", "3", "--svg", str(path)])
    captured = capsys.readouterr()
    try:
        import shutil

        import pydot  # noqa: F401
        drawable = shutil.which("dot") is not None
    except ImportError:
        drawable = False
    if drawable:
        assert status == 0 and path.read_text().lstrip().startswith(("<?xml", "<svg"))
    else:
        assert status == 1 and not path.exists()
        assert captured.err.count("\n") == 1 and "Graphviz" in captured.err


def test_trace_of_a_bad_checkpoint_is_one_line(tmp_path, capsys):
    missing, corrupt = tmp_path / "missing.npz", tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    foreign = tmp_path / "foreign.npz"
    save_checkpoint(str(foreign), {"w": np.zeros(3)}, {"something": "else"})
    for path in (missing, corrupt, foreign):
        assert main(["trace", "--checkpoint", str(path)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("symrnn: error: ") and err.count("\n") == 1, err


def test_trace_takes_cells_as_train_does(tmp_path, monkeypatch, capsys):
    """A built-in name from the registry, a user's module:Class, and one line for an unknown cell."""
    (tmp_path / "tracecell.py").write_text(
        "from symrnn.nn.cells import SimpleRNN\n\n\nclass Plain(SimpleRNN):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    small = ["--vocab-size", "6", "--hidden", "4", "--embedding", "3"]
    assert main(["trace", "--cell", "gru_combined", *small]) == 0
    assert main(["trace", "--cell", "tracecell:Plain", *small]) == 0
    assert "dense_out (1, 6)" in capsys.readouterr().out
    assert main(["trace", "--cell", "nosuch", *small]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown cell 'nosuch'" in err[0]
