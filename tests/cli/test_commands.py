"""Training runs as users start them: checkpoints, resume, Ctrl-C, sampling, faults."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
from small_corpus import TEXT

from symrnn.checkpoint import load_checkpoint
from symrnn.cli import main

SMALL = ["--hidden", "12", "--embedding", "6", "--cell", "gru", "--optimizer", "adam",
         "--batch-size", "4", "--shuffle", "--no-progress", "--report-every", "10"]


def weights(path):
    arrays, meta = load_checkpoint(path)
    return {k: v for k, v in arrays.items()}, meta


def test_resume_ends_where_an_uninterrupted_run_ends(corpus, tmp_path, capsys):
    whole, part = str(tmp_path / "whole.npz"), str(tmp_path / "part.npz")
    for extra in (["--dropout", "0.2"], []):
        assert main(["train", "--text", corpus, *SMALL, *extra, "--steps", "30", "--checkpoint", whole]) == 0
        assert main(["train", "--text", corpus, *SMALL, *extra, "--steps", "17", "--checkpoint", part]) == 0
        assert main(["train", "--text", corpus, *SMALL, *extra, "--steps", "30", "--checkpoint", part,
                     "--resume"]) == 0
        (a, meta_a), (b, meta_b) = weights(whole), weights(part)
        assert meta_a["step"] == meta_b["step"] == 30
        assert sorted(a) == sorted(b) and any(k.startswith("optim.") for k in a)
        for key in a:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    capsys.readouterr()


def test_resume_of_a_stateful_run(corpus, tmp_path):
    args = ["--hidden", "8", "--cell", "lstm", "--stateful", "--batch-size", "3", "--seq-len", "6",
            "--no-progress", "--optimizer", "rmsprop"]
    whole, part = str(tmp_path / "whole.npz"), str(tmp_path / "part.npz")
    assert main(["train", "--text", corpus, *args, "--steps", "20", "--checkpoint", whole]) == 0
    assert main(["train", "--text", corpus, *args, "--steps", "9", "--checkpoint", part]) == 0
    assert main(["train", "--text", corpus, *args, "--steps", "20", "--checkpoint", part, "--resume"]) == 0
    (a, _), (b, _) = weights(whole), weights(part)
    assert "state.1" in a  # the LSTM's carried h and c are part of a stateful checkpoint
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-6, atol=1e-7, err_msg=key)


def test_resume_with_many_updates_a_call(corpus, tmp_path):
    """K = 4 updates a call, 19 steps an epoch (the last a batch of 15): stopped at the checkpoint
    of step 20 and resumed, the run ends with the weights of the uninterrupted one."""
    args = ["--text", corpus, "--hidden", "8", "--embedding", "4", "--batch-size", "16", "--shuffle",
            "--no-progress", "--no-report", "--report-every", "10", "--updates-per-call", "4"]
    whole, part = str(tmp_path / "whole.npz"), str(tmp_path / "part.npz")
    assert main(["train", *args, "--steps", "30", "--checkpoint", whole]) == 0
    assert main(["train", *args, "--steps", "20", "--checkpoint", part]) == 0
    assert weights(part)[1]["step"] == 20
    assert main(["train", *args, "--steps", "30", "--checkpoint", part, "--resume"]) == 0
    (a, meta_a), (b, meta_b) = weights(whole), weights(part)
    assert meta_a["step"] == meta_b["step"] == 30
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_sample_from_a_checkpoint(corpus, tmp_path, capsys):
    ck = str(tmp_path / "ck.npz")
    assert main(["train", "--text", corpus, *SMALL, "--steps", "40", "--lr", "0.01", "--checkpoint", ck]) == 0
    capsys.readouterr()
    assert main(["sample", "--checkpoint", ck, "--prime", "the ", "--length", "30", "--temperature", "0",
                 "--no-progress"]) == 0
    greedy = capsys.readouterr().out
    assert greedy.startswith("the ") and len(greedy.rstrip("\n")) == 34
    assert set(greedy.rstrip("\n")) <= set(TEXT)
    for seed in ("1", "1"):
        assert main(["sample", "--checkpoint", ck, "--prime", "the ", "--length", "30", "--seed", seed,
                     "--no-progress"]) == 0
    first, second = capsys.readouterr().out.splitlines()
    assert first == second


def one_line_error(capsys, argv):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("symrnn: error:"), err
    return err


def test_sample_errors(corpus, tmp_path, capsys):
    ck = str(tmp_path / "ck.npz")
    assert main(["train", "--text", corpus, *SMALL, "--steps", "2", "--checkpoint", ck]) == 0
    capsys.readouterr()
    assert "'Z'" in one_line_error(capsys, ["sample", "--checkpoint", ck, "--prime", "Zebra"])
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(open(ck, "rb").read()[:200])
    one_line_error(capsys, ["sample", "--checkpoint", str(truncated)])
    not_a_checkpoint = tmp_path / "notes.npz"
    not_a_checkpoint.write_text("hello")
    one_line_error(capsys, ["sample", "--checkpoint", str(not_a_checkpoint)])
    one_line_error(capsys, ["sample", "--checkpoint", str(tmp_path / "missing.npz")])


def test_resume_into_another_model_is_refused(corpus, tmp_path, capsys):
    ck = str(tmp_path / "ck.npz")
    assert main(["train", "--text", corpus, *SMALL, "--steps", "2", "--checkpoint", ck]) == 0
    capsys.readouterr()
    err = one_line_error(capsys, ["train", "--text", corpus, *SMALL, "--hidden", "13", "--steps", "4",
                                  "--checkpoint", ck, "--resume"])
    assert "--hidden 13 (the checkpoint's: " in err and "leave these out to continue it" in err


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(corpus, tmp_path, capsys):
    ck = str(tmp_path / "ck.npz")
    args = ["train", "--text", corpus, "--hidden", "12", "--no-progress", "--report-every", "5",
            "--clip", "0", "--checkpoint", ck]
    assert main([*args, "--steps", "5"]) == 0
    good, _ = weights(ck)
    err = one_line_error(capsys, [*args, "--steps", "400", "--lr", "1e30"])  # a new run on the same path
    assert "loss became" in err
    after, meta = weights(ck)
    assert meta["step"] == 5 and all(np.array_equal(after[k], good[k]) for k in good)


def test_binary_text_is_refused(tmp_path, capsys):
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 10)
    assert "binary" in one_line_error(capsys, ["train", "--text", str(blob)])


def test_ctrl_c_saves_a_checkpoint_and_exits_cleanly(corpus, tmp_path):
    ck = tmp_path / "ck.npz"
    env = {**os.environ, "SYMRNN_MODE": "FAST_COMPILE"}
    proc = subprocess.Popen([sys.executable, "-m", "symrnn", "train", "--text", corpus, "--hidden", "8",
                             "--steps", "1000000", "--checkpoint", str(ck), "--no-progress",
                             "--report-every", "50"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 120
    while not ck.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)  # the first periodic checkpoint means training is under way
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted at step" in err
    _, meta = weights(ck)
    assert 50 <= meta["step"] < 1000000


def test_plot_writes_a_png_or_names_the_missing_extra(corpus, tmp_path, capsys):
    png = tmp_path / "loss.png"
    argv = ["train", "--text", corpus, "--hidden", "8", "--steps", "20", "--report-every", "5",
            "--no-progress", "--plot", str(png)]
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "symrnn[plot]" in one_line_error(capsys, argv)
    else:
        assert main(argv) == 0
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_json_summary_of_a_stateful_lstm(corpus, capsys):
    assert main(["train", "--text", corpus, "--hidden", "8", "--cell", "lstm", "--layers", "2",
                 "--embedding", "4", "--batchnorm", "--stateful", "--batch-size", "4", "--seq-len", "10",
                 "--epochs", "2", "--optimizer", "adam", "--no-progress", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["cell"] == "lstm" and summary["layers"] == 2 and summary["val_loss"] > 0
