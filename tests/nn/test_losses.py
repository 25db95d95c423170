import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn.backends.compile import default_mode
from symrnn.nn.losses import categorical_crossentropy, sparse_categorical_crossentropy


def numpy_crossentropy(logits, targets):
    z = logits - logits.max(-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return -np.take_along_axis(log_probs, targets[..., None], axis=-1)[..., 0]


def test_losses_equal_numpy():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 3, 7)) * 3
    targets = rng.integers(0, 7, size=(4, 3))
    lg = pt.tensor3("logits", dtype="float64")
    tg = pt.imatrix("targets")
    oh = pt.tensor3("one_hot", dtype="float64")
    fn = pytensor.function([lg, tg, oh], [sparse_categorical_crossentropy(lg, tg),
                                          categorical_crossentropy(lg, oh)], mode=default_mode())
    sparse, dense = fn(logits, targets.astype("int32"), np.eye(7)[targets])
    expected = numpy_crossentropy(logits, targets)
    assert sparse.shape == (4, 3)
    np.testing.assert_allclose(sparse, expected, rtol=1e-12)
    np.testing.assert_allclose(dense, expected, rtol=1e-12)


def test_lesson_form_equals_log_of_softmax():
    """The lesson's error -(outp * log(softmax(z))).sum() equals our loss summed."""
    rng = np.random.default_rng(1)
    logits, targets = rng.normal(size=(8, 5)), rng.integers(0, 5, size=8)
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    lesson_error = -(np.eye(5)[targets] * np.log(probs)).sum()
    lg, tg = pt.matrix("logits", dtype="float64"), pt.ivector("t")
    ours = pytensor.function([lg, tg], sparse_categorical_crossentropy(lg, tg).sum(),
                             mode=default_mode())(logits, targets.astype("int32"))
    np.testing.assert_allclose(ours, lesson_error, rtol=1e-12)


def test_stable_for_extreme_logits():
    lg, tg = pt.matrix("logits", dtype="float32"), pt.ivector("t")
    fn = pytensor.function([lg, tg], sparse_categorical_crossentropy(lg, tg), mode=default_mode())
    loss = fn(np.array([[1000.0, -1000.0, 0.0]], dtype="float32"), np.array([1], dtype="int32"))
    assert np.isfinite(loss).all()
    np.testing.assert_allclose(loss, [2000.0], rtol=1e-6)
