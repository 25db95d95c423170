"""A trained model from a training checkpoint: the one loader behind sample, viz, trace and resume.

Opening a checkpoint runs no code it names. Checkpoints hold arrays and JSON (no pickle), and
a model with a cell of the user's own records the cell as ``"module.path:ClassName"``:
importing that module would run its top-level code, so ``load_trained`` imports it only when
the caller names the same cell (``trust_cell``; on the command line ``--cell``). Built-in cells
are recorded by name and need no import.
"""
from dataclasses import dataclass

from symrnn import checkpoint, data, registry
from symrnn.errors import CheckpointError


@dataclass
class Trained:
    """A model restored from ``path``, with its vocabulary, the checkpoint's ``meta`` and a
    ``Trainer`` whose ``predict`` runs it (its weights only: no optimiser state is restored)."""

    path: str
    model: object
    vocab: data.Vocabulary
    meta: dict
    trainer: object


def trusted_config(meta, path, trust_cell=None):
    """``(vocabulary characters, model config)`` of the checkpoint at ``path``, after checking that
    its cell is built in or is the cell ``trust_cell`` names; nothing is imported here."""
    chars, config = checkpoint.training_settings(meta, path)
    cell = config.get("cell")
    if not isinstance(cell, str):
        raise CheckpointError(f"{path} is not a symrnn training checkpoint (its cell is not named)")
    if cell not in registry.CELLS and cell != trust_cell:
        hint = f"--cell {cell} (from Python: trust_cell={cell!r})"
        if trust_cell and trust_cell not in registry.CELLS:
            raise CheckpointError(f"{path} names the cell {cell!r}, not {trust_cell!r}: to load it, pass {hint}")
        raise CheckpointError(f"{path} names a cell of its own, {cell!r}; loading it imports that module, "
                              f"which runs its code: if you trust it, pass {hint}")
    return chars, config


def load_trained(path, *, trust_cell=None, mode=None, show_progress=True, check_config=None, check_model=None):
    """The model saved at ``path``, as a ``Trained``.

    trust_cell: the ``"module.path:ClassName"`` of a cell of your own that the checkpoint may
    name (see the module's docstring). check_config, check_model: called with the model's config
    before the model is built, and with the model before its weights are read, to refuse a model
    early (they raise). A file that is not a training checkpoint
    raises ``CheckpointError`` saying why.
    """
    from symrnn.nn.model import CharRNN
    from symrnn.training.trainer import Trainer

    arrays, meta = checkpoint.load_checkpoint(path)
    chars, config = trusted_config(meta, path, trust_cell)
    if check_config:
        check_config(config)
    try:
        model = CharRNN(**config)
    except TypeError:
        raise CheckpointError(f"{path} is not a symrnn training checkpoint (its model settings are foreign)") from None
    if check_model:
        check_model(model)
    trainer = Trainer(model, mode=mode, show_progress=show_progress)
    trainer.restore(arrays, meta, optimizer=False)
    return Trained(path, model, data.Vocabulary(chars), meta, trainer)
