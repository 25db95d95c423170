"""Data-parallel throughput: one device against two CPU devices and two localhost processes, same run.

    python benchmarks/scaling.py [--rounds 3] [--steps 40] [--text PATH]

Each side is ``symrnn train`` on the bench's LSTM workload (LSTM 256 × 2, batch 64, windows of
40, SGD, one update a call), in processes of its own, the three sides alternating round after
round; compile time and held-out evaluation are left out (``--json``'s ``chars_per_sec``). Prints
every run's characters per second, then each side's median and its ratio to one device.
"""
import argparse
import json
import socket
import statistics
import subprocess
import sys

WORKLOAD = ["--cell", "lstm", "--layers", "2", "--hidden", "256", "--batch-size", "64", "--seq-len", "40",
            "--optimizer", "sgd", "--updates-per-call", "1", "--val-fraction", "0.01", "--no-report", "--json",
            "--no-progress"]


def _train(extra, args, process_id=None):
    command = [sys.executable, "-m", "symrnn", "train", *WORKLOAD, "--steps", str(args.steps),
               "--report-every", str(args.steps), *extra]
    if args.text:
        command += ["--text", args.text]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _rate(process):
    stdout, _ = process.communicate()
    if process.returncode:
        raise SystemExit(f"a run failed (exit status {process.returncode})")
    return json.loads(stdout)["chars_per_sec"]


def one_device(args):
    return _rate(_train([], args))


def two_devices(args):
    return _rate(_train(["--devices", "2"], args))


def two_processes(args):
    with socket.socket() as probe:
        probe.bind(("", 0))
        port = probe.getsockname()[1]
    extra = ["--coordinator", f"localhost:{port}", "--num-processes", "2"]
    runs = [_train([*extra, "--process-id", str(i)], args) for i in (0, 1)]
    return min(_rate(run) for run in runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--text", help="training text (default: the embedded corpus)")
    args = parser.parse_args()
    sides = {"1 device": one_device, "2 CPU devices": two_devices, "2 processes": two_processes}
    rates = {name: [] for name in sides}
    for round_number in range(args.rounds):
        for name, run in sides.items():
            rates[name].append(run(args))
            print(f"round {round_number + 1}: {name}: {rates[name][-1]:,.0f} chars/s", flush=True)
    base = statistics.median(rates["1 device"])
    print("\n| side | chars/s (median) | ratio to 1 device |\n|---|---:|---:|")
    for name, values in rates.items():
        print(f"| {name} | {statistics.median(values):,.0f} | {statistics.median(values) / base:.2f} |")


if __name__ == "__main__":
    main()
