"""Small synthetic data sets, generated with numpy (no downloads), seeded.

`coffee_roasting` is the course's coffee-roasting data; `blobs` the Gaussian clusters of
its multiclass lab; `Normalizer` standardises features with statistics of the training set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .seeding import rng

TEMPERATURE_RANGE = (150.0, 285.0)  # °C
DURATION_RANGE = (11.5, 15.5)  # minutes


def good_roast(temperature: Any, duration: Any) -> np.ndarray:
    """The rule behind the coffee labels: 175 < t < 260 °C, 12 < d < 15 min, and
    d ≤ −3/85·t + 21 (the hotter the roast, the shorter it must be)."""
    t, d = np.asarray(temperature), np.asarray(duration)
    return (t > 175) & (t < 260) & (d > 12) & (d < 15) & (d <= -3 / 85 * t + 21)


def _check_count(caller: str, n: Any) -> int:
    """A number of examples: a positive int, or a clear error."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"{caller}: n, the number of examples, must be a positive integer, "
                         f"got {n!r:.40}")
    return int(n)


def _generator(seed: int | None) -> np.random.Generator:
    """A generator of its own for an explicit seed, else the library's (`ts.manual_seed`)."""
    return rng() if seed is None else np.random.default_rng(seed)


def coffee_roasting(n: int = 200, seed: int | None = 2) -> tuple[np.ndarray, np.ndarray]:
    """Roasts (X: n×2, temperature °C and duration min) and whether each was good (y: n×1).

    Temperatures are uniform on 150–285 °C and durations on 11.5–15.5 min; the label is
    `good_roast(t, d)` as 1.0/0.0. `seed=2` with n=200 draws the course's data set
    (numpy's default_rng(2)); `seed=None` draws from the library's generator.
    """
    n = _check_count("coffee_roasting", n)
    uniform = _generator(seed).random(2 * n).reshape(n, 2)
    (t_low, t_high), (d_low, d_high) = TEMPERATURE_RANGE, DURATION_RANGE
    X = np.empty((n, 2))
    X[:, 0] = uniform[:, 0] * (t_high - t_low) + t_low
    X[:, 1] = uniform[:, 1] * (d_high - d_low) + d_low
    y = good_roast(X[:, 0], X[:, 1]).astype(np.float64).reshape(n, 1)
    return X, y


COURSE_BLOB_CENTERS = np.array([[-5.0, 2.0], [-2.0, -2.0], [1.0, 2.0], [5.0, -2.0]])
"""The four centres of the course's multiclass lab (its `make_blobs` call)."""


def blobs(
    n: int = 100,
    centers: int | Any = 4,
    std: float = 1.0,
    seed: int | None = 30,
) -> tuple[np.ndarray, np.ndarray]:
    """Points around `centers` (X: n×2) and the index of the centre each came from (y: n ints).

    The defaults are the course's multiclass lab: 100 points around (−5, 2), (−2, −2), (1, 2),
    (5, −2), std 1.0, drawn exactly as scikit-learn's `make_blobs(n_samples=100,
    centers=..., cluster_std=1.0, random_state=30)` draws them (numpy's RandomState(seed):
    n // k points per centre, the first n % k centres one more, each N(centre, std²·I),
    centre after centre, then shuffled), so `blobs()` is the lab's X_train, y_train.
    `centers=4` uses the course's centres; another count draws centres uniformly in
    [−6, 6]²; an array gives them explicitly. `seed=None` draws from the library's
    generator (`ts.manual_seed`) in the same way.
    """
    n = _check_count("blobs", n)
    generator: Any = rng() if seed is None else np.random.RandomState(seed)
    if np.ndim(centers) == 0:
        count = int(centers)
        if count < 1:
            raise ValueError(f"blobs needs at least one centre, got {count}")
        centers = COURSE_BLOB_CENTERS if count == 4 else generator.uniform(-6, 6, (count, 2))
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or len(centers) == 0:
        raise ValueError(f"centers must be a count or an array (k, features), not {centers.shape}")
    counts = np.full(len(centers), n // len(centers))
    counts[: n % len(centers)] += 1
    X = np.concatenate([generator.normal(loc=centre, scale=std, size=(count, centers.shape[1]))
                        for centre, count in zip(centers, counts, strict=True)])
    y = np.repeat(np.arange(len(centers)), counts)
    order = np.arange(n)
    generator.shuffle(order)
    return X[order], y[order]


@dataclass(frozen=True)
class Normalizer:
    """Feature standardisation, (x − mean) / std, with statistics of the training set.

        normalize = Normalizer.fit(X_train)
        net(normalize(X_new))                 # the same shift and scale for new data
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, X: Any) -> Normalizer:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or not len(X):
            raise ValueError(f"Normalizer.fit needs examples in rows (n, features) with n ≥ 1, "
                             f"got shape {X.shape}")
        std = X.std(axis=0)
        return cls(X.mean(axis=0), np.where(std > 0, std, 1.0))

    def __call__(self, X: Any) -> np.ndarray:
        return (np.asarray(X) - self.mean) / self.std

    transform = __call__

    def inverse(self, X: Any) -> np.ndarray:
        """Back from normalised features to the original units."""
        return np.asarray(X) * self.std + self.mean
