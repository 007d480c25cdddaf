"""tinygrad_sym as a learner writes it: `X @ W + b`, `.sigmoid()`/`.relu()`, the loss from logs.

No fused op anywhere: the inputs and targets stay numpy arrays (each op wraps them as
constants), the binary cross-entropy is written out from `.log()`, the softmax
cross-entropy is `log_softmax` with integer indexing `[rows, labels]` (or
`nn.softmax_cross_entropy`); then `loss.backward()` and, for each parameter,
`p.data -= lr * p.grad` and `p.zero_grad()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.value import topological_order

from .implementation import Implementation
from .problems import MLPProblem


def logits(problem: MLPProblem, params: dict[str, ts.Value], X: np.ndarray) -> ts.Value:
    """The last layer's output: `h @ W + b` layer by layer, sigmoid or relu in between."""
    h: Any = X
    for i in range(1, problem.depth + 1):
        z = h @ params[f"W{i}"] + params[f"b{i}"]
        if i < problem.depth:
            h = z.sigmoid() if problem.hidden == "sigmoid" else z.relu()
    return z


def bce_from_logs(problem: MLPProblem, params: dict[str, ts.Value]) -> ts.Value:
    """The course's cost written out: a = σ(z), J = −mean(y·log a + (1 − y)·log(1 − a))."""
    a = logits(problem, params, problem.X).sigmoid()
    y = problem.y
    return -(y * a.log() + (1 - y) * (1 - a).log()).mean()


def picked_log_softmax(problem: MLPProblem, params: dict[str, ts.Value]) -> ts.Value:
    """−mean of log softmax(z) at each row's label, picked by integer indexing."""
    z = logits(problem, params, problem.X)
    rows = np.arange(len(problem.y))
    return -z.log_softmax(axis=1)[rows, problem.y].mean()


def with_nn_loss(problem: MLPProblem, params: dict[str, ts.Value]) -> ts.Value:
    """The same layers, the loss from `nn`: `nn.softmax_cross_entropy(z, labels)`."""
    return nn.softmax_cross_entropy(logits(problem, params, problem.X), problem.y)


def training(
    problem: MLPProblem, loss: Callable[[MLPProblem, dict[str, ts.Value]], ts.Value]
) -> Implementation:
    """backward() on the loss, then `p.data -= lr * p.grad` and `p.zero_grad()` for each p."""
    params = {name: ts.Value(p, label=name) for name, p in problem.params.items()}

    def gradients() -> dict[str, Any]:
        value = loss(problem, params)
        value.backward()
        result = {"loss": value.item(), **{n: p.grad.copy() for n, p in params.items()}}
        for p in params.values():
            p.zero_grad()
        return result

    def step() -> None:
        loss(problem, params).backward()
        for p in params.values():
            p.data -= problem.lr * p.grad
            p.zero_grad()

    return Implementation(gradients, step, lambda: len(topological_order(loss(problem, params))))


def mlp(problem: MLPProblem) -> Implementation:
    """The learner's step: BCE from logs (coffee), log_softmax + indexing (softmax nets)."""
    return training(problem, bce_from_logs if problem.loss == "bce" else picked_log_softmax)


def mlp_nn_loss(problem: MLPProblem) -> Implementation:
    """The learner's layers with `nn.softmax_cross_entropy` as the loss (softmax nets)."""
    return training(problem, with_nn_loss)
