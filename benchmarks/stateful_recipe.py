"""The README's stateful LSTM recipe, ``symrnn train`` against the same recipe in PyTorch, same run.

    python benchmarks/stateful_recipe.py --text nietzsche.txt [--rounds 3] [--steps 120]

The recipe: embedding 42 → batchnorm → LSTM 256 × 2 → softmax, the text as 64 streams cut into
windows of 40 carried from batch to batch, Adam at 2e-3, gradients clipped to a global norm of 5,
the loss summed over the window and averaged over the batch. symrnn's side is the command a user
types (``symrnn train … --stateful --json``; its ``chars_per_sec`` leaves out the first,
compiling, call and the held-out evaluation). PyTorch's side is the same model and data written
as a PyTorch user would (``nn.Embedding``, ``nn.BatchNorm1d``, ``nn.LSTM``, ``nn.Linear``,
``clip_grad_norm_``, ``torch.optim.Adam``), timed the same way: every step after the first. Each
run is a process of its own and the sides alternate; the table gives medians of the training
speed and of the wall time from launch to exit, and the mean training loss over the run's steps
(the two sides' initial weights differ). Needs torch (``pip install 'symrnn[bench]'``).
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

RECIPE = ["--embedding", "42", "--batchnorm", "--cell", "lstm", "--layers", "2", "--hidden", "256", "--stateful",
          "--batch-size", "64", "--seq-len", "40", "--optimizer", "adam", "--lr", "0.002", "--clip", "5"]
BATCH, SEQ_LEN, HIDDEN, EMBEDDING = 64, 40, 256, 42


def symrnn_side(args):
    command = [sys.executable, "-m", "symrnn", "train", "--text", args.text, *RECIPE, "--steps", str(args.steps),
               "--report-every", str(args.steps), "--val-fraction", "0.01", "--no-report", "--no-progress", "--json"]
    summary = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    return summary["chars_per_sec"], summary["train_loss"]


def torch_side(args):
    command = [sys.executable, __file__, "--text", args.text, "--steps", str(args.steps), "--torch-worker"]
    result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    return result["chars_per_sec"], result["train_loss"]


def torch_worker(args):
    """The recipe in PyTorch; prints {"chars_per_sec", "train_loss"} (the mean over the steps, nats per
    character, as ``symrnn train --json`` reports it when it reports once, at the end)."""
    import numpy as np
    import torch

    from symrnn.data import Vocabulary, load_text, stateful_batches

    text = load_text(args.text)
    vocabulary = Vocabulary.from_text(text)
    inputs, targets = (torch.from_numpy(a.astype(np.int64))  # the streams symrnn train --stateful reads
                       for a in stateful_batches(vocabulary.encode(text), BATCH, SEQ_LEN))
    n_batches, vocab = len(inputs), len(vocabulary)
    torch.manual_seed(0)
    embedding = torch.nn.Embedding(vocab, EMBEDDING)
    batchnorm = torch.nn.BatchNorm1d(EMBEDDING, momentum=0.01, eps=1e-3)  # Keras' momentum 0.99
    lstm = torch.nn.LSTM(EMBEDDING, HIDDEN, num_layers=2)
    output = torch.nn.Linear(HIDDEN, vocab)
    params = [p for m in (embedding, batchnorm, lstm, output) for p in m.parameters()]
    optimizer = torch.optim.Adam(params, lr=0.002)
    state = (torch.zeros(2, BATCH, HIDDEN), torch.zeros(2, BATCH, HIDDEN))
    losses = []

    def step(k):
        nonlocal state
        x = batchnorm(embedding(inputs[k]).reshape(-1, EMBEDDING)).reshape(SEQ_LEN, BATCH, EMBEDDING)
        hidden, state = lstm(x, state)
        logits = output(hidden).reshape(-1, vocab)
        loss = torch.nn.functional.cross_entropy(logits, targets[k].reshape(-1), reduction="sum") / BATCH
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        optimizer.step()
        state = tuple(s.detach() for s in state)
        losses.append(loss.item() / SEQ_LEN)

    step(0)
    start = time.perf_counter()
    for k in range(1, args.steps):
        step(k % n_batches)
    seconds = time.perf_counter() - start
    chars_per_sec = (args.steps - 1) * BATCH * SEQ_LEN / seconds
    print(json.dumps({"chars_per_sec": chars_per_sec, "train_loss": sum(losses) / len(losses)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", required=True, help="the training text (the lesson's: Nietzsche)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=120, help="training steps (windows of 64 × 40) per run")
    parser.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_worker:
        return torch_worker(args)
    sides = {"symrnn train": symrnn_side, "PyTorch": torch_side}
    speed, wall, loss = ({name: [] for name in sides} for _ in range(3))
    for round_number in range(args.rounds):
        for name, run in sides.items():
            start = time.perf_counter()
            chars_per_sec, mean_loss = run(args)
            wall[name].append(time.perf_counter() - start)
            speed[name].append(chars_per_sec)
            loss[name].append(mean_loss)
            print(f"round {round_number + 1}: {name}: {chars_per_sec:,.0f} chars/s, {wall[name][-1]:.1f} s "
                  f"launch to exit, mean training loss {mean_loss:.3f}", flush=True)
    base = statistics.median(speed["PyTorch"])
    print(f"\n{args.steps} steps of 64 × 40 characters, medians of {args.rounds} rounds\n"
          "| side | chars/s | ratio to PyTorch | seconds, launch to exit | mean training loss, nats/char |\n"
          "|---|---:|---:|---:|---:|")
    for name in sides:
        print(f"| {name} | {statistics.median(speed[name]):,.0f} | {statistics.median(speed[name]) / base:.2f} | "
              f"{statistics.median(wall[name]):.1f} | {statistics.median(loss[name]):.3f} |")


if __name__ == "__main__":
    main()
