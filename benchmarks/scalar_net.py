"""The micrograd demo's training step, written once for any library of scalar Values.

micrograd and tinygrad_sym spell scalar arithmetic the same way (`+`, `*`, unary minus,
`.relu()`, `.backward()`, `.grad`, `.data`), so one function builds the same graph in
both, node for node: the comparison is like for like.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .implementation import Implementation
from .problems import MLPProblem


def parameter_slots(problem: MLPProblem) -> list[tuple[str, tuple[int, ...]]]:
    """Where each scalar parameter sits in `problem.params`, in micrograd's order:
    layer by layer, neuron by neuron, a neuron's weights and then its bias."""
    slots: list[tuple[str, tuple[int, ...]]] = []
    for i in range(1, problem.depth + 1):
        fan_in, fan_out = problem.params[f"W{i}"].shape
        for j in range(fan_out):
            slots += [(f"W{i}", (k, j)) for k in range(fan_in)]
            slots.append((f"b{i}", (j,)))
    return slots


def starting_values(problem: MLPProblem) -> list[float]:
    """The starting value of each scalar parameter, in `parameter_slots` order."""
    return [float(problem.params[name][index]) for name, index in parameter_slots(problem)]


def as_arrays(
    problem: MLPProblem, slots: list[tuple[str, tuple[int, ...]]], scalars: list[float]
) -> dict[str, np.ndarray]:
    """Scalars put back into arrays shaped like the parameters, each at its slot."""
    arrays = {name: np.zeros_like(p) for name, p in problem.params.items()}
    for (name, index), scalar in zip(slots, scalars, strict=True):
        arrays[name][index] = scalar
    return arrays


def svm_loss(model: Any, problem: MLPProblem, make_input: Callable[[float], Any]) -> Any:
    """The demo's loss: mean of relu(1 − y·score) over the points, plus L2 on every parameter."""
    inputs = [[make_input(x) for x in row] for row in problem.X.tolist()]
    scores = [model(x) for x in inputs]
    losses = [(1 + -y * score).relu() for y, score in zip(problem.y.tolist(), scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = problem.l2 * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


@dataclass
class ScalarSetup:
    """A library's scalar MLP with the problem's starting weights, how it wraps an input
    number, and how to count the nodes of a graph. `slots` says where each of
    `model.parameters()` sits in the problem's arrays (default: micrograd's order)."""

    model: Any
    make_input: Callable[[float], Any]
    count_nodes: Callable[[Any], int]
    slots: list[tuple[str, tuple[int, ...]]] | None = None

    def loss(self, problem: MLPProblem) -> Any:
        return svm_loss(self.model, problem, self.make_input)


def training(setup: ScalarSetup, problem: MLPProblem) -> Implementation:
    """The demo's step: loss, zero the grads, backward, p.data −= lr · p.grad."""
    params = setup.model.parameters()
    slots = setup.slots or parameter_slots(problem)

    def forward_backward() -> Any:
        loss = setup.loss(problem)
        for p in params:
            p.grad = 0.0
        loss.backward()
        return loss

    def gradients() -> dict[str, Any]:
        loss = forward_backward()
        return {"loss": float(loss.data), **as_arrays(problem, slots, [p.grad for p in params])}

    def step() -> None:
        forward_backward()
        for p in params:
            p.data -= problem.lr * p.grad

    return Implementation(gradients, step, lambda: setup.count_nodes(setup.loss(problem)))
