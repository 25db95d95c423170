"""What symrnn has built in, by name, and how a cell is found from a name.

``CELLS`` maps each built-in cell's name to its class and its NumPy twin (``symrnn.reference``),
written as import paths ``"module.path:Name"``: the model, the gradient check and the command
line all read this one table, and parsing the command line imports no PyTensor. A cell of your
own is named the same way, ``"module.path:ClassName"`` (a ``Cell`` subclass or a factory
function returning a cell), and a checkpoint records that path to import it again.

``OPTIMIZERS`` maps each optimiser's name to its update-dict builder in ``symrnn.optim.updates``
and its default learning rate (Keras 1's), in the same form.
"""
import functools
import importlib
import json
from dataclasses import dataclass

from symrnn.errors import CellError, ConfigError


@dataclass(frozen=True)
class BuiltinCell:
    """A built-in cell: the import paths of its class and of its NumPy twin, and how many blocks of
    weights its gates have (each an input and a recurrent product: 1 for a SimpleRNN, 4 for an LSTM)."""

    cell: str
    twin: str
    gates: int


CELLS = {
    "rnn": BuiltinCell("symrnn.nn.cells:SimpleRNN", "symrnn.reference:SimpleRNN", 1),
    "gru": BuiltinCell("symrnn.nn.cells:GRU", "symrnn.reference:GRU", 3),
    "gru_combined": BuiltinCell("symrnn.nn.cells:GRUCombined", "symrnn.reference:GRUCombined", 3),
    "lstm": BuiltinCell("symrnn.nn.cells:LSTM", "symrnn.reference:LSTM", 4),
}


@dataclass(frozen=True)
class BuiltinOptimizer:
    """A built-in optimiser: the import path of its builder ``(grads, params, lr) -> upd_dict`` and
    the learning rate used when none is given."""

    builder: str
    default_lr: float


OPTIMIZERS = {
    "sgd": BuiltinOptimizer("symrnn.optim.updates:sgd", 0.01),
    "momentum": BuiltinOptimizer("symrnn.optim.updates:momentum", 0.01),
    "nesterov_momentum": BuiltinOptimizer("symrnn.optim.updates:nesterov_momentum", 0.01),
    "adagrad": BuiltinOptimizer("symrnn.optim.updates:adagrad", 0.01),
    "rmsprop": BuiltinOptimizer("symrnn.optim.updates:rmsprop", 0.001),
    "adam": BuiltinOptimizer("symrnn.optim.updates:adam", 0.001),
}


def import_object(path):
    """The object named by ``"module.path:Name"`` (``Name`` may be dotted: ``Outer.Inner``)."""
    module_name, _, name = path.partition(":")
    if not module_name or not name:
        raise CellError(f"unknown cell {path!r}: give a built-in cell ({', '.join(CELLS)}) or "
                        f"module.path:ClassName")
    try:
        found = importlib.import_module(module_name)
    except ImportError as err:
        raise CellError(f"cannot import cell {path!r}: {err} (is its folder on PYTHONPATH?)") from None
    for part in name.split("."):
        found = getattr(found, part, None)
        if found is None:
            raise CellError(f"cannot import cell {path!r}: module {module_name!r} has no {name!r}")
    return found


def optimizer_builder(optimizer):
    """An update-dict builder ``(grads, params, lr) -> OrderedDict``: ``optimizer`` itself, or by name."""
    if callable(optimizer):
        return optimizer
    if optimizer not in OPTIMIZERS:
        raise ConfigError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}")
    return import_object(OPTIMIZERS[optimizer].builder)


def cell_factory(cell):
    """The callable that constructs ``cell``: a built-in name, an import path, or a class or factory."""
    if isinstance(cell, str):
        return import_object(CELLS[cell].cell if cell in CELLS else cell)
    if callable(cell):
        return cell
    raise CellError(f"a cell is given by name, import path, Cell subclass or factory, not {cell!r}")


def describe_cell(cell):
    """``(path, options)``: how a checkpoint records ``cell`` to build it again.

    A built-in name or an import path is kept as it is. A class or a module-level function is
    recorded by its import path; a ``functools.partial`` of one by that path and its keyword
    arguments, which must be JSON values.
    """
    if isinstance(cell, str):
        return cell, {}
    if isinstance(cell, functools.partial):
        path, options = describe_cell(cell.func)
        if cell.args:
            raise CellError(f"cell factory {cell!r} binds positional arguments; bind keywords only "
                            f"(n_in and n_hidden come first)")
        try:
            options = {**options, **json.loads(json.dumps(cell.keywords))}
        except (TypeError, ValueError):
            raise CellError(f"cell factory {cell!r} binds options a checkpoint cannot record (only "
                            f"JSON values); write a module-level factory function instead") from None
        return path, options
    module, name = getattr(cell, "__module__", None), getattr(cell, "__qualname__", None)
    if module is None or name is None:
        raise CellError(f"cannot name cell factory {cell!r}: give a class, a function or a functools.partial")
    return f"{module}:{name}", {}
