import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

from symrnn.backends.compile import default_mode
from symrnn.errors import ConfigError
from symrnn.optim.clip import clip_by_global_norm, global_norm


def numpy_clip(grads, max_norm):
    norm = np.sqrt(sum((g.astype("float64") ** 2).sum() for g in grads))
    return [g * min(1.0, max_norm / norm) for g in grads], norm


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 1e6])
def test_clipping_equals_numpy(max_norm):
    rng = np.random.default_rng(int(max_norm * 10) % 7)
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.normal(size=(2, 2, 2))]
    symbols = [pt.tensor(f"g{i}", dtype="float64", shape=(None,) * a.ndim) for i, a in enumerate(arrays)]
    fn = pytensor.function(symbols, [global_norm(symbols), *clip_by_global_norm(symbols, max_norm)],
                           mode=default_mode())
    norm, *clipped = fn(*arrays)
    expected, expected_norm = numpy_clip(arrays, max_norm)
    np.testing.assert_allclose(norm, expected_norm, rtol=1e-13)
    for got, want in zip(clipped, expected):
        np.testing.assert_allclose(got, want, rtol=1e-13)
    clipped_norm = np.sqrt(sum((c ** 2).sum() for c in clipped))
    assert clipped_norm <= max_norm * (1 + 1e-12) or max_norm > expected_norm


def test_float32_gradients_stay_float32_and_zero_gradients_stay_zero():
    g = pt.vector("g", dtype="float32")
    (clipped,) = clip_by_global_norm([g], 1.0)
    assert clipped.dtype == "float32"
    fn = pytensor.function([g], clipped, mode=default_mode())
    np.testing.assert_array_equal(fn(np.zeros(3, "float32")), np.zeros(3))


def test_non_positive_norm_is_refused():
    with pytest.raises(ConfigError, match="positive"):
        clip_by_global_norm([pt.vector()], 0)
