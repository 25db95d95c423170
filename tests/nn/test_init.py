import functools
import math

import numpy as np
import pytest

from symrnn.nn import init

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_identity_is_identity(dtype):
    w = init.identity(RNG, (7, 7), dtype)
    assert w.dtype == dtype
    np.testing.assert_array_equal(w, np.eye(7))
    np.testing.assert_array_equal(functools.partial(init.identity, scale=0.5)(RNG, (3, 3), dtype),
                                  0.5 * np.eye(3))


def test_identity_needs_a_square_matrix():
    with pytest.raises(ValueError, match="square"):
        init.identity(RNG, (3, 4), "float32")


def test_he_normal_is_the_lessons_formula():
    w = init.he_normal(np.random.default_rng(1), (400, 300), "float64")
    assert abs(w.mean()) < 0.005
    assert w.std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)


def test_glorot_normal_scale():
    w = init.glorot_normal(np.random.default_rng(2), (300, 500), "float64")
    assert w.std() == pytest.approx(math.sqrt(2 / 800), rel=0.02)


def test_glorot_uniform_bound_and_scale():
    w = init.glorot_uniform(np.random.default_rng(3), (300, 500), "float64")
    limit = math.sqrt(6 / 800)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit
    assert w.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)  # std of U(-a, a)


@pytest.mark.parametrize("shape", [(6, 6), (10, 4), (4, 10)])
def test_orthogonal(shape):
    w = init.orthogonal(np.random.default_rng(4), shape, "float64", gain=2.0)
    small = min(shape)
    gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-12)


def test_zeros_and_constant():
    np.testing.assert_array_equal(init.zeros(RNG, (5,), "float32"), np.zeros(5))
    np.testing.assert_array_equal(init.constant(1.0)(RNG, (2, 3), "float32"), np.ones((2, 3)))


def test_initialisers_are_seedable():
    a = init.glorot_uniform(np.random.default_rng(7), (5, 4), "float32")
    b = init.glorot_uniform(np.random.default_rng(7), (5, 4), "float32")
    c = init.glorot_uniform(np.random.default_rng(8), (5, 4), "float32")
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_param_is_a_named_tagged_shared_variable():
    w = init.param("W_x", (3, 4), init.he_normal, RNG, "float32")
    b = init.param("b_x", (4,), init.zeros, RNG, "float32")
    assert w.name == "W_x" and w.get_value().dtype == np.float32 and w.get_value().shape == (3, 4)
    assert w.tag.trainable and w.tag.regularizable
    assert b.tag.trainable and not b.tag.regularizable


def test_param_rejects_bad_shapes_and_wrong_initialisers():
    with pytest.raises(ValueError, match="positive"):
        init.param("W", (0, 4), init.zeros, RNG, "float32")
    with pytest.raises(ValueError, match="float64"):
        init.param("W", (2, 2), lambda rng, shape, dtype: np.zeros(shape), RNG, "float32")
