"""A run does what was asked or says in one line why not: resume continues the run it resumes,
runs never overwrite each other, outputs are checked before the first step, and a failure after
training keeps the summary and the checkpoint."""
import errno
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from symrnn.cli import main
from symrnn.training.runs import new_run_directory

QUIET = ["--no-report", "--no-progress"]
ADAM_RUN = ["--hidden", "8", "--embedding", "5", "--optimizer", "adam", "--lr", "0.005", "--batch-size", "4",
            "--seq-len", "6", "--shuffle", "--clip", "2", "--report-every", "5", *QUIET]


def weights(path):
    with np.load(path) as npz:
        return {name: npz[name] for name in npz.files if name.startswith(("model.", "optim."))}


def one_line_error(capsys, argv, code=1):
    assert main(argv) == code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_resume_with_only_the_checkpoint_continues_the_run_exactly(corpus, tmp_path, capsys):
    whole, part = str(tmp_path / "whole.npz"), str(tmp_path / "part.npz")
    assert main(["train", "--text", corpus, *ADAM_RUN, "--steps", "20", "--checkpoint", whole]) == 0
    assert main(["train", "--text", corpus, *ADAM_RUN, "--steps", "10", "--checkpoint", part]) == 0
    assert main(["train", "--text", corpus, "--resume", "--checkpoint", part, "--steps", "20", *QUIET]) == 0
    capsys.readouterr()
    resumed, uninterrupted = weights(part), weights(whole)
    assert resumed.keys() == uninterrupted.keys() and any(k.startswith("optim.") for k in resumed)
    for name in resumed:
        np.testing.assert_array_equal(resumed[name], uninterrupted[name], err_msg=name)


def test_flags_that_contradict_the_checkpoint_are_named_with_both_values(corpus, tmp_path, capsys):
    part = str(tmp_path / "part.npz")
    assert main(["train", "--text", corpus, *ADAM_RUN, "--steps", "5", "--checkpoint", part]) == 0
    capsys.readouterr()
    err = one_line_error(capsys, ["train", "--text", corpus, "--resume", "--checkpoint", part, "--steps", "10",
                                  "--optimizer", "sgd", "--batch-size", "4", "--seq-len", "16", "--stateful",
                                  "--lr", "0.5", *QUIET])
    assert "--optimizer sgd (the checkpoint's: adam)" in err
    assert "--seq-len 16 (the checkpoint's: 6)" in err and "--stateful on (the checkpoint's: off)" in err
    assert "--lr 0.5 (the checkpoint's: 0.005)" in err and "--batch-size" not in err  # 4 agrees


def test_another_text_with_the_same_characters_is_refused(corpus, tmp_path, capsys):
    part = str(tmp_path / "part.npz")
    assert main(["train", "--text", corpus, *ADAM_RUN, "--steps", "5", "--checkpoint", part]) == 0
    shuffled = tmp_path / "shuffled.txt"
    text = open(corpus).read()
    shuffled.write_text(text[7:] + text[:7])  # the same characters, in another order
    capsys.readouterr()
    err = one_line_error(capsys, ["train", "--text", str(shuffled), "--resume", "--checkpoint", part,
                                  "--steps", "10", *QUIET])
    assert "was trained on another text" in err and "fingerprints differ" in err


def test_resume_without_a_checkpoint_yet_starts_the_run_and_says_so(corpus, tmp_path, capsys):
    path = tmp_path / "new.npz"
    assert main(["train", "--text", corpus, "--hidden", "4", "--steps", "3", "--resume", "--checkpoint",
                 str(path), *QUIET]) == 0
    assert f"no checkpoint at {path} yet: starting the run" in capsys.readouterr().err
    assert path.exists()


def test_resuming_a_finished_run_says_there_is_nothing_left(corpus, tmp_path, capsys):
    path = str(tmp_path / "done.npz")
    assert main(["train", "--text", corpus, "--hidden", "4", "--steps", "3", "--checkpoint", path, *QUIET]) == 0
    capsys.readouterr()
    assert main(["train", "--text", corpus, "--resume", "--checkpoint", path, "--steps", "3", *QUIET]) == 0
    assert "has done 3 steps already (of 3 asked for): nothing left to train" in capsys.readouterr().err


def test_runs_started_in_the_same_second_get_their_own_folders(tmp_path):
    folders = {new_run_directory(str(tmp_path)) for _ in range(3)}
    assert len(folders) == 3 and all(os.path.isdir(f) for f in folders)


def test_a_second_run_on_one_checkpoint_is_refused_at_start(corpus, tmp_path, capsys, lock_holder):
    path = tmp_path / "run.npz"
    holder = lock_holder(path)
    err = one_line_error(capsys, ["train", "--text", corpus, "--hidden", "4", "--steps", "3", "--checkpoint",
                                  str(path), *QUIET])
    assert f"is being written by another symrnn run (pid {holder.pid})" in err


def a_file(folder):
    (folder / "a file").write_text("")
    return str(folder / "a file")


@pytest.mark.parametrize("make, flag, message", [
    (lambda tmp: str(tmp / "missing" / "run.npz"), "--checkpoint", "missing does not exist"),
    (a_file, "--report", "is a file"),
])
def test_outputs_that_cannot_be_written_are_refused_before_training(corpus, tmp_path, capsys, make, flag, message):
    argv = ["train", "--text", corpus, "--hidden", "4", "--steps", "3", "--no-progress", flag, make(tmp_path)]
    err = one_line_error(capsys, argv)
    assert message in err
    assert "Error:" not in capsys.readouterr().out


def test_a_page_that_cannot_be_written_keeps_the_summary_json_and_checkpoint(corpus, tmp_path, capsys, monkeypatch):
    from symrnn.views import viewer

    def disk_full(path, write):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(viewer, "write_atomically", disk_full)
    ck = tmp_path / "run.npz"
    status = main(["train", "--text", corpus, "--hidden", "4", "--steps", "4", "--report-every", "2",
                   "--checkpoint", str(ck), "--report", str(tmp_path / "page"), "--json", "--no-progress"])
    captured = capsys.readouterr()
    assert status == 1 and ck.exists()
    assert json.loads(captured.out)["steps"] == 4
    assert "the run trained, but its outputs could not be written: No space left on device" in captured.err


def test_a_home_that_cannot_be_written_trains_in_a_temporary_folder(corpus, tmp_path):
    home = tmp_path / "home-is-a-file"
    home.write_text("")
    env = {**os.environ, "HOME": str(home), "SYMRNN_MODE": "JAX"}  # JAX: nothing for the C compiler to build anew
    env.pop("PYTENSOR_FLAGS", None)
    run = subprocess.run([sys.executable, "-m", "symrnn", "train", "--text", corpus, "--hidden", "4", "--steps", "3",
                          *QUIET], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"symrnn: {home}/.pytensor cannot be written; compiling in " in run.stderr
    assert "Traceback" not in run.stderr


def test_a_batch_larger_than_the_text_is_one_line(corpus, capsys):
    err = one_line_error(capsys, ["train", "--text", corpus, "--hidden", "4", "--batch-size", "100000", *QUIET])
    assert "a batch of 100,000 windows is more than the 303 windows of 8 the training text holds" in err


def test_an_unknown_encoding_is_a_usage_error(corpus, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["train", "--text", corpus, "--encoding", "utf-9", *QUIET])
    err = capsys.readouterr().err.strip()
    assert exited.value.code == 2 and len(err.splitlines()) == 1
    assert "unknown text encoding 'utf-9'" in err


def test_a_short_text_says_how_much_of_it_trains(tmp_path, capsys):
    short = tmp_path / "short.txt"
    short.write_text("abcdefghi")
    err = one_line_error(capsys, ["train", "--text", str(short), "--hidden", "4", *QUIET])
    assert "the text has 9 characters; the 8 that train (after holding out 10% of it) are too short" in err


def test_a_utf8_text_trains_on_its_characters_and_samples_from_them(tmp_path, capsys):
    text = tmp_path / "cafe.txt"
    text.write_text("un café, deux cafés, trois crème brûlée. " * 30, encoding="utf-8")
    ck = str(tmp_path / "run.npz")
    assert main(["train", "--text", str(text), "--hidden", "8", "--steps", "3", "--checkpoint", ck, *QUIET]) == 0
    capsys.readouterr()
    assert main(["sample", "--checkpoint", ck, "--prime", "café", "--length", "5", "--seed", "0",
                 "--no-progress"]) == 0
    assert capsys.readouterr().out.startswith("café")


def test_a_checkpoint_of_a_diverged_run_is_refused_at_load(corpus, tmp_path, capsys):
    from symrnn import checkpoint

    ck = str(tmp_path / "run.npz")
    assert main(["train", "--text", corpus, "--hidden", "4", "--steps", "2", "--checkpoint", ck, *QUIET]) == 0
    arrays, meta = checkpoint.load_checkpoint(ck)
    name = next(k for k in arrays if k.startswith("model."))
    arrays[name] = np.full_like(arrays[name], np.nan)
    checkpoint.save_checkpoint(ck, arrays, meta)
    capsys.readouterr()
    err = one_line_error(capsys, ["sample", "--checkpoint", ck, "--temperature", "0", "--no-progress"])
    assert f"not finite (NaN or infinite) in {name}" in err


def test_resuming_a_checkpoint_saved_from_python_is_one_line(corpus, tmp_path, capsys):
    from symrnn.nn.model import CharRNN
    from symrnn.training.trainer import Trainer

    path = str(tmp_path / "python.npz")
    Trainer(CharRNN(29, 4), show_progress=False).save(path, {"note": "saved by hand"})
    err = one_line_error(capsys, ["train", "--text", corpus, "--resume", "--checkpoint", path, *QUIET])
    assert "is not a symrnn training checkpoint" in err
