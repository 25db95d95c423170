"""The command line, as a user meets it: one JSON summary, one-line errors, no tracebacks."""
import json
import os
import subprocess
import sys

import pytest
from small_corpus import TEXT

from symrnn.cli import main


def test_with_json_stdout_is_one_json_document_and_the_rest_goes_to_stderr(corpus):
    env = {**os.environ, "SYMRNN_MODE": "FAST_COMPILE"}
    run = subprocess.run([sys.executable, "-m", "symrnn", "train", "--text", corpus, "--hidden", "16",
                          "--steps", "60", "--batch-size", "4", "--lr", "0.05", "--report-every", "20",
                          "--json", "--no-progress"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)  # the whole of stdout: it can be piped to jq
    assert sum(line.startswith("Error: ") for line in run.stderr.splitlines()) == 3  # the lesson's report, every 20
    assert summary["steps"] == 60
    for key in ("train_loss", "val_loss", "chars_per_sec", "compile_seconds"):
        assert summary[key] > 0, key
    assert summary["backend"] == "FAST_COMPILE"
    assert summary["python"] == ".".join(map(str, sys.version_info[:3]))
    assert summary["vocab_size"] == len(set(TEXT)) + 1
    assert "Traceback" not in run.stderr


def test_epochs_count_training_windows(corpus, capsys):
    assert main(["train", "--text", corpus, "--hidden", "8", "--epochs", "1", "--batch-size", "16",
                 "--json", "--no-progress"]) == 0
    n_windows = (int(len(TEXT) * 0.9) - 1) // 8  # 90 % trains; windows of 8 + 1 target
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["steps"] == -(-n_windows // 16)


def one_line_error(capsys, argv, code=1):
    assert main(argv) == code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("symrnn"), err
    return err


def test_missing_text_file(capsys, tmp_path):
    assert "not found" in one_line_error(capsys, ["train", "--text", str(tmp_path / "nope.txt")])


def test_empty_text_file(capsys, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    assert "empty" in one_line_error(capsys, ["train", "--text", str(tmp_path / "empty.txt")])


def test_text_shorter_than_one_window(capsys, tmp_path):
    (tmp_path / "short.txt").write_text("abcdefgh")
    err = one_line_error(capsys, ["train", "--text", str(tmp_path / "short.txt"), "--val-fraction", "0"])
    assert "too short" in err


def test_unknown_character_at_prediction_time(capsys, corpus):
    err = one_line_error(capsys, ["train", "--text", corpus, "--hidden", "8", "--steps", "2",
                                  "--no-progress", "--predict", "the quick £"])
    assert "'£'" in err and "vocabulary" in err


@pytest.mark.parametrize("flag,value", [("--hidden", "0"), ("--lr", "-1"), ("--seq-len", "x"),
                                        ("--dropout", "1"), ("--val-fraction", "1.5"), ("--lr", "nan")])
def test_bad_numbers_are_usage_errors(capsys, flag, value):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", flag, value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and flag in err


def test_errors_leave_no_traceback_in_a_real_process(tmp_path):
    env = {**os.environ, "SYMRNN_MODE": "FAST_COMPILE"}
    run = subprocess.run([sys.executable, "-m", "symrnn", "train", "--text", str(tmp_path / "missing")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [f"symrnn: error: text file not found: {tmp_path / 'missing'}"]


def test_cli_offers_every_optimizer():
    from symrnn import cli, registry
    for name in registry.OPTIMIZERS:
        assert cli.build_parser().parse_args(["train", "--optimizer", name]).optimizer == name


def test_vector_math_flag_sets_the_environment_the_compiles_read(monkeypatch, capsys):
    monkeypatch.setenv("SYMRNN_VECTOR_MATH", "0")
    assert main(["bench", "--vector-math", "--no-torch", "--workloads", "nope"]) == 1  # stops before any run
    assert os.environ["SYMRNN_VECTOR_MATH"] == "1"
    assert capsys.readouterr().err.count("\n") == 1
