"""Batched training speed against the PyTorch CPU peer, same run.

    python benchmarks/batched_speed.py --text ../shared/data/nietzsche.txt \
        --peer ../shared/peers/torch_peer.py [--cell lstm] [--layers 2] [--repeats 3] \
        [--peer-python PATH]

Both sides train the same model on B × T batches: one-hot input (vocabulary 86), ``--layers``
cells of H 256, a softmax output layer, SGD lr 0.01, no clipping. symrnn runs ``symrnn train``
(its default backend, or $SYMRNN_MODE; compile excluded); the peer runs ``torch_peer.py batched``
(its first step excluded), with the threads this machine has. The two alternate, ``--repeats``
times each; prints chars/s of every run and the ratio of the medians (symrnn / PyTorch; 1 means
as fast).
``--peer-python`` is an interpreter that has torch, if this one has not.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def symrnn_rate(args):
    command = [sys.executable, "-m", "symrnn", "train", "--text", args.text, "--cell", args.cell,
               "--layers", str(args.layers), "--hidden", "256", "--batch-size", str(args.batch),
               "--seq-len", str(args.seq), "--optimizer", "sgd", "--lr", "0.01", "--clip", "0",
               "--steps", str(args.steps), "--val-fraction", "0", "--json", "--no-progress"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["chars_per_sec"]


def peer_rate(args):
    command = [args.peer_python, args.peer, "batched", "--cell", args.cell, "--layers", str(args.layers),
               "--batch", str(args.batch), "--seq", str(args.seq), "--steps", str(args.steps),
               "--threads", str(os.cpu_count())]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["chars_per_sec"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", required=True)
    parser.add_argument("--peer", required=True, help="path of torch_peer.py")
    parser.add_argument("--peer-python", default=sys.executable)
    parser.add_argument("--cell", default="lstm", choices=["rnn", "gru", "lstm"])
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seq", type=int, default=40)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ours, peer = [], []
    for _ in range(args.repeats):
        ours.append(symrnn_rate(args))
        peer.append(peer_rate(args))
        print(f"symrnn {ours[-1]:,.0f} chars/s   PyTorch {peer[-1]:,.0f} chars/s", flush=True)
    ratio = statistics.median(ours) / statistics.median(peer)
    print(f"ratio of medians (symrnn / PyTorch): {ratio:.2f}")
    print(json.dumps({"symrnn": ours, "pytorch": peer, "ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
