"""The min-char-rnn toy: two symbols, three hidden units, every number on one screen.

    python examples/minchar_toy.py            # prints the toy before and after training
    python examples/minchar_toy.py --page toy.html   # and writes the step viewer (open it in a browser)

Task 1 reads 1,0,1,0,… and predicts 0,1,0,1,…; task 2 reads 1,1,0,1,1,0,…, where after a 1 the
answer depends on whether it was the first 1 or the second: the hidden state must remember.
Untrained, the toy says 50/50 everywhere; trained (Adam, a few seconds), it is near-certain at
every step, and on task 2 the two 1s get clearly different hidden states.
"""
import argparse

import numpy as np

from symrnn.backends.compile import QUICK_MODE
from symrnn.training.trainer import Trainer
from symrnn.views import inside, toy
from symrnn.views import viewer as viz


def show(title, model, trainer, task):
    inputs, targets = toy.task_sequence(task)
    steps = inside.forward_steps(model, inputs, mode=QUICK_MODE)
    right = toy.target_probabilities(trainer, task)
    print(f"  {title}")
    print("     t  x  target  p(target)  h(t)")
    for t in range(6):
        h = np.array2string(steps["h"][t], precision=3, suppress_small=True, floatmode="fixed")
        print(f"    {t:2d}  {inputs[t]}  {targets[t]:6d}  {right[t]:9.3f}  {h}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", metavar="HTML", help="also write the step viewer of both tasks")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    for task in toy.PATTERNS:
        print(f"task {task}:")
        model = toy.build(args.seed)
        show("untrained", model, Trainer(model, mode=QUICK_MODE, show_progress=False), task)
        trainer = toy.train(model, task)
        show("trained", model, trainer, task)
    if args.page:
        print(f"wrote {viz.toy_page(args.page, args.seed)}")


if __name__ == "__main__":
    main()
