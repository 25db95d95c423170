"""Checkpoints: named arrays plus a JSON document in one ``.npz`` file, written atomically, no pickle.

The file is an ordinary NumPy ``.npz`` (a zip of ``.npy`` members) with one extra member,
``__symrnn__``: a uint8 array holding the UTF-8 JSON document
``{"format": "symrnn-checkpoint", "version": 1, "meta": {...}}``. Everything is read back with
``np.load(path, allow_pickle=False)``, so opening a checkpoint can never run code.

Writing goes to a temporary file in the same directory, which is flushed to disk and then renamed
over the target with ``os.replace``: an interruption leaves either the old checkpoint or the new
one, never a broken file. A run holds ``locked(path)`` while it writes a checkpoint, so two runs
never write one path in turn, and clears what an interrupted write left behind. Every array is
checked to be finite when it is read.
"""
import contextlib
import fcntl
import glob
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping

import numpy as np

from symrnn.errors import CheckpointError

FORMAT = "symrnn-checkpoint"
FORMAT_VERSION = 1
META_MEMBER = "__symrnn__"
_MISSING = object()


def save_checkpoint(path, arrays, meta):
    """Write ``arrays`` (name → numeric array) and the JSON-able dict ``meta`` to ``path``."""
    members = {}
    for name, value in arrays.items():
        if not isinstance(name, str) or not name or name == META_MEMBER:
            raise CheckpointError(f"cannot store an array under the name {name!r}")
        members[name] = np.asarray(value)
        if members[name].dtype.hasobject:
            raise CheckpointError(f"array {name!r} holds Python objects; checkpoints store numbers only")
    try:
        document = json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "meta": meta})
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"the checkpoint metadata is not JSON: {err}") from None
    members[META_MEMBER] = np.frombuffer(document.encode("utf-8"), dtype=np.uint8)
    try:
        write_atomically(path, _write_npz(members))
    except OSError as err:
        raise CheckpointError(f"cannot write checkpoint {path}: {err.strerror or err}") from None


def _write_npz(members):
    """A ``write(file)`` for ``write_atomically``: ``members`` (name → array) as an uncompressed ``.npz``."""
    def write(file):
        with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            for name, array in members.items():
                with archive.open(name + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
    return write


def write_atomically(path, write):
    """Call ``write(file)`` on a temporary binary file beside ``path``, fsync it, then rename it over
    ``path``: an interruption leaves the old file or the new one, never a part."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes it private; the file is not
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_path)
        raise
    if os.name == "posix":  # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def locked(path):
    """Hold the lock of the checkpoint ``path`` while the block runs; ``CheckpointError`` naming the
    holder's pid if another process holds it. The lock (``.<name>.lock`` beside it, removed when the
    block ends) is the system's own (``flock``), so a run that dies releases it. Leftovers of writes
    that were interrupted before their rename are removed once the lock is held."""
    lock_path = os.path.join(os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.lock")
    fd = _lock_file(lock_path, path)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        for leftover in glob.glob(os.path.join(glob.escape(os.path.dirname(os.path.abspath(path))),
                                               f".{glob.escape(os.path.basename(path))}.*.tmp")):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)  # still held: a run waiting on it finds it gone and makes its own
        os.close(fd)


def _lock_file(lock_path, path):
    """The descriptor of ``lock_path``, opened and locked; the file locked is the one at the path
    (one that a run ending removed meanwhile is opened again)."""
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise CheckpointError(f"cannot write checkpoint {path}: {err.strerror or err}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise CheckpointError(f"{path} is being written by another symrnn run (pid {holder}); give this run "
                                  f"another --checkpoint, or wait for that one to end") from None
        try:
            if os.fstat(fd).st_ino == os.stat(lock_path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def load_checkpoint(path):
    """``(arrays, meta)`` from a checkpoint; ``CheckpointError`` says what is wrong with a bad file,
    a foreign one, or one holding a number that is not finite."""
    if not os.path.isfile(path):
        raise CheckpointError(f"checkpoint not found: {path}")
    with open(path, "rb") as file:
        magic = file.read(4)
    if len(magic) < 4:
        raise CheckpointError(f"{path} is not a readable checkpoint (truncated or corrupt?): {len(magic)} bytes")
    if magic != b"PK\x03\x04":
        raise CheckpointError(f"{path} is not a symrnn checkpoint (not an .npz file)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            if META_MEMBER not in npz.files:
                raise CheckpointError(f"{path} is an .npz file but not a symrnn checkpoint "
                                      f"(it has no {META_MEMBER!r} member)")
            document = json.loads(npz[META_MEMBER].tobytes().decode("utf-8"))
            arrays = {name: npz[name] for name in npz.files if name != META_MEMBER}
    except ValueError as err:
        if "allow_pickle" in str(err):
            raise CheckpointError(f"{path} holds Python objects (pickled data); a symrnn checkpoint holds numbers "
                                  f"only, and symrnn never unpickles") from None
        raise CheckpointError(f"{path} is not a readable checkpoint (truncated or corrupt?): {err}") from None
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise CheckpointError(f"{path} is not a readable checkpoint (truncated or corrupt?): {err}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or "meta" not in document:
        raise CheckpointError(f"{path} is not a symrnn checkpoint (its metadata is foreign)")
    version = document.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise CheckpointError(f"{path} has checkpoint format version {version!r}; this symrnn reads "
                              f"versions up to {FORMAT_VERSION} (upgrade symrnn)")
    not_finite = [name for name, array in arrays.items()
                  if array.dtype.kind in "fc" and not np.isfinite(array).all()]
    if not_finite:
        raise CheckpointError(f"{path} holds numbers that are not finite (NaN or infinite) in "
                              f"{', '.join(not_finite[:5])}{' …' if len(not_finite) > 5 else ''}: the run it saved "
                              f"had diverged")
    return arrays, document["meta"]


def training_settings(meta, path):
    """``(vocabulary characters, model config)`` from a training checkpoint's ``meta``; the config
    holds ``vocab_size`` and ``n_hidden`` as integers. ``CheckpointError`` if ``path`` (named in
    the message) is not a training checkpoint."""
    try:
        chars, config = meta["vocab"], dict(meta["config"])
        if not isinstance(chars, (list, str)) or not all(isinstance(config[key], int)
                                                         for key in ("vocab_size", "n_hidden")):
            raise TypeError
    except (KeyError, TypeError, ValueError):
        raise CheckpointError(f"{path} is not a symrnn training checkpoint") from None
    return chars, config


def check_compatible(meta, expected_config):
    """Raise ``CheckpointError`` naming every key of ``expected_config`` whose value ``meta`` differs in.

    Values are compared as JSON stores them (a tuple matches the list it was saved as).
    """
    expected = json.loads(json.dumps(expected_config))
    differences = []
    for key, want in expected.items():
        got = meta.get(key, _MISSING)
        if got is _MISSING:
            differences.append(f"{key} is missing (expected {want!r})")
        elif got != want:
            differences.append(f"{key} is {got!r} (expected {want!r})")
    if differences:
        raise CheckpointError("the checkpoint is from another model: " + "; ".join(differences))


def _by_name(variables):
    """``{name: variable}``: a mapping as it is, or a list keyed by ``var.name`` — refusing
    unnamed variables and repeated names (stacked layers repeat theirs: pass a mapping)."""
    if isinstance(variables, Mapping):
        return dict(variables)
    names = [var.name for var in variables]
    if None in names:
        raise CheckpointError("a variable has no name; checkpoints store variables by name")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CheckpointError(f"several variables are named {', '.join(map(repr, repeated))}; "
                              f"checkpoint names must be unique")
    return dict(zip(names, variables))


def shared_values(variables):
    """``{name: value copy}`` of ``shared`` variables (a list, or a ``{name: variable}`` mapping)."""
    return {name: var.get_value() for name, var in _by_name(variables).items()}


def restore_shared(variables, arrays):
    """Set each ``shared`` variable (a list, or a ``{name: variable}`` mapping) to ``arrays[its name]``;
    all or nothing.

    Every variable must be in ``arrays`` with its shape and a dtype that casts to its own without
    loss; otherwise ``CheckpointError`` names each offending variable and nothing is changed.
    Arrays for other names are ignored.
    """
    problems, named = [], _by_name(variables)
    for name, var in named.items():
        current = var.get_value(borrow=True)
        saved = arrays.get(name)
        if saved is None:
            problems.append(f"{name} is missing")
        elif saved.shape != current.shape or not np.can_cast(saved.dtype, current.dtype, "safe"):
            problems.append(f"{name} is {saved.dtype} {saved.shape} in the checkpoint, "
                            f"the model needs {current.dtype} {current.shape}")
    if problems:
        raise CheckpointError("cannot restore the checkpoint: " + "; ".join(problems))
    for name, var in named.items():
        var.set_value(arrays[name].astype(var.dtype))


def rng_state(rng):
    """The state of numpy Generator ``rng`` as a JSON-able dict (arrays become lists)."""
    def jsonable(value):
        if isinstance(value, dict):
            return {key: jsonable(item) for key, item in value.items()}
        return value.tolist() if isinstance(value, np.ndarray) else value
    return jsonable(rng.bit_generator.state)


def rng_from_state(state):
    """A numpy Generator continuing exactly where the one ``rng_state`` described left off."""
    name = state.get("bit_generator") if isinstance(state, dict) else None
    bit_generator_class = getattr(np.random, str(name), None)
    if not (isinstance(bit_generator_class, type) and issubclass(bit_generator_class, np.random.BitGenerator)):
        raise CheckpointError(f"unknown random bit generator {name!r} in the checkpoint")
    bit_generator = bit_generator_class()
    try:
        bit_generator.state = state
    except (TypeError, ValueError, KeyError) as err:
        raise CheckpointError(f"corrupt {name} random state in the checkpoint: {err}") from None
    return np.random.Generator(bit_generator)
