"""MyGrad (a numpy-backed autodiff library): the tensor nets."""

from __future__ import annotations

from typing import Any

import mygrad as mg
from mygrad.nnet.activations import relu, sigmoid
from mygrad.nnet.losses import softmax_crossentropy

from .implementation import Implementation
from .problems import MLPProblem


def mlp(problem: MLPProblem) -> Implementation:
    params = {name: mg.Tensor(p.copy()) for name, p in problem.params.items()}

    def loss() -> mg.Tensor:
        depth = problem.depth
        h = problem.X
        for i in range(1, depth + 1):
            z = h @ params[f"W{i}"] + params[f"b{i}"]
            h = (sigmoid(z) if problem.hidden == "sigmoid" else relu(z)) if i < depth else z
        if problem.loss == "bce":
            a, y = sigmoid(z), problem.y
            return -mg.mean(y * mg.log(a) + (1 - y) * mg.log(1 - a))
        return softmax_crossentropy(z, problem.y)

    def gradients() -> dict[str, Any]:
        value = loss()
        value.backward()
        return {"loss": value.item(), **{n: p.grad.copy() for n, p in params.items()}}

    def step() -> None:
        loss().backward()
        for p in params.values():
            p.data -= problem.lr * p.grad

    return Implementation(gradients, step)
