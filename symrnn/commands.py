"""What the ``symrnn`` subcommands do, given parsed arguments (see ``symrnn.cli``)."""
import json
import math
import platform
import signal
import sys

import numpy as np

from symrnn import backend, checkpoint, data
from symrnn.errors import CheckpointError, ConfigError
from symrnn.updates import DEFAULT_LEARNING_RATES


def train(args):
    import pytensor
    from tqdm import tqdm

    from symrnn.generate import next_char_predictions
    from symrnn.model import CharRNN
    from symrnn.train import StreamBatches, Trainer, WindowBatches, evaluate_positions, evaluate_stream, fit

    if args.resume and not args.checkpoint:
        raise ConfigError("--resume needs --checkpoint PATH: the run to continue")
    saved = checkpoint.load_checkpoint(args.checkpoint) if args.resume else None
    text = data.load_text(args.text, args.encoding) if args.text else data.default_corpus()
    vocab = data.Vocabulary.from_text(text)
    if saved and saved[1]["vocab"] != vocab.chars:
        raise CheckpointError(f"{args.checkpoint} was trained on a text with another vocabulary")
    train_idx, val_idx = data.split_tail(vocab.encode(text), args.val_fraction)
    if args.stateful:
        batches = StreamBatches(*data.stateful_batches(train_idx, args.batch_size, args.seq_len))
        enough = len(val_idx) > args.batch_size * args.seq_len
        val = data.stateful_batches(val_idx, args.batch_size, args.seq_len) if enough else None
    else:
        batches = WindowBatches(*data.lesson_windows(train_idx, args.seq_len, args.stride), args.batch_size,
                                shuffle=args.shuffle, seed=args.seed)
        val = data.lesson_windows(val_idx, args.seq_len) if len(val_idx) > args.seq_len else None
    steps = args.steps or (math.ceil(args.epochs * batches.steps_per_epoch) if args.epochs else 5000)
    lr = args.lr or DEFAULT_LEARNING_RATES[args.optimizer]
    mode = args.mode or backend.default_mode()
    model = CharRNN(len(vocab), args.hidden, cell=args.cell, layers=args.layers, embedding=args.embedding,
                    batchnorm=args.batchnorm, activation=args.activation, dropout=args.dropout,
                    recurrent_dropout=args.recurrent_dropout, return_sequences=not args.many_to_one,
                    seed=args.seed)
    trainer = Trainer(model, args.optimizer, clip=args.clip or None, mode=mode,
                      show_progress=not args.no_progress)
    start_step, states = 0, None
    if saved:
        states = trainer.restore(*saved)
        start_step = saved[1]["step"]
    print(f"{len(text):,} characters from {args.text or 'the embedded corpus (pydoc_data.topics)'}, "
          f"vocabulary {len(vocab)}, {batches.steps_per_epoch:,} batches of {args.batch_size} × "
          f"{args.seq_len} per epoch; {args.cell} × {args.layers}, H {args.hidden}, {args.optimizer} "
          f"lr {lr:g}; backend {mode}" + (f"; resuming at step {start_step}" if saved else ""))

    def val_loss():
        if val is None:
            return None
        if args.stateful:
            return {"val_loss": float(evaluate_stream(trainer, *val))}
        per_position = evaluate_positions(trainer, *val)
        return {"val_loss": float(per_position.mean()), "val_loss_last": float(per_position[-1])}

    history = {"step": [], "train_loss": [], "val": []}

    def report(step, error):
        history["step"].append(step)
        history["train_loss"].append(error)
        history["val"].append(val_loss())
        bar.write(f"Error: {error:.3f}  (step {step}"
                  + "".join(f", {k} {v:.3f}" for k, v in (history["val"][-1] or {}).items()) + ")",
                  file=sys.stdout)

    meta = {"vocab": vocab.chars, "optimizer": args.optimizer, "lr": lr, "clip": args.clip,
            "seq_len": args.seq_len, "batch_size": args.batch_size, "stateful": args.stateful}

    def save(step, carried):
        if args.checkpoint:
            trainer.save(args.checkpoint, {**meta, "step": step}, carried)

    interrupted = []
    previous_handler = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    try:
        with tqdm(total=steps, initial=start_step, desc="train", unit="step",
                  disable=args.no_progress, leave=False) as bar:
            result = fit(trainer, batches, steps=steps, start_step=start_step, states=states,
                         lr=lambda step: lr * args.lr_decay ** (step // batches.steps_per_epoch),
                         report_every=args.report_every, report=report, progress=bar,
                         should_stop=lambda: bool(interrupted),
                         after_step=lambda step, carried: step % args.report_every == 0 and save(step, carried))
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    save(result["step"], result["states"])
    if interrupted:
        where = args.checkpoint or "nowhere (no --checkpoint given)"
        print(f"symrnn: interrupted at step {result['step']}; saved to {where}", file=sys.stderr)
        return 130

    last = result["losses"][-args.report_every:]
    summary = {"steps": result["step"], "train_loss": float(np.mean(last)) if last else None,
               "val_loss": None, **(val_loss() or {})}
    probe = args.predict or vocab.decode((val_idx if len(val_idx) else train_idx)[:40])
    predicted = next_char_predictions(trainer, vocab, probe)
    print(f"\ntrain loss {_fmt(summary['train_loss'])} nats/char, val loss {_fmt(summary['val_loss'])}")
    print("next-character predictions (input, then the model's guess for the following char):")
    print("  input    : " + repr(probe))
    print("  predicted: " + repr(predicted))
    if args.plot:
        _plot(args.plot, history)
    summary.update({
        "chars_per_sec": result["chars"] / result["train_seconds"] if result["train_seconds"] else None,
        "compile_seconds": trainer.compile_seconds, "train_seconds": result["train_seconds"],
        "backend": mode, "python": platform.python_version(), "pytensor": pytensor.__version__,
        "vocab_size": len(vocab), "cell": args.cell, "layers": args.layers, "hidden": args.hidden,
        "seq_len": args.seq_len, "batch_size": args.batch_size, "optimizer": args.optimizer, "lr": lr,
    })
    if args.json:
        print(json.dumps(summary))


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
    from symrnn.generate import greedy_text, sample_text
    from symrnn.model import CharRNN
    from symrnn.train import Trainer

    arrays, meta = checkpoint.load_checkpoint(args.checkpoint)
    try:
        vocab = data.Vocabulary(meta["vocab"])
        config = dict(meta["config"])
    except (KeyError, TypeError):
        raise CheckpointError(f"{args.checkpoint} is not a symrnn training checkpoint") from None
    vocab_size, n_hidden = config.pop("vocab_size"), config.pop("n_hidden")
    trainer = Trainer(CharRNN(vocab_size, n_hidden, **config), meta.get("optimizer", "sgd"),
                      clip=meta.get("clip") or None, mode=args.mode, show_progress=not args.no_progress)
    trainer.restore(arrays, meta, optimizer=False)
    if args.temperature == 0:
        text = greedy_text(trainer.predict, vocab, args.prime, args.length)
    else:
        text = sample_text(trainer.predict, vocab, args.prime, args.length, args.temperature, args.seed)
    sys.stdout.write(args.prime + text + "\n")


def gradcheck(args):
    from symrnn.gradcheck import check_builtin

    report = check_builtin(args.cell, activation=args.activation, seed=args.seed)
    print(report)
    if args.json:
        print(json.dumps(report.as_dict()))
    return 0 if report.passed else 1


def bench(args):
    from symrnn.bench import main

    main(args)
