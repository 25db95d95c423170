"""The lesson's Keras-era recipes on Nietzsche, each run through ``symrnn train``, against their targets.

    python benchmarks/lesson_targets.py --text nietzsche [--only lstm]

Runs the recipes below (10 % held-out tail), prints each one's held-out loss and training minutes
beside the lesson's figure and a PyTorch CPU run of the same recipe, and one JSON line at the end.
Training minutes exclude compiling and the per-epoch held-out evaluations.
"""
import argparse
import json
import subprocess
import sys

RECIPES = {
    "8char": {  # many-to-one: the 9th character from 8
        "args": ["--embedding", "42", "--many-to-one", "--optimizer", "adam", "--batch-size", "64",
                 "--shuffle", "--stride", "1", "--epochs", "2", "--clip", "5", "--report-every", "4000"],
        "targets": {"val_loss_last": 1.68}, "minutes": 3, "pytorch": "1.70 in 2.3 min"},
    "sequences": {  # returning sequences: every position
        "args": ["--embedding", "42", "--optimizer", "adam", "--batch-size", "64", "--shuffle",
                 "--stride", "1", "--epochs", "2", "--clip", "5", "--report-every", "4000"],
        "targets": {"val_loss_last": 1.48, "val_loss": 1.70}, "minutes": 4, "pytorch": "1.50 / 1.725 in 3.2 min"},
    "lstm": {  # stateful 2-layer LSTM
        "args": ["--embedding", "42", "--batchnorm", "--cell", "lstm", "--layers", "2", "--stateful",
                 "--batch-size", "64", "--seq-len", "40", "--optimizer", "adam", "--lr", "0.002",
                 "--lr-decay", "0.8", "--epochs", "9", "--clip", "5", "--report-every", "211"],
        "targets": {"val_loss": 1.38}, "minutes": 15, "pytorch": "1.394 after 12 min"},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", required=True)
    parser.add_argument("--only", choices=sorted(RECIPES), action="append")
    args = parser.parse_args()
    results = {}
    for name in args.only or RECIPES:
        recipe = RECIPES[name]
        command = [sys.executable, "-m", "symrnn", "train", "--text", args.text, *recipe["args"],
                   "--json", "--no-progress"]
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as run:
            lines = []
            for line in run.stdout:  # the run's own reports, as they come; its JSON summary is last
                print(f"  {name} | {line}", end="", flush=True)
                lines.append(line)
        if run.returncode:
            raise SystemExit(f"{name}: symrnn train failed (exit {run.returncode})")
        summary = json.loads(lines[-1])
        minutes = summary["train_seconds"] / 60
        met = minutes <= recipe["minutes"] and all(summary[k] <= v for k, v in recipe["targets"].items())
        losses = ", ".join(f"{k} {summary[k]:.3f} (target <= {v})" for k, v in recipe["targets"].items())
        print(f"{name}: {losses}; {minutes:.1f} min training (target <= {recipe['minutes']}), "
              f"compile {summary['compile_seconds']:.0f} s; PyTorch CPU: {recipe['pytorch']}; "
              f"{'MET' if met else 'NOT MET'}", flush=True)
        results[name] = {**{k: summary[k] for k in recipe["targets"]}, "train_minutes": round(minutes, 2),
                         "compile_seconds": round(summary["compile_seconds"], 1), "met": met}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
