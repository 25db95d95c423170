"""Data-parallel training: a batch split over two CPU devices, and over two processes on this
machine, makes the updates one device makes (to 1e-3 relative; they differ in the last bits,
their sums added in another order); what cannot run is one line before training.

Each run is a subprocess: JAX's devices are fixed when it starts, and the processes of a
several-process run are separate programs meeting at a coordinator on localhost."""
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

ENV = {**os.environ, "SYMRNN_MODE": "JAX", "JAX_PLATFORMS": "cpu"}
SMALL = ["--hidden", "16", "--seq-len", "8", "--batch-size", "4", "--optimizer", "adam", "--val-fraction", "0.05",
         "--no-progress", "--no-report", "--json"]

USER_CELL = '''
import pytensor.tensor as pt

from symrnn.nn import init
from symrnn.nn.cells import Cell


class IndRNN(Cell):
    """h' = tanh(x·W + u⊙h + b): a user's cell."""

    def __init__(self, n_in, n_hidden, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.add_param("W", (n_in, n_hidden), init.glorot_uniform)
        self.add_param("u", (n_hidden,), init.constant(0.5))
        self.add_param("b", (n_hidden,), init.zeros)

    def step(self, x, h, W, u, b):
        return pt.tanh(pt.dot(x, W) + u * h + b)
'''

COMPARE = '''
import json, sys
from symrnn import CharRNN, Trainer, fit
from symrnn.data import Corpus

text = open(sys.argv[1]).read()
cell, options, stateful, per_call = json.loads(sys.argv[2])
losses = {}
for devices in (None, 2):
    corpus = Corpus.build(text, val_fraction=0.1, seq_len=8, stride=None, batch_size=4, stateful=stateful,
                          shuffle=not stateful, seed=0)
    model = CharRNN(len(corpus.vocab), 16, cell=cell, seed=0, **options)
    by_fit = cell != "lstm"  # the user's cell is split by fit's devices=, the LSTMs by the trainer's
    trainer = Trainer(model, "adam", clip=5.0, mode="JAX", show_progress=False, devices=None if by_fit else devices)
    losses[devices] = fit(trainer, corpus.batches, steps=6, lr=0.01, updates_per_call=per_call,
                          devices=devices if by_fit else None)["losses"]
compiled = trainer.many_updates(stateful).fn.fn.compiled if per_call > 1 else trainer.train_fn.fn.compiled
sharded, _ = next(iter(compiled.values()))
print(json.dumps({"one": losses[None], "two": losses[2], "sharding": str(sharded.input_shardings[0])}))
'''
CASES = [("lstm", {}, False, 1), ("lstm", {"dropout": 0.2}, True, 3), ("usercell:IndRNN", {}, False, 2)]


def _symrnn(*args, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "symrnn", *args], capture_output=True, text=True,
                          env=env or ENV, **kwargs)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


def test_two_devices_make_the_updates_of_one(tmp_path, corpus):
    """An LSTM with Adam (windows; stateful, with dropout, K updates a call) and a user's cell."""
    (tmp_path / "usercell.py").write_text(textwrap.dedent(USER_CELL))
    env = {**ENV, "JAX_NUM_CPU_DEVICES": "2", "PYTHONPATH": str(tmp_path)}
    runs = [subprocess.Popen([sys.executable, "-c", COMPARE, corpus, json.dumps(case)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env) for case in CASES]  # compiles side by side
    for case, run in zip(CASES, runs):
        stdout, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stderr[-3000:]
        result = json.loads(stdout)
        one, two = np.array(result["one"]), np.array(result["two"])
        assert len(one) == 6 and np.all(np.isfinite(one)), case
        np.testing.assert_allclose(two, one, rtol=1e-3, err_msg=str(case))
        assert not np.allclose(one, one[0]), case  # it trained
        assert "'data'" in result["sharding"], case  # split, not replicated


def test_a_batch_the_devices_cannot_split_is_one_line_before_training(corpus):
    done = _symrnn("train", "--text", corpus, *SMALL, "--batch-size", "3", "--devices", "2", timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "symrnn: error: a batch of 3 does not split evenly over 2 devices: use a batch size that is a multiple of 2"]


def test_a_batch_the_processes_cannot_split_is_one_line_before_they_meet(corpus):
    done = _symrnn("train", "--text", corpus, *SMALL, "--batch-size", "6", "--devices", "2", "--coordinator",
                   "localhost:1", "--num-processes", "2", "--process-id", "1", timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "symrnn: error: a batch of 6 does not split evenly over 4 devices (2 in each of 2 processes): use a batch "
        "size that is a multiple of 4"]


def test_more_devices_than_the_machine_has_is_one_line(corpus):
    cores = len(os.sched_getaffinity(0))
    done = _symrnn("train", "--text", corpus, *SMALL, "--batch-size", str(4 * cores), "--devices", str(4 * cores),
                   timeout=120)
    assert done.returncode == 1
    line, = done.stderr.strip().splitlines()
    assert line.startswith(f"symrnn: error: {4 * cores} devices asked for") and f"{cores} CPU cores" in line


def test_more_devices_than_xla_flags_make_is_one_line_naming_them(corpus):
    env = {**ENV, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    done = _symrnn("train", "--text", corpus, *SMALL, "--batch-size", "4", "--devices", "4", env=env, timeout=120)
    assert done.returncode == 1
    line, = done.stderr.strip().splitlines()
    assert line.startswith("symrnn: error: 4 devices asked for, and JAX has 2 CPU devices") and "XLA_FLAGS" in line


def test_an_unreachable_coordinator_is_one_line(corpus):
    started = time.monotonic()
    done = _symrnn("train", "--text", corpus, *SMALL, "--coordinator", f"localhost:{_free_port()}",
                   "--num-processes", "2", "--process-id", "1", "--process-timeout", "3", timeout=120)
    assert done.returncode == 1 and time.monotonic() - started < 60
    line, = done.stderr.strip().splitlines()[-1:]
    assert line.startswith("symrnn: error: process 1 could not meet the coordinator at localhost:")
    assert "Traceback" not in done.stderr and "Check failure" not in done.stderr


@pytest.mark.parametrize("args, message", [
    (["--coordinator", "localhost", "--num-processes", "2", "--process-id", "0"], "--coordinator must be HOST:PORT"),
    (["--coordinator", "localhost:1", "--num-processes", "2"], "needs all three"),
    (["--coordinator", "localhost:1", "--num-processes", "2", "--process-id", "2"], "--process-id must be from 0 to 1"),
    (["--coordinator", "no-such-host.invalid:12355", "--num-processes", "2", "--process-id", "1"], "is not known"),
])
def test_wrong_process_settings_are_one_line(corpus, args, message):
    done = _symrnn("train", "--text", corpus, *SMALL, *args, timeout=120)
    assert done.returncode == 1
    line, = done.stderr.strip().splitlines()
    assert line.startswith("symrnn: error:") and message in line


def _two_processes(port, *args, cwd):
    common = [sys.executable, "-m", "symrnn", "train", *args, "--coordinator", f"localhost:{port}",
              "--num-processes", "2", "--process-timeout", "180"]
    return [subprocess.Popen([*common, "--process-id", str(i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=ENV, cwd=cwd) for i in (0, 1)]


def test_two_processes_train_as_one_device_and_their_checkpoint_resumes_on_one(tmp_path, corpus):
    """A stateful LSTM with Adam: both processes print the losses of one device; process 0 alone
    writes the checkpoint, which a one-device run resumes, and which samples."""
    run = ["--text", corpus, *SMALL, "--cell", "lstm", "--stateful", "--steps", "6", "--report-every", "3"]
    processes = _two_processes(_free_port(), *run, "--checkpoint", str(tmp_path / "two.npz"), cwd=tmp_path)
    alone = _symrnn(*["train", *run, "--checkpoint", str(tmp_path / "one.npz")], timeout=600)
    outputs = [p.communicate(timeout=600) for p in processes]
    assert alone.returncode == 0, alone.stderr[-2000:]
    one = json.loads(alone.stdout)
    for process, (stdout, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr[-3000:]
        two = json.loads(stdout)  # the JSON document alone on stdout
        assert two["devices"] == 2 and two["processes"] == 2
        np.testing.assert_allclose([two["train_loss"], two["val_loss"]], [one["train_loss"], one["val_loss"]],
                                   rtol=1e-3)
        reports = [line for line in stderr.splitlines() if line.startswith("Error:")]
        assert len(reports) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("two")) == ["two.npz"]
    resumed = _symrnn("train", "--text", corpus, "--resume", "--checkpoint", str(tmp_path / "two.npz"), "--steps",
                      "8", "--no-progress", "--no-report", "--json", timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert json.loads(resumed.stdout)["steps"] == 8
    sampled = _symrnn("sample", "--checkpoint", str(tmp_path / "two.npz"), "--prime", "the ", "--length", "40",
                      timeout=300)
    assert sampled.returncode == 0 and len(sampled.stdout.strip()) >= 40, sampled.stderr[-2000:]


def test_a_process_that_dies_stops_the_other_with_one_line(tmp_path, corpus):
    run = ["--text", corpus, *SMALL, "--cell", "lstm", "--steps", "100000", "--report-every", "2",
           "--updates-per-call", "1", "--checkpoint", str(tmp_path / "run.npz")]
    first, second = _two_processes(_free_port(), *run, cwd=tmp_path)
    try:
        for line in second.stderr:
            if line.startswith("Error:"):  # both are training
                break
        second.send_signal(signal.SIGKILL)
        _, stderr = first.communicate(timeout=120)
    finally:
        for process in (first, second):
            process.kill()
            process.wait()
    assert first.returncode == 1
    errors = [line for line in stderr.splitlines() if "error" in line.lower() and not line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith("symrnn: error: process 0 of 2 lost the others"), stderr[-3000:]
    assert "Traceback" not in stderr
