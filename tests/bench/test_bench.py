"""``symrnn bench`` as a user meets it: a table, a JSON file, a clear line when PyTorch is absent."""
import json
import os
import subprocess
import sys

import pytest

from symrnn.bench.compare import NO_TORCH, format_table, torch_python
from symrnn.bench.workers import WORKLOADS, Workload
from symrnn.errors import ConfigError

HAS_TORCH = torch_python() is not None


def run_bench(tmp_path, *extra):
    env = {**os.environ, "SYMRNN_MODE": "FAST_COMPILE"}
    out = tmp_path / "bench.json"
    run = subprocess.run([sys.executable, "-m", "symrnn", "bench", "--workloads", "lesson", "--hidden", "8",
                          "--seconds", "0.05", "--repeats", "1", "--json", str(out), *extra],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr
    return run.stdout, json.loads(out.read_text())


def test_bench_prints_a_table_and_writes_json(tmp_path):
    stdout, result = run_bench(tmp_path, "--updates-per-call", "3")
    if not HAS_TORCH:
        assert NO_TORCH in stdout
    sides = [(row["side"], row["updates_per_call"]) for row in result["rows"]]
    assert sides == [("symrnn", 1), ("symrnn", 3)] + ([("torch", 1)] if HAS_TORCH else [])
    for row in result["rows"]:
        assert row["workload"] == "lesson"
        assert row["chars_per_sec"] > 0
        assert 0 < row["fraction_of_sgemm_peak"] < 1
        assert row["peak_rss_mib"] >= row["import_rss_mib"] > 10
        assert row["first_step_seconds_warm"] > 0
        assert (row["ratio_to_torch"] is None) == (not HAS_TORCH)
    assert result["backend"] == "FAST_COMPILE"
    assert result["machine"]["cpus"] == os.cpu_count()
    assert "pytensor" in result["versions"]
    assert len(result["runs"]) == len(sides)
    table = [line for line in stdout.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(sides)  # header, rule, a row per side


def test_no_torch_and_a_bad_workload_are_one_line_each():
    run = subprocess.run([sys.executable, "-m", "symrnn", "bench", "--no-torch", "--workloads", "lesson,nope"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "symrnn side only" in run.stdout
    assert run.stderr.strip() == "symrnn: error: unknown workload(s) nope; choose from lesson, rnn, gru, lstm"


def test_an_interpreter_without_torch_is_a_config_error(tmp_path):
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\nexit 1\n")
    python.chmod(0o755)
    with pytest.raises(ConfigError, match="cannot import torch"):
        torch_python(str(python))


def test_flops_count_every_product():
    # one layer of 1 gate: 2·H·(V + H) forward, plus the output layer 2·H·V, three times over
    assert Workload("rnn", 1, 10, 1, 1, "").flops_per_char() == 3 * (2 * 10 * (86 + 10) + 2 * 10 * 86)
    assert WORKLOADS["lstm"].flops_per_char() > WORKLOADS["rnn"].flops_per_char()


def test_table_has_a_row_per_side():
    row = {"workload": "rnn", "side": "symrnn", "updates_per_call": 1, "chars_per_sec": 1234.0,
           "ratio_to_torch": 1.5, "fraction_of_sgemm_peak": 0.25, "peak_rss_mib": 300.0,
           "first_step_seconds_warm": 2.0, "first_start_seconds": 30.0, "cold_start_seconds": None}
    table = format_table({"sgemm_peak_gflops": 50.0, "repeats": 3, "seconds_per_run": 5, "threads": 2, "rows": [row]})
    assert "| rnn | symrnn | 1,234 | 1.50 | 25.0 | 300 | 2.00 | 30.0 |  |" in table
