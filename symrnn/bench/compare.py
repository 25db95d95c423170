"""``symrnn bench``: symrnn against PyTorch CPU on the same workloads, alternating, in one run.

Every measurement is a fresh process (``symrnn.bench.workers``), so each side's start-up and
peak memory are its own. A round runs every chosen workload once on each side, the two sides
in turn (which goes first alternates from round to round); ``repeats`` rounds give the medians.
Before the rounds, one short symrnn run per workload fills the compile cache (its start-up is
reported as "first start": cold if the cache was empty); with ``cold=True`` one more run per
workload starts from an empty PyTensor/Numba cache in a temporary directory.

The sgemm peak is NumPy's float32 matrix product of two 1024 × 1024 matrices, the best of
several, measured before and after every round (the best of all counts), with this process's
BLAS threads: one (symrnn's default) unless ``OPENBLAS_NUM_THREADS`` was set when it started. The fraction of it
that a side reaches is its training FLOP/s (``Workload.flops_per_char`` × chars/s) over that
peak; PyTorch's own BLAS may beat NumPy's, so a fraction near or above 1 means the peak was
measured on a busy moment or the other library's sgemm is faster.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from symrnn.bench.workers import WORKLOADS, Workload
from symrnn.errors import ConfigError, SymrnnError

NO_TORCH = ("PyTorch: not found, symrnn side only (install it with pip install 'symrnn[bench]', "
            "or pass --torch-python PATH of an interpreter that has it)")


def sgemm_gflops(n=1024, tries=10):
    """Best GFLOP/s of NumPy's float32 ``n × n`` matrix product over ``tries`` products."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), np.float32), rng.standard_normal((n, n), np.float32)
    a @ b
    best = min(_seconds(lambda: a @ b) for _ in range(tries))
    return 2 * n ** 3 / best / 1e9


def _seconds(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def torch_python(requested=None):
    """An interpreter that can import torch: ``requested``, else this one, else None."""
    for python in ([requested] if requested else [sys.executable]):
        probe = subprocess.run([python, "-c", "import torch"], capture_output=True)
        if probe.returncode == 0:
            return python
        if requested:
            raise ConfigError(f"{requested} cannot import torch")
    return None


def run_worker(python, side, workload, *, seconds, mode=None, updates_per_call=1, hidden=None, threads=0,
               env=None):
    """One measurement in a fresh process; returns the worker's JSON result (a dict)."""
    command = [python, "-m", "symrnn.bench.workers", side, workload, "--seconds", str(seconds),
               "--updates-per-call", str(updates_per_call), "--threads", str(threads),
               "--launched-at", repr(time.time())]
    if mode:
        command += ["--mode", mode]
    if hidden:
        command += ["--hidden", str(hidden)]
    run = subprocess.run(command, capture_output=True, text=True, env=env, cwd=_package_root())
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SymrnnError(f"the {side} run of {workload} failed: {last}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _package_root():
    """The directory holding the ``symrnn`` package, so a peer interpreter imports this one."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cold_env():
    """Environment for a run on an empty PyTensor (and Numba) cache, in a temporary directory."""
    cache = tempfile.mkdtemp(prefix="symrnn-cold-")
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    return {**os.environ, "PYTENSOR_FLAGS": f"{flags},base_compiledir={cache}".lstrip(","),
            "NUMBA_CACHE_DIR": cache}


def benchmark(workloads, *, repeats=3, seconds=5.0, mode=None, updates_per_call=1, hidden=None, threads=0,
              cold=False, torch=None, echo=print):
    """Run the benchmark; returns the JSON-ready result (machine, versions, runs, summary rows).

    workloads: names from ``WORKLOADS``; updates_per_call: K > 1 adds a symrnn row per workload
    with K updates in each compiled call; threads: BLAS threads of both sides (0: each library's default);
    torch: an interpreter with torch, or None (symrnn only).
    """
    unknown = sorted(set(workloads) - set(WORKLOADS))
    if unknown:
        raise ConfigError(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
    variants = [("symrnn", 1)] + ([("symrnn", updates_per_call)] if updates_per_call > 1 else [])
    sides = variants + ([("torch", 1)] if torch else [])
    options = {"seconds": seconds, "mode": mode, "hidden": hidden, "threads": threads}
    runs, first_starts, cold_starts, peaks = [], {}, {}, []
    for name in workloads:
        for _, k in variants:
            echo(f"preparing {name} (symrnn, {k} update{'s' if k > 1 else ''}/call): compile or load from cache")
            first_starts[(name, k)] = run_worker(sys.executable, "symrnn", name, updates_per_call=k,
                                                 **{**options, "seconds": 0})["first_step_seconds"]
            if cold:
                cold_starts[(name, k)] = run_worker(sys.executable, "symrnn", name, updates_per_call=k,
                                                    env=_cold_env(), **{**options, "seconds": 0}
                                                    )["first_step_seconds"]
    for round_ in range(repeats):
        peaks.append(sgemm_gflops())
        echo(f"round {round_ + 1}/{repeats}: sgemm {peaks[-1]:.1f} GFLOP/s")
        for name in workloads:
            order = sides if round_ % 2 == 0 else sides[::-1]
            for side, k in order:
                python = torch if side == "torch" else sys.executable
                result = run_worker(python, side, name, updates_per_call=k, **options)
                result["round"] = round_ + 1
                runs.append(result)
                echo(f"  {name:7s} {_label(side, k):18s} {result['chars_per_sec']:>12,.0f} chars/s")
        peaks.append(sgemm_gflops())
    peak = max(peaks)
    rows = [_summary_row(name, side, k, runs, peak, first_starts, cold_starts)
            for name in workloads for side, k in sides]
    return {"machine": _machine(), "versions": _versions(runs), "backend": mode or _default_mode(),
            "sgemm_gflops": peaks, "sgemm_peak_gflops": peak, "repeats": repeats, "seconds_per_run": seconds,
            "threads": threads or None,
            "torch": torch is not None, "rows": rows, "runs": runs}


def _label(side, k):
    return "PyTorch" if side == "torch" else ("symrnn" if k == 1 else f"symrnn {k} upd/call")


def _summary_row(name, side, k, runs, peak, first_starts, cold_starts):
    mine = [r for r in runs if r["workload"] == name and r["side"] == side and r.get("updates_per_call", 1) == k]
    rate = statistics.median(r["chars_per_sec"] for r in mine)
    torch_rates = [r["chars_per_sec"] for r in runs if r["workload"] == name and r["side"] == "torch"]
    flops = _workload_of(mine[0]).flops_per_char()
    return {"workload": name, "side": side, "updates_per_call": k, "chars_per_sec": rate,
            "ratio_to_torch": rate / statistics.median(torch_rates) if torch_rates else None,
            "fraction_of_sgemm_peak": flops * rate / (peak * 1e9),
            "peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in mine),
            "import_rss_mib": statistics.median(r["import_rss_mib"] for r in mine),
            "first_step_seconds_warm": statistics.median(r["first_step_seconds"] for r in mine),
            "first_start_seconds": first_starts.get((name, k)) if side == "symrnn" else None,
            "cold_start_seconds": cold_starts.get((name, k)) if side == "symrnn" else None,
            "backend": mine[0]["backend"]}


def _workload_of(run):
    """The workload a worker ran (its hidden size may be overridden)."""
    return Workload(**{f: run[f] for f in ("cell", "layers", "hidden", "batch", "seq_len", "description")})


def _machine():
    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version()}


def _versions(runs):
    versions = {}
    for run in runs:
        versions.update(run["versions"])
    return versions


def _default_mode():
    from symrnn.backends.compile import default_mode

    return default_mode()


def format_table(result):
    """The result as a Markdown table, one row per workload and side."""
    lines = [f"sgemm peak (NumPy float32 1024², best of the run, OPENBLAS_NUM_THREADS="
             f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}): {result['sgemm_peak_gflops']:.1f} GFLOP/s; "
             f"medians of {result['repeats']} alternating runs of ≥ {result['seconds_per_run']:g} s each; "
             + (f"{result['threads']} BLAS thread(s) a side" if result["threads"] else
                "BLAS threads: each library's default (symrnn one, PyTorch one per core)"),
             "",
             "| workload | side | chars/s | / PyTorch | % sgemm peak | peak RSS MiB | first step warm s "
             "| first start s | cold start s |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in result["rows"]:
        ratio = "" if row["ratio_to_torch"] is None else f"{row['ratio_to_torch']:.2f}"
        first = "" if row["first_start_seconds"] is None else f"{row['first_start_seconds']:.1f}"
        cold = "" if row["cold_start_seconds"] is None else f"{row['cold_start_seconds']:.1f}"
        lines.append(f"| {row['workload']} | {_label(row['side'], row['updates_per_call'])} "
                     f"| {row['chars_per_sec']:,.0f} | {ratio} | {100 * row['fraction_of_sgemm_peak']:.1f} "
                     f"| {row['peak_rss_mib']:.0f} | {row['first_step_seconds_warm']:.2f} | {first} | {cold} |")
    return "\n".join(lines)


def main(args):
    """``symrnn bench``: run, print the table, write ``args.json`` if given."""
    python = torch_python(args.torch_python) if not args.no_torch else None
    if python is None:
        print(NO_TORCH if not args.no_torch else "PyTorch: skipped (--no-torch), symrnn side only", flush=True)
    workloads = args.workloads.split(",") if args.workloads else list(WORKLOADS)
    result = benchmark(workloads, repeats=args.repeats, seconds=args.seconds, mode=args.mode,
                       updates_per_call=args.updates_per_call, hidden=args.hidden, threads=args.threads,
                       cold=args.cold,
                       torch=python, echo=lambda line: print(line, flush=True))
    print()
    print(format_table(result))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=1)
        print(f"\nwrote {args.json}")
