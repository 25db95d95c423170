"""Weights files of ``save_weights``/``load_weights``: Keras 1's HDF5 layout, or a symrnn checkpoint.

With h5py installed the file is Keras 1's: attribute ``layer_names`` on the root, one group per
layer with attribute ``weight_names`` and one dataset per weight. Without it, the same content in a
symrnn checkpoint (``symrnn.checkpoint``: an ``.npz`` read without pickle) under the name given.
Either is written atomically; reading tells them apart by their first bytes.
"""
import os

import numpy as np

from symrnn.checkpoint import load_checkpoint, save_checkpoint, write_atomically
from symrnn.errors import CheckpointError

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def _h5py():
    try:
        import h5py
    except ImportError:
        return None
    return h5py


def save_weights_file(path, layers):
    """Write ``layers`` ([(layer name, [arrays])]) to ``path`` (parent folders created)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    h5py = _h5py()
    if h5py is None:
        arrays = {f"{name}:{k}": a for name, weights in layers for k, a in enumerate(weights)}
        meta = {"format": "keras-weights", "layers": [[name, len(weights)] for name, weights in layers]}
        save_checkpoint(path, arrays, meta)
        return

    def write(file):
        with h5py.File(file, "w") as f:
            f.attrs["layer_names"] = [name.encode() for name, _ in layers]
            for name, weights in layers:
                group = f.create_group(name)
                names = [f"{name}_param_{k}".encode() for k in range(len(weights))]
                group.attrs["weight_names"] = names
                for weight_name, array in zip(names, weights):
                    group.create_dataset(weight_name.decode(), data=array)
    write_atomically(path, write)


def load_weights_file(path):
    """``[(layer name, [arrays])]`` from a file ``save_weights_file`` (or Keras 1) wrote."""
    if not os.path.isfile(path):
        raise CheckpointError(f"weights file not found: {path}")
    with open(path, "rb") as file:
        magic = file.read(8)
    if magic != HDF5_MAGIC:
        arrays, meta = load_checkpoint(path)
        if meta.get("format") != "keras-weights":
            raise CheckpointError(f"{path} is a symrnn checkpoint but not a Keras weights file")
        return [(name, [arrays[f"{name}:{k}"] for k in range(count)]) for name, count in meta["layers"]]
    h5py = _h5py()
    if h5py is None:
        raise CheckpointError(f"{path} is an HDF5 file: pip install h5py to read it")
    with h5py.File(path, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f.attrs["layer_names"]]
        return [(name, [np.array(f[name][w.decode() if isinstance(w, bytes) else w])
                        for w in f[name].attrs["weight_names"]]) for name in names]
