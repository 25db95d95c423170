"""Where compiled code is kept: PyTensor's compile folder, made sure of before PyTensor starts.

PyTensor keeps compiled code under ``~/.pytensor`` and refuses to import when it cannot create
that folder (a read-only or missing HOME). ``writable_compile_folder`` runs before the first
import: where the folder cannot be written, this run compiles in a temporary folder instead and
says so in one line (its compiled code is not kept for the next run).
"""
import os
import sys
import tempfile


def writable_compile_folder(stream=sys.stderr):
    """Point PyTensor at a temporary folder, for this process and its children, when its default
    folder cannot be written; nothing when ``PYTENSOR_FLAGS`` already names one. Returns the
    temporary folder, or None."""
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    if "compiledir" in flags:
        return None
    base = os.path.join(os.path.expanduser("~"), ".pytensor")
    try:
        os.makedirs(base, exist_ok=True)
        if os.access(base, os.W_OK | os.X_OK):
            return None
    except OSError:
        pass
    folder = tempfile.mkdtemp(prefix="symrnn-compiled-")
    os.environ["PYTENSOR_FLAGS"] = ",".join(filter(None, [flags, f"base_compiledir={folder}"]))
    print(f"symrnn: {base} cannot be written; compiling in {folder} for this run (its compiled code is not "
          f"kept: set PYTENSOR_FLAGS=base_compiledir=DIR to keep it elsewhere)", file=stream)
    return folder
