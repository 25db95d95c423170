"""Memory per character of a large training text: ``symrnn train`` on a text of SIZE MB.

    python benchmarks/text_memory.py --megabytes 1000 [--seq-len 8] [--stateful]

Writes a text of the given size (CPython's documentation topics, repeated) to a temporary folder,
runs ``symrnn train --text FILE --steps 1`` in a process of its own, and prints the process's
peak resident memory, the bytes of it per input character, and the seconds from launch to the
end of the run (which trains one step, evaluates the held-out loss and samples).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from symrnn.data import default_corpus


def write_text(path, megabytes):
    chunk = default_corpus().encode("utf-8")
    with open(path, "wb") as file:
        written = 0
        while written < megabytes * 1_000_000:
            part = chunk[:megabytes * 1_000_000 - written]
            file.write(part)
            written += len(part)
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=1000)
    parser.add_argument("--seq-len", type=int, default=8)
    parser.add_argument("--stateful", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "large.txt")
        size = write_text(path, args.megabytes)
        command = [sys.executable, "-m", "symrnn", "train", "--text", path, "--steps", "1", "--hidden", "64",
                   "--seq-len", str(args.seq_len), "--batch-size", "64", "--no-report", "--no-progress",
                   *(["--stateful"] if args.stateful else [])]
        start = time.perf_counter()
        run = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if run.returncode:
        sys.exit(run.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"text_bytes": size, "peak_rss_bytes": peak, "bytes_per_character": round(peak / size, 2),
                      "seconds": round(seconds, 1), "stateful": args.stateful}))


if __name__ == "__main__":
    main()
