"""Central finite differences, and the relative error used to compare two gradients."""
import numpy as np

# Central differences err by O(ε²) from truncation and O(δ·|f| / ε) from rounding (δ ≈ 1e-16 in
# float64). For losses of size 1–10, ε = 1e-5 balances the two at ≈ 1e-10 absolute error
# (measured: 1e-4 and 1e-6 both give ≈ 1e-8 to 1e-9).
EPSILON = 1e-5


def numerical_gradients(f, arrays, epsilon=EPSILON):
    """∂f/∂a by (f(a + ε) − f(a − ε)) / 2ε for every element of every array in ``arrays``.

    f: a function of the dict ``arrays`` (name → float64 array) returning a float.
    Returns a dict of gradients with the same keys and shapes. ``arrays`` is not modified.
    """
    arrays = {name: np.array(a, dtype=np.float64) for name, a in arrays.items()}  # private copies
    grads = {}
    for name, a in arrays.items():
        grad = np.zeros_like(a)
        for index in np.ndindex(a.shape):
            saved = a[index]
            a[index] = saved + epsilon
            f_plus = f(arrays)
            a[index] = saved - epsilon
            f_minus = f(arrays)
            a[index] = saved
            grad[index] = (f_plus - f_minus) / (2 * epsilon)
        grads[name] = grad
    return grads


TINY = np.finfo(np.float64).tiny  # the smallest positive normal float64


def relative_error(a, b, floor=TINY):
    """max over elements of |a − b| / max(|a| + |b|, floor), in float64 (0 for empty arrays).

    ``floor`` keeps 0/0 (both gradients exactly zero) at 0; raise it to ignore elements whose
    size is below the noise of the method that produced them.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float((abs(a - b) / np.maximum(abs(a) + abs(b), floor)).max())
