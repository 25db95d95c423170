"""What a training run is: its settings and their defaults, and how ``--resume`` takes them from
the run's checkpoint.

The arguments of ``symrnn train`` that shape the run — the text's encoding and layout, the model,
the optimiser and the batches — parse to None when not given. A new run takes ``DEFAULTS`` for
them; a resumed run takes the checkpoint's, and a flag that contradicts the checkpoint stops it
before anything is built, naming each setting and both values. What may change between the parts
of a run (``--steps``, ``--report-every``, where outputs go, the backend) is not among them.
"""
import hashlib
import math

from symrnn.errors import CheckpointError

DEFAULTS = {
    "encoding": "utf-8", "seq_len": 8, "stride": None, "val_fraction": 0.1,
    "cell": "rnn", "layers": 1, "hidden": 256, "activation": "relu", "embedding": None, "batchnorm": False,
    "dropout": 0.0, "recurrent_dropout": 0.0, "many_to_one": False, "seed": 0,
    "batch_size": 1, "optimizer": "sgd", "lr": None, "lr_decay": 1.0, "clip": 100.0, "shuffle": False,
    "stateful": False, "updates_per_call": None,
}


def text_fingerprint(text, chunk=1 << 24):
    """A SHA-256 of the training text (as UTF-8, a chunk at a time): a resumed run must read the
    text its checkpoint trained on."""
    digest = hashlib.sha256()
    for start in range(0, len(text), chunk):
        digest.update(text[start:start + chunk].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def saved_settings(meta):
    """The settings a checkpoint's ``meta`` records; checkpoints written before ``settings`` was kept
    give what they recorded: the optimiser, learning rate, clip, batch layout and the model."""
    if "settings" in meta:
        return dict(meta["settings"])
    config = meta.get("config", {})
    from_model = {"hidden": config.get("n_hidden"), "cell": config.get("cell"), "layers": config.get("layers"),
                  "embedding": config.get("embedding"), "batchnorm": config.get("batchnorm"),
                  "activation": config.get("activation"), "dropout": config.get("dropout"),
                  "recurrent_dropout": config.get("recurrent_dropout"), "seed": config.get("seed"),
                  "many_to_one": None if "return_sequences" not in config else not config["return_sequences"]}
    recorded = {key: meta.get(key) for key in ("optimizer", "lr", "clip", "seq_len", "batch_size", "stateful")}
    return {key: value for key, value in {**from_model, **recorded}.items() if value is not None}


def resolve(args, meta=None, path=None):
    """Fill in ``args``' settings: from the checkpoint ``meta`` when resuming (refusing flags that
    contradict it), else the defaults. Returns the settings as the checkpoint will record them."""
    saved = saved_settings(meta) if meta is not None else {}
    conflicts = [f"--{key.replace('_', '-')} {_shown(getattr(args, key))} (the checkpoint's: {_shown(saved[key])})"
                 for key in DEFAULTS
                 if getattr(args, key) is not None and key in saved and not _same(getattr(args, key), saved[key])]
    if conflicts:
        raise CheckpointError(f"--resume continues the run saved at {path}, but the command line differs from it: "
                              f"{'; '.join(conflicts)}; leave these out to continue it")
    for key, default in DEFAULTS.items():
        if getattr(args, key) is None:
            setattr(args, key, saved.get(key, default))
    if args.updates_per_call is None:
        args.updates_per_call = updates_per_call(args.batch_size, args.seq_len, args.dropout or args.recurrent_dropout)
    return {key: getattr(args, key) for key in DEFAULTS}


def updates_per_call(batch_size, seq_len, dropout):
    """How many updates one compiled call makes when not told: many where an update is small (the
    per-call cost is then most of it), one with dropout (K > 1 draws other masks under JAX).
    K updates a call leave the same weights as K calls (tests/training/test_many_updates.py)."""
    if dropout:
        return 1
    chars = batch_size * seq_len
    return 32 if chars <= 64 else 8 if chars <= 1024 else 1


def report_every(steps):
    """Report every 1,000 steps, or for a longer run about ten times: a tenth of it, to one
    significant figure (52,317 steps: every 5,000)."""
    if steps <= 10_000:
        return 1000
    tenth = steps / 10
    scale = 10 ** math.floor(math.log10(tenth))
    return int(round(tenth / scale) * scale)


def _same(given, saved):
    if isinstance(given, bool) or isinstance(saved, bool):
        return bool(given) == bool(saved)
    if isinstance(given, int | float) and isinstance(saved, int | float):
        return float(given) == float(saved)
    return given == saved


def _shown(value):
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)
