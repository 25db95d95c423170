"""symrnn's one-BLAS-thread default (see ``symrnn/__init__.py``) and how a user overrides it."""
import os
import subprocess
import sys

import pytest

PROBE = "import symrnn, os; print(os.environ.get('OPENBLAS_NUM_THREADS'))"


def blas_threads_after_import(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    result = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


def test_importing_symrnn_asks_openblas_for_one_thread():
    assert blas_threads_after_import() == "1"


@pytest.mark.parametrize("variable", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"])
def test_a_thread_count_the_user_set_is_kept(variable):
    expected = "2" if variable == "OPENBLAS_NUM_THREADS" else "None"
    assert blas_threads_after_import(**{variable: "2"}) == expected


def test_numpy_loaded_after_symrnn_runs_one_blas_thread():
    """The setting reaches OpenBLAS itself: NumPy's own BLAS reports one thread."""
    probe = ("import symrnn, numpy, ctypes, glob, os\n"
             "lib = glob.glob(os.path.join(os.path.dirname(numpy.__file__), '..', 'numpy.libs', '*openblas*'))\n"
             "print(ctypes.CDLL(lib[0]).scipy_openblas_get_num_threads64_() if lib else 'unknown')")
    clean = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", probe], env=clean, capture_output=True, text=True).stdout.strip()
    if out in ("", "unknown"):
        pytest.skip("this NumPy's OpenBLAS does not expose its thread count")
    assert out == "1"
