"""``symrnn train``: train a character model, report its loss, show its predictions; checkpoints,
resume, the report page."""
import argparse
import contextlib
import json
import math
import os
import platform
import shlex
import signal
import sys
import threading
import time

from symrnn import checkpoint, data, downloads
from symrnn.backends import processes
from symrnn.cli import run_settings
from symrnn.cli.arguments import (
    CELL_HELP,
    FRACTION,
    MODE_HELP,
    NON_NEGATIVE,
    NON_NEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    VECTOR_MATH_HELP,
)
from symrnn.errors import CheckpointError, ConfigError, DataError, TrainingDiverged
from symrnn.registry import CELLS, OPTIMIZERS

PARSER = {"help": "train a character model and show its predictions",
          "description": "Train a character model on a text (by default CPython's embedded documentation "
                         "topics), report the loss in nats and bits per character, show next-character "
                         "predictions and a generated paragraph, and keep the run in runs/<date-time>/. The "
                         "defaults are the lesson's Theano RNN: one-hot input, 256 relu units, identity W_h, "
                         "windows of 8, one window per SGD update at lr 0.01, one pass over the text."}


def add_arguments(parser):
    _add_data_arguments(parser.add_argument_group("data"))
    _add_model_arguments(parser.add_argument_group("model"))
    _add_training_arguments(parser.add_argument_group("training"))
    _add_parallel_arguments(parser.add_argument_group("devices and processes (docs/scaling.md)"))
    _add_output_arguments(parser)
    parser.set_defaults(**dict.fromkeys(run_settings.DEFAULTS))  # None: not given (run_settings.resolve)


def _encoding(name):
    """An argparse type: a text encoding Python knows, by its canonical name."""
    try:
        return data.text_encoding(name)
    except DataError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _add_data_arguments(group):
    group.add_argument("--text", metavar="PATH|URL|nietzsche",
                       help="training text: a file, an http(s) address, or 'nietzsche' (the lesson's corpus), both "
                            "downloaded once into ~/.cache/symrnn/texts (default: the embedded corpus)")
    group.add_argument("--encoding", type=_encoding,
                       help="the text's encoding (default utf-8; latin-1 reads one character per byte, as the "
                            "lesson did; utf-16 reads either byte order by its mark)")
    group.add_argument("--seq-len", type=POSITIVE_INT, default=8, help="window length T (default 8)")
    group.add_argument("--stride", type=POSITIVE_INT,
                       help="start a window every N characters (default: --seq-len, the lesson's "
                            "non-overlapping layout; 1 uses every position)")
    group.add_argument("--val-fraction", type=FRACTION, default=0.1,
                       help="held-out tail of the text for val_loss (default 0.1)")


def _add_model_arguments(group):
    group.add_argument("--cell", default="rnn", metavar="NAME", help=CELL_HELP)
    group.add_argument("--layers", type=POSITIVE_INT, default=1, help="stacked cells (default 1)")
    group.add_argument("--hidden", type=POSITIVE_INT, default=256, help="hidden units (default 256)")
    group.add_argument("--activation", choices=["relu", "tanh"], default="relu", help="for --cell rnn")
    encoding = group.add_mutually_exclusive_group()
    encoding.add_argument("--one-hot", action="store_true",
                          help="feed one-hot characters, as the lesson's Theano RNN (the default)")
    encoding.add_argument("--embedding", type=POSITIVE_INT, metavar="N",
                          help="learn an N-wide embedding instead (the lesson's n_fac = 42)")
    group.add_argument("--batchnorm", action="store_true", help="batch-normalise the embeddings")
    group.add_argument("--dropout", type=FRACTION, default=0.0, help="input dropout (Keras dropout_W)")
    group.add_argument("--recurrent-dropout", type=FRACTION, default=0.0,
                       help="recurrent dropout, one mask per sequence (Keras dropout_U)")
    group.add_argument("--many-to-one", action="store_true",
                       help="train on the last position only (the lesson's 8-char model)")
    group.add_argument("--seed", type=int, default=0, help="seed for weights and shuffling (default 0)")


def _add_training_arguments(group):
    group.add_argument("--batch-size", type=POSITIVE_INT, default=1,
                       help="windows (or streams, with --stateful) per update (default 1)")
    group.add_argument("--optimizer", choices=list(OPTIMIZERS), default="sgd")
    group.add_argument("--lr", type=POSITIVE, help="learning rate (default: 0.01 for sgd, "
                       "the optimizer's usual default otherwise)")
    group.add_argument("--lr-decay", type=POSITIVE, default=1.0, metavar="FACTOR",
                       help="multiply the learning rate by FACTOR every epoch (default 1: constant)")
    group.add_argument("--clip", type=NON_NEGATIVE, default=100.0,
                       help="global gradient-norm limit (default 100: a guard against exploding "
                            "gradients that healthy runs rarely reach — the lesson's gradients have "
                            "norm ~20; 0 turns clipping off)")
    group.add_argument("--shuffle", action="store_true", help="shuffle the windows every epoch")
    group.add_argument("--stateful", action="store_true",
                       help="B continuous streams, state carried from batch to batch, reset each epoch")
    length = group.add_mutually_exclusive_group()
    length.add_argument("--steps", type=POSITIVE_INT, help="total updates (default: one epoch)")
    length.add_argument("--epochs", type=POSITIVE, help="total passes over the training data (default 1, the "
                        "lesson's one pass)")
    group.add_argument("--report-every", type=POSITIVE_INT,
                       help="print the mean error (and val loss), sample for the report page and save the "
                            "checkpoint every N steps (default: 1000, or about a tenth of a longer run)")
    group.add_argument("--updates-per-call", type=POSITIVE_INT, metavar="K",
                       help="run up to K updates in one compiled call (the training loop as a scan over "
                            "batches): the same updates as K calls, less per-call overhead for small "
                            "batches. A call never crosses an epoch's end or a multiple of --report-every, "
                            "so reports and checkpoints keep their steps; Ctrl-C stops after the call "
                            "(default: 32 for windows of up to 64 characters a batch, 8 up to 1,024, else 1; "
                            "1 with dropout, whose masks K > 1 would draw otherwise with JAX)")


def _add_parallel_arguments(group):
    group.add_argument("--devices", type=POSITIVE_INT, metavar="N",
                       help="split every batch over N devices of this machine (JAX): N GPUs, or on a machine "
                            "without one N CPU devices sharing its cores; the same updates as on one device "
                            "(default 1)")
    group.add_argument("--coordinator", metavar="HOST:PORT",
                       help="run as one of --num-processes processes training together, which meet at HOST:PORT "
                            "(process 0 listens there); each splits its rows of every batch over its --devices")
    group.add_argument("--num-processes", type=POSITIVE_INT, metavar="N", help="how many processes train together")
    group.add_argument("--process-id", type=NON_NEGATIVE_INT, metavar="I",
                       help="this process's number, 0 to N-1; process 0 writes the checkpoints and the report")
    group.add_argument("--process-timeout", type=POSITIVE, default=processes.TIMEOUT, metavar="SECONDS",
                       help="how long a process waits for the others, to meet and at each training call, before "
                            f"it stops with one line (default {processes.TIMEOUT})")


def _add_output_arguments(parser):
    store = parser.add_argument_group("checkpoints")
    store.add_argument("--checkpoint", metavar="PATH", help="save the run here (npz + JSON, atomic) "
                       "every --report-every steps and at the end (default: model.npz in the run's folder)")
    store.add_argument("--resume", action="store_true",
                       help="continue the run saved at --checkpoint; --steps/--epochs count the total")
    out = parser.add_argument_group("output")
    out.add_argument("--predict", metavar="TEXT",
                     help="show next-character predictions for TEXT (default: held-out text)")
    out.add_argument("--plot", metavar="PNG", help="plot the loss curves (needs matplotlib: "
                     "pip install 'symrnn[plot]')")
    out.add_argument("--report", metavar="DIR", help="the run's folder (default: a new runs/<date-time>/): the "
                     "report page (the run, loss curves, samples, the step viewer) as DIR/report.html, the "
                     "model as DIR/model.npz unless --checkpoint names another place, and DIR/run.json")
    out.add_argument("--no-report", action="store_true", help="no report page (the model and run.json are kept)")
    out.add_argument("--json", action="store_true",
                     help="print one JSON document on stdout: steps, train_loss, val_loss, chars_per_sec, ... "
                          "(everything else goes to stderr)")
    out.add_argument("--mode", help=MODE_HELP)
    out.add_argument("--vector-math", action="store_true", help=VECTOR_MATH_HELP)
    out.add_argument("--no-progress", action="store_true", help="no progress bars or tickers")


def run(args):
    """Train as ``args`` say. With ``--json`` the human output goes to stderr and stdout holds one
    JSON document, also when the run trained but could not write its page."""
    stdout = sys.stdout
    _check_outputs(args)
    several = processes.check_arguments(args.coordinator, args.num_processes, args.process_id)
    writer = not several or args.process_id == 0
    if not writer:  # process 0 writes the run's files
        args.no_report, args.plot = True, None
    args.report = _run_folder(args, make=writer)
    args.checkpoint = args.checkpoint or os.path.join(args.report, "model.npz")
    with _stdout_to_stderr() if args.json else contextlib.nullcontext():
        with checkpoint.locked(args.checkpoint) if writer else contextlib.nullcontext():
            summary, status = _train(args)
    if args.json and summary is not None:
        print(json.dumps(summary), file=stdout)
    return status


@contextlib.contextmanager
def _stdout_to_stderr():
    """Everything written to standard output while the block runs goes to standard error: Python's
    prints, and the C libraries' own (gloo's, in a run of several processes)."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _train(args):
    """``(the JSON summary or None, exit status)`` of a run."""
    from symrnn.optim.schedules import step_decay
    from symrnn.training.fit import fit
    from symrnn.training.generate import default_prime
    from symrnn.training.monitor import Monitor, Saver

    saved = _saved_run(args)
    settings = run_settings.resolve(args, saved and saved[1], args.checkpoint)
    _meet_other_processes(args)
    corpus, fingerprint = _corpus(args, saved)
    trainer, start_step, states = _trainer(args, corpus, saved)
    steps = args.steps or math.ceil((args.epochs or 1) * corpus.batches.steps_per_epoch)
    args.report_every = args.report_every or run_settings.report_every(steps)
    lr = settings["lr"] = args.lr or OPTIMIZERS[args.optimizer].default_lr
    print(_plan(args, corpus, lr, trainer.mode, start_step if saved else None))
    if start_step >= steps:
        print(f"symrnn: the run saved at {args.checkpoint} has done {start_step} steps already (of {steps} asked "
              f"for): nothing left to train; ask for more with --steps or --epochs", file=sys.stderr)
    probe, prime = _probe(args, corpus), default_prime(corpus.vocab)
    monitor = Monitor(trainer, corpus.val, args.stateful, _report_page(args, corpus, prime))
    started = time.perf_counter()
    saver = Saver(trainer, args.checkpoint, _run_meta(corpus, settings, fingerprint), write=processes.is_writer())
    with _interrupt_flag() as interrupted, _progress_bar(args, steps, start_step) as bar:
        result = fit(trainer, corpus.batches, steps=steps, start_step=start_step, states=states,
                     lr=step_decay(lr, args.lr_decay, corpus.batches.steps_per_epoch),
                     report_every=args.report_every, report=monitor.report, progress=bar,
                     should_stop=interrupted.is_set, after_step=saver.every(args.report_every),
                     updates_per_call=args.updates_per_call)
    saver.save(result["step"], result["states"])
    if interrupted.is_set():
        saved_by = f"saved to {args.checkpoint}" if processes.is_writer() else "process 0 saves the run"
        print(f"symrnn: interrupted at step {result['step']}; {saved_by}", file=sys.stderr)
        return None, 130
    summary = {**monitor.finish(result), **_settings(args, corpus, trainer, lr, result)}
    _show_predictions(trainer, corpus, probe, summary)
    _show_paragraph(trainer, corpus.vocab, prime, args.seed)
    if not processes.is_writer():
        return summary, 0
    _show_next_steps(args, prime)
    if monitor.page:
        monitor.page.facts = _facts(args, corpus, trainer, summary, time.perf_counter() - started)
    status = _finish(args, monitor, probe, summary)
    return summary, status


def _meet_other_processes(args):
    """Before the text is read or JAX starts: the batch splits over every device asked for, and,
    in a run of several processes, this one has met the others (``symrnn.backends.processes``)."""
    from symrnn.backends.data_parallel import check_batch_size

    check_batch_size(args.batch_size, args.devices or 1, args.num_processes or 1)
    if args.coordinator:
        processes.join(args.coordinator, args.num_processes, args.process_id, args.process_timeout)


def _check_outputs(args):
    """Before anything is trained: the checkpoint's and the report's folders can be written, and
    ``--plot`` has matplotlib."""
    if args.checkpoint:
        _writable(os.path.dirname(os.path.abspath(args.checkpoint)), f"cannot save checkpoints to {args.checkpoint}")
    if args.resume and not args.checkpoint:
        raise ConfigError("--resume needs --checkpoint PATH: the run to continue")
    if args.report and os.path.exists(args.report) and not os.path.isdir(args.report):
        raise ConfigError(f"--report names a folder for the run, and {args.report} is a file")
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise ConfigError("--plot needs matplotlib: pip install 'symrnn[plot]'") from None


def _finish(args, monitor, probe, summary):
    """Plot, write the page and ``run.json`` (the settings and the summary) in the run's folder; a
    failure here is one line, exit status 1, and the checkpoint and summary are kept."""
    try:
        if args.plot:
            from symrnn.views.plot import plot_losses

            plot_losses(args.plot, monitor.history)
        if monitor.page:
            print(f"report: {monitor.page.write(monitor.trainer, monitor.history, probe)}")
        document = json.dumps({"checkpoint": args.checkpoint, **summary}, indent=1).encode()
        checkpoint.write_atomically(os.path.join(args.report, "run.json"), lambda file: file.write(document))
    except OSError as err:
        print(f"symrnn: error: the run trained, but its outputs could not be written: {err.strerror or err} "
              f"({err.filename or 'the report'})", file=sys.stderr)
        return 1
    return 0


def _saved_run(args):
    """``(arrays, meta)`` of the checkpoint to resume, or None when not resuming (or when there is
    no checkpoint yet: the run starts, and says so). A checkpoint that names a cell of its own is
    resumed only with ``--cell`` naming the same (nothing is imported before that is checked)."""
    from symrnn.training.trained import trusted_config

    if not args.resume:
        return None
    if not os.path.exists(args.checkpoint):
        print(f"symrnn: no checkpoint at {args.checkpoint} yet: starting the run", file=sys.stderr)
        return None
    arrays, meta = checkpoint.load_checkpoint(args.checkpoint)
    trusted_config(meta, args.checkpoint, args.cell)  # also: a vocabulary and a model's settings
    if not isinstance(meta.get("step"), int):
        raise CheckpointError(f"{args.checkpoint} holds a model but not a symrnn train run (no step: saved from "
                              f"Python?); --resume continues runs that symrnn train saved")
    return arrays, meta


def _corpus(args, saved):
    """The ``data.Corpus`` of ``--text`` (or the embedded corpus), laid out as the settings say, and
    the text's fingerprint; a resumed run's text must be the one it trained on."""
    text = (data.load_text(downloads.local_path(args.text, progress=not args.no_progress), args.encoding)
            if args.text else data.default_corpus())
    fingerprint = run_settings.text_fingerprint(text)
    if saved and saved[1].get("text_sha256", fingerprint) != fingerprint:
        raise CheckpointError(f"{args.checkpoint} was trained on another text than "
                              f"{args.text or 'the embedded corpus'} (their fingerprints differ)")
    corpus = data.Corpus.build(text, val_fraction=args.val_fraction, seq_len=args.seq_len, stride=args.stride,
                               batch_size=args.batch_size, stateful=args.stateful, shuffle=args.shuffle,
                               seed=args.seed)
    if saved and saved[1]["vocab"] != corpus.vocab.chars:
        raise CheckpointError(f"{args.checkpoint} was trained on a text with another vocabulary")
    return corpus, fingerprint


def _trainer(args, corpus, saved):
    """(the Trainer of the model ``args`` describe, the step to start from, the carried states)."""
    from symrnn.backends.compile import default_mode
    from symrnn.nn.model import CharRNN
    from symrnn.training.trainer import Trainer

    model = CharRNN(len(corpus.vocab), args.hidden, cell=args.cell, layers=args.layers, embedding=args.embedding,
                    batchnorm=args.batchnorm, activation=args.activation, dropout=args.dropout,
                    recurrent_dropout=args.recurrent_dropout, return_sequences=not args.many_to_one,
                    seed=args.seed)
    trainer = Trainer(model, args.optimizer, clip=args.clip or None, mode=args.mode or default_mode(),
                      show_progress=not args.no_progress,
                      devices=args.devices or (1 if args.coordinator else None))
    if not saved:
        return trainer, 0, None
    return trainer, saved[1]["step"], trainer.restore(*saved)


def _run_meta(corpus, settings, fingerprint):
    """What a checkpoint records of the run besides the model: the vocabulary, every setting
    (``run_settings``), and the text's fingerprint. The older keys stay for older readers."""
    return {"vocab": corpus.vocab.chars, "settings": settings, "text_sha256": fingerprint,
            **{key: settings[key] for key in ("optimizer", "lr", "clip", "seq_len", "batch_size", "stateful")}}


def _plan(args, corpus, lr, mode, resumed_at):
    measured = corpus.held_out_measured
    held_out = (f"; held-out loss on the first {measured:,} of {len(corpus.val_idx):,} held-out characters"
                if measured < len(corpus.val_idx) else "")
    return (f"{len(corpus.text):,} characters from {args.text or 'the embedded corpus (pydoc_data.topics)'}, "
            f"vocabulary {len(corpus.vocab)}, {corpus.batches.steps_per_epoch:,} batches of {args.batch_size} × "
            f"{args.seq_len} per epoch; {args.cell} × {args.layers}, H {args.hidden}, {args.optimizer} "
            f"lr {lr:g}; backend {mode}" + _parallel_plan(args) + (f"; resuming at step {resumed_at}" if resumed_at
                                                                   is not None else "") + held_out)


def _parallel_plan(args):
    if args.coordinator:
        return (f"; process {args.process_id} of {args.num_processes}, each splitting its rows over "
                f"{args.devices or 1} device(s)")
    return f"; each batch split over {args.devices} devices" if (args.devices or 1) > 1 else ""


def _probe(args, corpus):
    """The text whose next characters are shown at the end: ``--predict``, or 40 held-out characters."""
    return args.predict or corpus.vocab.decode((corpus.val_idx if len(corpus.val_idx) else corpus.train_idx)[:40])


def _run_folder(args, make=True):
    """The run's folder, made now: ``--report DIR``, or a new ``runs/<date-time>``. It holds the
    report page, ``model.npz`` (unless ``--checkpoint`` names another place) and ``run.json``.
    ``make=False`` (a process that writes nothing): its name alone."""
    from symrnn.training.runs import new_run_directory

    if not make:
        return args.report or "runs/(process 0's)"
    try:
        folder = args.report or new_run_directory()
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        where = args.report or "under runs/"
        raise ConfigError(f"cannot make the run's folder {where}: {err.strerror or err}") from None
    _writable(folder, "cannot keep the run")
    return folder


def _writable(folder, what):
    """``ConfigError`` (``what``: the folder …) unless ``folder`` exists and can be written."""
    if not os.path.isdir(folder):
        raise ConfigError(f"{what}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{what}: the folder {folder} cannot be written")


def _report_page(args, corpus, prime):
    """The run's ``views.report.TrainingReport`` (its samples start from ``prime``), or None with ``--no-report``."""
    from symrnn.views.report import TrainingReport

    if args.no_report:
        return None
    return TrainingReport(args.report, corpus.vocab, prime, args.seed)


def _show_paragraph(trainer, vocab, prime, seed):
    from symrnn.training.generate import sample_text
    from symrnn.views.report import SAMPLE_TEMPERATURE

    try:
        text = sample_text(trainer.predict, vocab, prime, 400, SAMPLE_TEMPERATURE, seed)
    except TrainingDiverged as err:
        text = f"\n(none: {err})"
    print(f"\ngenerated (temperature {SAMPLE_TEMPERATURE}):\n{prime}{text}\n")


def _show_next_steps(args, prime):
    """Where the model is, and the command that continues from it."""
    from symrnn.views.report import SAMPLE_TEMPERATURE

    cell = f" --cell {shlex.quote(args.cell)}" if args.cell not in CELLS else ""
    print(f"model: {args.checkpoint}")
    print(f"sample it: symrnn sample --checkpoint {shlex.quote(args.checkpoint)}{cell} --prime {shlex.quote(prime)} "
          f"--temperature {SAMPLE_TEMPERATURE}")


def _facts(args, corpus, trainer, summary, seconds):
    """What the report page says of the run, first."""
    from symrnn.training.evaluate import in_all_units
    from symrnn.views.inside import summary as model_summary

    held_out = in_all_units(summary["val_loss"]) if summary["val_loss"] is not None else "none held out"
    trained = in_all_units(summary["train_loss"]) if summary["train_loss"] is not None else "no step trained"
    return [("text", f"{len(corpus.text):,} characters of {args.text or 'the embedded corpus (pydoc_data.topics)'}, "
                     f"vocabulary {len(corpus.vocab)}"),
            ("model", model_summary(trainer.model)),
            ("training", f"{summary['steps']:,} steps of {args.batch_size} × {args.seq_len} characters, "
                         f"{args.optimizer} lr {summary['lr']:g}, {args.updates_per_call} updates a call, "
                         f"backend {trainer.mode}"),
            ("held-out loss", held_out), ("training loss (last steps)", trained),
            ("time", f"{seconds:.1f} s, compiling {trainer.compile_seconds:.1f} s of it")]


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
    return contextlib.closing(_Progress(total=steps, initial=start_step, disable=args.no_progress))


class _Progress:
    """tqdm's bar for ``fit``, shown from the end of the first step on: that step compiles, and a
    bar started before it would take the compile for the training's pace (an ETA of hours)."""

    def __init__(self, total, initial, disable):
        self.total, self.done, self.disable, self.bar = total, initial, disable, None

    def update(self, n):
        self.done += n
        if self.bar is None:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.total, initial=self.done, desc="train", unit="step", disable=self.disable,
                            leave=False)
        else:
            self.bar.update(n)

    def set_postfix(self, **values):
        if self.bar is not None:
            self.bar.set_postfix(**values)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _show_predictions(trainer, corpus, probe, summary):
    from symrnn.training.evaluate import in_all_units
    from symrnn.training.generate import next_char_predictions

    predicted = next_char_predictions(trainer, corpus.vocab, probe)
    for what, key in (("training loss", "train_loss"), ("held-out loss", "val_loss")):
        print(f"{what}: {in_all_units(summary[key]) if summary[key] is not None else 'n/a'}")
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
            "updates_per_call": args.updates_per_call, "devices": (args.devices or 1) * (args.num_processes or 1),
            "processes": args.num_processes or 1}
