"""HIPS autograd (functional gradients of numpy code): the tensor nets."""

from __future__ import annotations

from typing import Any

import autograd.numpy as anp
from autograd import value_and_grad

from .implementation import Implementation
from .problems import MLPProblem


def mlp(problem: MLPProblem) -> Implementation:
    params = {name: p.copy() for name, p in problem.params.items()}
    rows = anp.arange(len(problem.y))

    def loss(params: dict[str, Any]) -> Any:
        depth = problem.depth
        h = problem.X
        for i in range(1, depth + 1):
            z = anp.dot(h, params[f"W{i}"]) + params[f"b{i}"]
            if i < depth:
                h = 1 / (1 + anp.exp(-z)) if problem.hidden == "sigmoid" else anp.maximum(z, 0)
        if problem.loss == "bce":
            a, y = 1 / (1 + anp.exp(-z)), problem.y
            return -anp.mean(y * anp.log(a) + (1 - y) * anp.log(1 - a))
        shifted = z - anp.max(z, axis=1, keepdims=True)
        log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_probs[rows, problem.y])

    loss_and_grads = value_and_grad(loss)

    def gradients() -> dict[str, Any]:
        value, grads = loss_and_grads(params)
        return {"loss": float(value), **grads}

    def step() -> None:
        _, grads = loss_and_grads(params)
        for name, grad in grads.items():
            params[name] = params[name] - problem.lr * grad

    return Implementation(gradients, step)
