"""Data sets: the course's coffee roasts, blobs, and the normaliser."""

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import datasets


def test_coffee_is_the_course_data_set():
    """The course's load_coffee_data: default_rng(2), 400 uniforms, scaled, labelled by rule."""
    uniform = np.random.default_rng(2).random(400).reshape(-1, 2)
    temperature = uniform[:, 0] * (285 - 150) + 150
    duration = uniform[:, 1] * 4 + 11.5
    X, y = datasets.coffee_roasting()
    np.testing.assert_array_equal(X[:, 0], temperature)
    np.testing.assert_array_equal(X[:, 1], duration)
    assert y.shape == (200, 1)
    for (t, d), label in zip(X, y[:, 0], strict=True):
        line = -3 / (260 - 175) * t + 21
        assert label == float(175 < t < 260 and 12 < d < 15 and d <= line)
    assert 0.1 < y.mean() < 0.4  # both classes present


def test_coffee_ranges_and_seeds():
    X, _ = datasets.coffee_roasting(1000, seed=5)
    assert X[:, 0].min() >= 150 and X[:, 0].max() <= 285
    assert X[:, 1].min() >= 11.5 and X[:, 1].max() <= 15.5
    ts.manual_seed(3)
    first = datasets.coffee_roasting(10, seed=None)[0]
    ts.manual_seed(3)
    assert np.array_equal(first, datasets.coffee_roasting(10, seed=None)[0])
    assert not np.array_equal(first, datasets.coffee_roasting(10, seed=None)[0])


def test_normalizer_uses_training_statistics():
    X, _ = datasets.coffee_roasting()
    normalize = datasets.Normalizer.fit(X)
    features = normalize(X)
    np.testing.assert_allclose(features.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(features.std(axis=0), 1, rtol=1e-12)
    new = np.array([[200.0, 13.0]])
    np.testing.assert_allclose(normalize(new), (new - X.mean(axis=0)) / X.std(axis=0))
    np.testing.assert_allclose(normalize.inverse(normalize(new)), new)
    constant = datasets.Normalizer.fit(np.ones((3, 2)))
    assert np.all(np.isfinite(constant(np.ones((1, 2)))))


LAB_X_FIRST = [[4.333482691632798, -1.994573777862195], [4.096217141740269, -2.3120023332943265],
               [4.503319959376028, -2.1903658485143933]]
LAB_Y_FIRST = [3, 3, 3, 0, 3, 3, 3, 3, 2, 0, 2, 1]
LAB_X_SUM = [-21.380664684064286, -5.561432893781586]
"""Read off scikit-learn 1.9.1's make_blobs(n_samples=100, centers=[[-5, 2], [-2, -2], [1, 2],
[5, -2]], cluster_std=1.0, random_state=30): the course's multiclass lab data."""


def test_blobs_is_the_course_lab_data():
    X, y = datasets.blobs()
    assert X.shape == (100, 2) and y.shape == (100,) and y.dtype.kind == "i"
    np.testing.assert_array_equal(X[:3], LAB_X_FIRST)
    assert y[:12].tolist() == LAB_Y_FIRST
    np.testing.assert_allclose(X.sum(axis=0), LAB_X_SUM, rtol=1e-12)
    # make_blobs' recipe: RandomState(30), 25 points per centre in order, then one shuffle
    generator = np.random.RandomState(30)
    centres = [[-5, 2], [-2, -2], [1, 2], [5, -2]]
    points = np.concatenate([generator.normal(c, 1.0, size=(25, 2)) for c in centres])
    order = np.arange(100)
    generator.shuffle(order)
    np.testing.assert_array_equal(X, points[order])
    np.testing.assert_array_equal(y, np.repeat(np.arange(4), 25)[order])
    np.testing.assert_array_equal(datasets.COURSE_BLOB_CENTERS, centres)


def test_blobs_options():
    X, y = datasets.blobs(400, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100, 100]
    for label, centre in enumerate(datasets.COURSE_BLOB_CENTERS):
        np.testing.assert_allclose(X[y == label].mean(axis=0), centre, atol=0.3)
    assert np.array_equal(X, datasets.blobs(400, seed=0)[0])
    _, y3 = datasets.blobs(31, centers=3, std=0.1, seed=1)
    assert np.bincount(y3).tolist() == [11, 10, 10]  # the first centres get the remainder
    ts.manual_seed(4)
    first = datasets.blobs(seed=None)
    ts.manual_seed(4)
    assert np.array_equal(first[0], datasets.blobs(seed=None)[0])
    with pytest.raises(ValueError, match="at least one"):
        datasets.blobs(10, centers=0)
