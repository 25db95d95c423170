"""Training speed of the lesson's Theano RNN: symrnn against a raw PyTensor script, same run.

    python benchmarks/lesson_speed.py --text ~/.cache/symrnn/texts/nietzsche.txt \
        [--mode NUMBA] [--windows 3000] [--repeats 3]

The peer is ``raw_pytensor_lesson.py`` beside this file. Both sides train B=1, T=8, H=256,
one-hot, SGD lr 0.01 on the same text with the same PyTensor mode, in separate processes,
alternating; compile time is excluded on both sides. Prints windows/s of each run and the ratio
of the medians (symrnn / raw; >= 1 means symrnn is no slower).
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path


def peer_rate(args):
    out = subprocess.run([sys.executable, args.peer, args.text, args.mode, str(args.windows)],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r"([\d.]+) windows/s", out).group(1))


def symrnn_rate(args):
    out = subprocess.run([sys.executable, "-m", "symrnn", "train", "--text", args.text,
                          "--steps", str(args.windows), "--mode", args.mode, "--val-fraction", "0",
                          "--json", "--no-progress"], capture_output=True, text=True, check=True).stdout
    summary = json.loads(out.strip().splitlines()[-1])
    return summary["chars_per_sec"] / summary["seq_len"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", required=True)
    parser.add_argument("--peer", default=str(Path(__file__).with_name("raw_pytensor_lesson.py")),
                        help="the raw PyTensor script (default: raw_pytensor_lesson.py beside this file)")
    parser.add_argument("--mode", default="NUMBA")
    parser.add_argument("--windows", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ours, raw = [], []
    for i in range(args.repeats):
        raw.append(peer_rate(args))
        ours.append(symrnn_rate(args))
        print(f"run {i + 1}: raw PyTensor {raw[-1]:,.0f} windows/s, symrnn {ours[-1]:,.0f} windows/s",
              flush=True)
    ratio = statistics.median(ours) / statistics.median(raw)
    print(json.dumps({"mode": args.mode, "windows": args.windows, "raw_windows_per_sec": raw,
                      "symrnn_windows_per_sec": ours, "ratio_symrnn_over_raw": round(ratio, 3)}))


if __name__ == "__main__":
    main()
