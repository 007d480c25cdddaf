"""PyTorch CPU: the tensor nets with torch's own losses, and the deep chain."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from .implementation import Implementation
from .problems import ChainProblem, MLPProblem


def mlp(problem: MLPProblem) -> Implementation:
    params = {name: torch.tensor(p, requires_grad=True) for name, p in problem.params.items()}
    X = torch.from_numpy(problem.X.copy())
    y = torch.from_numpy(problem.y.copy())

    def loss() -> torch.Tensor:
        depth = problem.depth
        h = X
        for i in range(1, depth + 1):
            z = h @ params[f"W{i}"] + params[f"b{i}"]
            if i < depth:
                h = torch.sigmoid(z) if problem.hidden == "sigmoid" else torch.relu(z)
        if problem.loss == "bce":
            return F.binary_cross_entropy(torch.sigmoid(z), y)
        return F.cross_entropy(z, y)

    def gradients() -> dict[str, Any]:
        value = loss()
        grads = torch.autograd.grad(value, list(params.values()))
        return {"loss": value.item(), **{n: g.numpy() for n, g in zip(params, grads, strict=True)}}

    def step() -> None:
        loss().backward()
        with torch.no_grad():
            for p in params.values():
                p -= problem.lr * p.grad
                p.grad = None

    return Implementation(gradients, step, traced_memory=False)  # torch's own allocator


def deep_chain(problem: ChainProblem) -> Implementation:
    def gradients() -> dict[str, Any]:
        x = torch.tensor(problem.start, dtype=torch.float64, requires_grad=True)
        y = problem.forward(x)
        y.backward()
        return {"y": y.item(), "x": x.grad.item()}

    return Implementation(gradients, gradients)
