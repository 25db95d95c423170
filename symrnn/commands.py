"""What the ``symrnn`` subcommands do, given parsed arguments (see ``symrnn.cli``): one function each."""
import contextlib
import json
import math
import platform
import signal
import sys
import threading
from dataclasses import dataclass

import numpy as np

from symrnn import backend, checkpoint, data
from symrnn.errors import CheckpointError, ConfigError
from symrnn.registry import OPTIMIZERS


def train(args):
    """Train a character model, report its loss, show its predictions; checkpoints, resume, report page."""
    from symrnn.fit import fit
    from symrnn.schedules import step_decay

    saved = _saved_run(args)
    corpus = _Corpus.load(args, saved)
    trainer, start_step, states = _trainer(args, corpus, saved)
    steps = args.steps or (math.ceil(args.epochs * corpus.batches.steps_per_epoch) if args.epochs else 5000)
    lr = args.lr or OPTIMIZERS[args.optimizer]
    print(_plan(args, corpus, lr, trainer.mode, start_step if saved else None))
    probe = _probe(args, corpus)
    monitor = _Monitor(trainer, corpus.val, args.stateful, _report_page(args, corpus, probe))
    saver = _Saver(trainer, args.checkpoint, _run_meta(args, corpus, lr))
    with _interrupt_flag() as interrupted, _progress_bar(args, steps, start_step) as bar:
        result = fit(trainer, corpus.batches, steps=steps, start_step=start_step, states=states,
                     lr=step_decay(lr, args.lr_decay, corpus.batches.steps_per_epoch),
                     report_every=args.report_every, report=monitor.report, progress=bar,
                     should_stop=interrupted.is_set, after_step=saver.every(args.report_every),
                     updates_per_call=args.updates_per_call)
    saver.save(result["step"], result["states"])
    if interrupted.is_set():
        where = args.checkpoint or "nowhere (no --checkpoint given)"
        print(f"symrnn: interrupted at step {result['step']}; saved to {where}", file=sys.stderr)
        return 130
    summary = monitor.summary(result, args.report_every)
    _show_predictions(trainer, corpus, probe, summary)
    if args.plot:
        _plot(args.plot, monitor.history)
    monitor.finish_page(probe)
    if args.json:
        print(json.dumps({**summary, **_settings(args, corpus, trainer, lr, result)}))
    return 0


def _saved_run(args):
    """``(arrays, meta)`` of the checkpoint to resume, or None when not resuming."""
    if args.resume and not args.checkpoint:
        raise ConfigError("--resume needs --checkpoint PATH: the run to continue")
    return checkpoint.load_checkpoint(args.checkpoint) if args.resume else None


@dataclass
class _Corpus:
    """The text, its vocabulary, the training batches and the held-out windows (or streams)."""

    text: str
    vocab: data.Vocabulary
    train_idx: np.ndarray
    val_idx: np.ndarray
    batches: object
    val: tuple

    @classmethod
    def load(cls, args, saved):
        text = data.load_text(args.text, args.encoding) if args.text else data.default_corpus()
        vocab = data.Vocabulary.from_text(text)
        if saved and saved[1]["vocab"] != vocab.chars:
            raise CheckpointError(f"{args.checkpoint} was trained on a text with another vocabulary")
        train_idx, val_idx = data.split_tail(vocab.encode(text), args.val_fraction)
        if args.stateful:
            batches = data.StreamBatches(*data.stateful_batches(train_idx, args.batch_size, args.seq_len))
            enough = len(val_idx) > args.batch_size * args.seq_len
            val = data.stateful_batches(val_idx, args.batch_size, args.seq_len) if enough else None
        else:
            windows = data.lesson_windows(train_idx, args.seq_len, args.stride)
            batches = data.WindowBatches(*windows, args.batch_size, shuffle=args.shuffle, seed=args.seed)
            val = data.lesson_windows(val_idx, args.seq_len) if len(val_idx) > args.seq_len else None
        return cls(text, vocab, train_idx, val_idx, batches, val)


def _trainer(args, corpus, saved):
    """(the Trainer of the model ``args`` describe, the step to start from, the carried states)."""
    from symrnn.model import CharRNN
    from symrnn.train import Trainer

    model = CharRNN(len(corpus.vocab), args.hidden, cell=args.cell, layers=args.layers, embedding=args.embedding,
                    batchnorm=args.batchnorm, activation=args.activation, dropout=args.dropout,
                    recurrent_dropout=args.recurrent_dropout, return_sequences=not args.many_to_one,
                    seed=args.seed)
    trainer = Trainer(model, args.optimizer, clip=args.clip or None, mode=args.mode or backend.default_mode(),
                      show_progress=not args.no_progress)
    if not saved:
        return trainer, 0, None
    return trainer, saved[1]["step"], trainer.restore(*saved)


def _run_meta(args, corpus, lr):
    """What a checkpoint records of the run besides the model: vocabulary, optimiser, batch layout."""
    return {"vocab": corpus.vocab.chars, "optimizer": args.optimizer, "lr": lr, "clip": args.clip,
            "seq_len": args.seq_len, "batch_size": args.batch_size, "stateful": args.stateful}


def _plan(args, corpus, lr, mode, resumed_at):
    return (f"{len(corpus.text):,} characters from {args.text or 'the embedded corpus (pydoc_data.topics)'}, "
            f"vocabulary {len(corpus.vocab)}, {corpus.batches.steps_per_epoch:,} batches of {args.batch_size} × "
            f"{args.seq_len} per epoch; {args.cell} × {args.layers}, H {args.hidden}, {args.optimizer} "
            f"lr {lr:g}; backend {mode}" + (f"; resuming at step {resumed_at}" if resumed_at is not None else ""))


def _probe(args, corpus):
    """The text whose next characters are shown at the end: ``--predict``, or 40 held-out characters."""
    return args.predict or corpus.vocab.decode((corpus.val_idx if len(corpus.val_idx) else corpus.train_idx)[:40])


def _report_page(args, corpus, probe):
    """The run's ``report.TrainingReport`` (samples start from the probe's first 12 characters), or None."""
    from symrnn.report import TrainingReport, default_directory

    if args.no_report:
        return None
    return TrainingReport(args.report or default_directory(), corpus.vocab, probe[:12], args.seed)


class _Monitor:
    """The held-out loss and the history of reports, printed as the lesson prints its errors; with a
    ``page`` (``report.TrainingReport``), a sample at every report and the page at the end."""

    def __init__(self, trainer, val, stateful, page=None):
        self.trainer, self.val, self.stateful, self.page = trainer, val, stateful, page
        self.history = {"step": [], "train_loss": [], "val": []}

    def val_loss(self):
        """{"val_loss": …} (and "val_loss_last", the last position's, for windows), or None."""
        from symrnn.evaluate import evaluate_positions, evaluate_stream

        if self.val is None:
            return None
        if self.stateful:
            return {"val_loss": float(evaluate_stream(self.trainer, *self.val))}
        per_position = evaluate_positions(self.trainer, *self.val)
        return {"val_loss": float(per_position.mean()), "val_loss_last": float(per_position[-1])}

    def report(self, step, error):
        from tqdm import tqdm

        val = self.val_loss()
        for key, value in (("step", step), ("train_loss", error), ("val", val)):
            self.history[key].append(value)
        tqdm.write(f"Error: {error:.3f}  (step {step}" + "".join(f", {k} {v:.3f}" for k, v in (val or {}).items())
                   + ")", file=sys.stdout)
        if self.page:
            self.page.add_sample(step, self.trainer)

    def finish_page(self, probe):
        """End the run with a generated paragraph and the report page's path."""
        if self.page:
            print("\n" + self.page.paragraph(self.trainer))
            print(f"\nreport: {self.page.write(self.trainer, self.history, probe)}")

    def summary(self, result, report_every):
        last = result["losses"][-report_every:]
        return {"steps": result["step"], "train_loss": float(np.mean(last)) if last else None,
                "val_loss": None, **(self.val_loss() or {})}


class _Saver:
    """Writes the run to ``path`` (if any): weights, optimiser state, carried states, ``meta`` and the step."""

    def __init__(self, trainer, path, meta):
        self.trainer, self.path, self.meta = trainer, path, meta

    def save(self, step, states):
        if self.path:
            self.trainer.save(self.path, {**self.meta, "step": step}, states)

    def every(self, n_steps):
        """An ``after_step`` hook saving every ``n_steps`` steps."""
        def after_step(step, states):
            if step % n_steps == 0:
                self.save(step, states)
        return after_step


@contextlib.contextmanager
def _interrupt_flag():
    """An event that Ctrl-C sets (instead of raising) while the block runs."""
    interrupted = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: interrupted.set())
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


def _progress_bar(args, steps, start_step):
    from tqdm import tqdm

    return tqdm(total=steps, initial=start_step, desc="train", unit="step", disable=args.no_progress, leave=False)


def _show_predictions(trainer, corpus, probe, summary):
    from symrnn.generate import next_char_predictions

    predicted = next_char_predictions(trainer, corpus.vocab, probe)
    print(f"\ntrain loss {_fmt(summary['train_loss'])} nats/char, val loss {_fmt(summary['val_loss'])}")
    print("next-character predictions (input, then the model's guess for the following char):")
    print("  input    : " + repr(probe))
    print("  predicted: " + repr(predicted))


def _settings(args, corpus, trainer, lr, result):
    """The JSON summary's speed, versions and settings."""
    import pytensor

    seconds = result["train_seconds"]
    return {"chars_per_sec": result["chars"] / seconds if seconds else None,
            "compile_seconds": trainer.compile_seconds, "train_seconds": seconds, "backend": trainer.mode,
            "python": platform.python_version(), "pytensor": pytensor.__version__,
            "vocab_size": len(corpus.vocab), "cell": args.cell, "layers": args.layers, "hidden": args.hidden,
            "seq_len": args.seq_len, "batch_size": args.batch_size, "optimizer": args.optimizer, "lr": lr,
            "updates_per_call": args.updates_per_call}


def _fmt(value):
    return "n/a" if value is None else f"{value:.3f}"


def _plot(path, history):
    try:
        import matplotlib
    except ImportError:
        raise ConfigError("--plot needs matplotlib: pip install 'symrnn[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(history["step"], history["train_loss"], label="train (mean of the last steps)")
    val_steps = [s for s, v in zip(history["step"], history["val"]) if v]
    if val_steps:
        ax.plot(val_steps, [v["val_loss"] for v in history["val"] if v], label="held out")
    ax.set(xlabel="step", ylabel="nats / character", title="symrnn training")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def sample(args):
    """Generate text from a checkpoint: greedy at temperature 0, sampled otherwise."""
    from symrnn.generate import greedy_text, sample_text
    from symrnn.model import CharRNN
    from symrnn.train import Trainer

    arrays, meta = checkpoint.load_checkpoint(args.checkpoint)
    chars, config = checkpoint.training_settings(meta, args.checkpoint)
    vocab = data.Vocabulary(chars)
    vocab_size, n_hidden = config.pop("vocab_size"), config.pop("n_hidden")
    trainer = Trainer(CharRNN(vocab_size, n_hidden, **config), meta.get("optimizer", "sgd"),
                      clip=meta.get("clip") or None, mode=args.mode, show_progress=not args.no_progress)
    trainer.restore(arrays, meta, optimizer=False)
    if args.temperature == 0:
        text = greedy_text(trainer.predict, vocab, args.prime, args.length)
    else:
        text = sample_text(trainer.predict, vocab, args.prime, args.length, args.temperature, args.seed)
    sys.stdout.write(args.prime + text + "\n")
    return 0


def gradcheck(args):
    """Check a cell's gradients three ways (two without a NumPy twin); exit 1 if any pair disagrees."""
    from symrnn.gradient_check import check_cell

    report = check_cell(args.cell, activation=args.activation, twin=args.twin, seed=args.seed)
    print(report)
    if args.json:
        print(json.dumps(report.as_dict()))
    return 0 if report.passed else 1


def viz(args):
    from symrnn import viz as viewer

    if args.checkpoint:
        path = viewer.checkpoint_page(args.out, args.checkpoint, args.text, mode="FAST_COMPILE")
    else:
        path = viewer.toy_page(args.out, args.seed)
    print(f"wrote {path}: open it in a browser (it needs no network)")


def trace(args):
    from symrnn import trace as tracing
    from symrnn.model import CharRNN
    from symrnn.train import Trainer

    if args.checkpoint:
        from symrnn.viz import load_model
        model = load_model(args.checkpoint, viewable_only=False)[0]
    else:
        model = CharRNN(args.vocab_size, args.hidden, cell=args.cell, layers=args.layers,
                        embedding=None if args.one_hot else args.embedding)
    print(tracing.format_trace(model, args.seq_len), end="")
    if args.graph or args.svg:
        trainer = Trainer(model, mode=tracing.TRACE_MODE, show_progress=False)
    if args.graph:
        print("\nthe compiled training function (pytensor.printing.debugprint):")
        print(tracing.graph_text(trainer))
        print("\nthe scan's inner graph: one step of the loop")
        print(tracing.scan_inner_text(trainer))
    if args.svg:
        print(f"\nwrote {tracing.graph_svg(trainer, args.svg)}")
def bench(args):
    from symrnn.bench import main

    main(args)
