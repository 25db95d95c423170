"""What a command-line training run keeps an eye on: the held-out loss, the history of reports
(printed as the lesson prints its errors, and drawn on the report page), and its checkpoints."""
import sys

import numpy as np

from symrnn.training.evaluate import bits, evaluate_positions, evaluate_stream, perplexity


class Monitor:
    """The held-out loss and the history of reports; with a ``page`` (``views.report.TrainingReport``),
    a sample at every report and the page at the end."""

    def __init__(self, trainer, val, stateful, page=None):
        self.trainer, self.val, self.stateful, self.page = trainer, val, stateful, page
        self.history = {"step": [], "train_loss": [], "val": []}

    def val_loss(self):
        """{"val_loss": …} (and "val_loss_last", the last position's, for windows), or None."""
        if self.val is None:
            return None
        if self.stateful:
            return {"val_loss": float(evaluate_stream(self.trainer, *self.val))}
        per_position = evaluate_positions(self.trainer, *self.val)
        return {"val_loss": float(per_position.mean()), "val_loss_last": float(per_position[-1])}

    def report(self, step, error):
        """``fit``'s report hook: record and print the step's error and the held-out loss."""
        from tqdm import tqdm

        val = self.val_loss()
        for key, value in (("step", step), ("train_loss", error), ("val", val)):
            self.history[key].append(value)
        tqdm.write(f"Error: {error:.3f}  (step {step}" + "".join(f", {k} {v:.3f}" for k, v in (val or {}).items())
                   + ")", file=sys.stdout)
        if self.page:
            self.page.add_sample(step, self.trainer)

    def finish(self, result):
        """The run's summary — steps, the mean training loss since the last report (or over the
        last report's steps), the held-out loss now, in nats and bits per character and as a
        perplexity — with the last step added to the history (and a sample to the page) when
        it was not a report step."""
        last_report = self.history["step"][-1] if self.history["step"] else None
        if result["step"] == last_report:  # the report's own mean
            train_loss = self.history["train_loss"][-1]
        else:
            recent = result["losses"][-(result["step"] - last_report):] if last_report else result["losses"]
            train_loss = float(np.mean(recent)) if len(recent) else None
        val = self.val_loss()
        summary = {"steps": result["step"], "train_loss": train_loss, "val_loss": None, **(val or {})}
        if result["losses"] and result["step"] != last_report:
            for key, value in (("step", result["step"]), ("train_loss", summary["train_loss"]), ("val", val)):
                self.history[key].append(value)
            if self.page:
                self.page.add_sample(result["step"], self.trainer)
        for key in ("train_loss", "val_loss"):
            if summary[key] is not None:
                summary[key.replace("loss", "bits_per_char")] = bits(summary[key])
                summary[key.replace("loss", "perplexity")] = perplexity(summary[key])
        return summary


class Saver:
    """Writes the run to ``path``: weights, optimiser state, carried states, ``meta`` and the step
    (``write=False``: a process of several that leaves the writing to process 0)."""

    def __init__(self, trainer, path, meta, write=True):
        self.trainer, self.path, self.meta, self.write = trainer, path, meta, write

    def save(self, step, states):
        if self.write:
            self.trainer.save(self.path, {**self.meta, "step": step}, states)

    def every(self, n_steps):
        """An ``after_step`` hook saving every ``n_steps`` steps."""
        def after_step(step, states):
            if step % n_steps == 0:
                self.save(step, states)
        return after_step
