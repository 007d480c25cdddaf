"""The floor: each net's forward and backward written by hand in numpy, as a course would."""

from __future__ import annotations

from typing import Any

import numpy as np

from .implementation import Implementation
from .problems import MLPProblem


def _output_loss(problem: MLPProblem, out: np.ndarray) -> tuple[float, np.ndarray]:
    """The data loss and its gradient with respect to the last layer's output."""
    n = len(out)
    if problem.loss == "bce":
        a = 1 / (1 + np.exp(-out))
        y = problem.y
        loss = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
        return float(loss), (a - y) / n
    if problem.loss == "softmax_ce":
        shifted = out - out.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(n)
        loss = -log_probs[rows, problem.y].mean()
        grad = np.exp(log_probs)
        grad[rows, problem.y] -= 1
        grad /= n
        return float(loss), grad
    if problem.loss == "svm":
        y = problem.y.reshape(n, 1)
        margins = 1 - y * out
        loss = np.maximum(margins, 0).mean()
        return float(loss), (margins > 0) * -y / n
    raise ValueError(f"unknown loss {problem.loss!r}")


def forward_backward(problem: MLPProblem, params: dict[str, np.ndarray]) -> dict[str, Any]:
    """Loss and gradients of every parameter, by the chain rule written out layer by layer."""
    depth = problem.depth
    activations = [problem.X]
    for i in range(1, depth):
        z = activations[-1] @ params[f"W{i}"] + params[f"b{i}"]
        sigmoid = problem.hidden == "sigmoid"
        activations.append(1 / (1 + np.exp(-z)) if sigmoid else np.maximum(z, 0))
    out = activations[-1] @ params[f"W{depth}"] + params[f"b{depth}"]
    loss, grad_out = _output_loss(problem, out)
    grads: dict[str, Any] = {}
    for i in range(depth, 0, -1):
        inputs = activations[i - 1]
        grads[f"W{i}"] = inputs.T @ grad_out
        grads[f"b{i}"] = grad_out.sum(axis=0)
        if i > 1:
            grad_inputs = grad_out @ params[f"W{i}"].T
            if problem.hidden == "sigmoid":
                grad_out = grad_inputs * inputs * (1 - inputs)
            else:
                grad_out = grad_inputs * (inputs > 0)
    if problem.l2:
        loss += problem.l2 * sum(float((p * p).sum()) for p in params.values())
        for name, p in params.items():
            grads[name] += 2 * problem.l2 * p
    return {"loss": loss, **grads}


def mlp(problem: MLPProblem) -> Implementation:
    params = {name: p.copy() for name, p in problem.params.items()}

    def step() -> None:
        grads = forward_backward(problem, params)
        for name, p in params.items():
            p -= problem.lr * grads[name]

    return Implementation(lambda: forward_backward(problem, params), step)


scalar_mlp = mlp  # the micrograd demo's net, vectorised: the floor for the scalar workload
