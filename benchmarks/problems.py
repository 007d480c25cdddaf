"""The work each benchmark does: data and starting weights, the same for every implementation.

Every implementation of a workload starts from one `MLPProblem` (or `ChainProblem`), so
their gradients can be compared number for number before anything is timed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

SEED = 20240601


@dataclass(frozen=True)
class MLPProblem:
    """A fully connected net, its data, its starting weights and its loss.

    `params` holds W1, b1, W2, b2, … with W of shape (inputs, outputs), so a layer is
    x @ W + b. `hidden` is the hidden layers' activation. `loss` is one of
    "bce" (sigmoid output unit, binary cross-entropy, `y` of shape (n, 1)),
    "softmax_ce" (softmax cross-entropy over integer labels `y` of shape (n,)),
    "svm" (the micrograd demo: linear score, mean of relu(1 − y·score) with y = ±1,
    plus `l2` times the sum of squared parameters).
    """

    X: np.ndarray
    y: np.ndarray
    params: dict[str, np.ndarray]
    hidden: str
    loss: str
    lr: float = 0.1
    l2: float = 0.0

    @property
    def depth(self) -> int:
        """The number of layers (weight matrices)."""
        return len(self.params) // 2

    @property
    def dtype(self) -> np.dtype:
        return self.X.dtype


@dataclass(frozen=True)
class ChainProblem:
    """y = x, then `steps` times y = y·factor + 0: a graph as deep as it is long."""

    steps: int
    factor: float = 1.0001
    start: float = 1.0

    @property
    def ops(self) -> int:
        """Two ops (a mul and an add) per step."""
        return 2 * self.steps

    def expected(self) -> dict[str, float]:
        """y and dy/dx in closed form: start · factor^steps and factor^steps."""
        return {"y": self.start * self.factor**self.steps, "x": self.factor**self.steps}

    def forward(self, x: Any) -> Any:
        """The chain on any library's scalar `x` (they all spell it the same way)."""
        y = x
        for _ in range(self.steps):
            y = y * self.factor + 0
        return y


def _init(sizes: list[int], dtype: type, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """He-style random weights and small random biases for layers of the given sizes."""
    params = {}
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        scale = np.sqrt(2 / fan_in)
        params[f"W{i}"] = (rng.standard_normal((fan_in, fan_out)) * scale).astype(dtype)
        params[f"b{i}"] = (rng.standard_normal(fan_out) * 0.1).astype(dtype)
    return params


def coffee(tiny: bool = False) -> MLPProblem:
    """The course's coffee-roasting net: 2 → 3 → 1 sigmoid units, BCE, float64.

    Normalised (temperature, duration) pairs; "good roast" inside a band, like the course's data.
    """
    rng = np.random.default_rng(SEED)
    n = 20 if tiny else 200
    X = rng.standard_normal((n, 2))
    y = ((np.abs(X[:, 0]) < 1.0) & (X[:, 1] > -0.8)).astype(np.float64).reshape(n, 1)
    return MLPProblem(X, y, _init([2, 3, 1], np.float64, rng), hidden="sigmoid", loss="bce")


def softmax_classifier(sizes: list[int], n: int) -> MLPProblem:
    """A relu net ending in a softmax over the last layer, on random float32 inputs."""
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((n, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], size=n)
    return MLPProblem(
        X, y, _init(sizes, np.float32, rng), hidden="relu", loss="softmax_ce", lr=0.01
    )


def medium(tiny: bool = False) -> MLPProblem:
    """256 × 784 → 128 relu → 10, softmax cross-entropy, float32 (an MNIST-sized batch)."""
    return softmax_classifier([20, 8, 10], 16) if tiny else softmax_classifier([784, 128, 10], 256)


def large(tiny: bool = False) -> MLPProblem:
    """1024 × 1024 → 1024 → 1024 → 10, softmax cross-entropy, float32."""
    if tiny:
        return softmax_classifier([24, 12, 12, 10], 16)
    return softmax_classifier([1024, 1024, 1024, 10], 1024)


def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles, labels ±1 (what sklearn's make_moons draws)."""
    outer, inner = n // 2, n - n // 2
    t_outer, t_inner = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, inner)
    X = np.concatenate([
        np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1),
        np.stack([1 - np.cos(t_inner), 0.5 - np.sin(t_inner)], axis=1),
    ])
    X += rng.normal(scale=noise, size=X.shape)
    y = np.concatenate([-np.ones(outer), np.ones(inner)])
    return X, y


def scalar_mlp(tiny: bool = False) -> MLPProblem:
    """The micrograd demo: MLP(2, [16, 16, 1]) on 100 moons points, SVM loss + 1e-4 L2.

    Weights uniform in [−1, 1] and zero biases, as micrograd initialises them.
    """
    rng = np.random.default_rng(SEED)
    n, hidden = (6, 4) if tiny else (100, 16)
    X, y = moons(n, 0.1, rng)
    sizes = [2, hidden, hidden, 1]
    params = {}
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{i}"] = rng.uniform(-1, 1, size=(fan_in, fan_out))
        params[f"b{i}"] = np.zeros(fan_out)
    return MLPProblem(X, y, params, hidden="relu", loss="svm", lr=0.1, l2=1e-4)


def deep_chain(tiny: bool = False) -> ChainProblem:
    """A chain of 1,000,000 mul-and-add steps (2,000,000 ops); 2,000 when tiny."""
    return ChainProblem(steps=1_000 if tiny else 1_000_000)
