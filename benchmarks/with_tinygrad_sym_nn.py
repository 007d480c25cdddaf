"""tinygrad_sym's `nn` idiom: nn.MLP, its losses, nn.SGD with zero_grad/backward/step."""

from __future__ import annotations

from typing import Any

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.value import topological_order

from . import scalar_net
from .implementation import Implementation
from .problems import MLPProblem


def net_for(problem: MLPProblem, scalar: bool = False) -> nn.MLP:
    """An nn.MLP shaped like the problem's net, holding its starting weights."""
    sizes = [problem.params[f"W{i}"].shape[1] for i in range(1, problem.depth + 1)]
    output = "sigmoid" if problem.loss == "bce" else "linear"
    net = nn.MLP(problem.params["W1"].shape[0], sizes, activation=problem.hidden,
                 output_activation=output, scalar=scalar, dtype=problem.dtype)
    net.load_state_dict(problem.params)
    return net


def mlp(problem: MLPProblem) -> Implementation:
    net = net_for(problem)
    optimizer = nn.SGD(net.parameters(), lr=problem.lr)
    X = ts.Value(problem.X, requires_grad=False)
    loss_function = nn.binary_cross_entropy if problem.loss == "bce" else nn.softmax_cross_entropy

    def loss() -> ts.Value:
        return loss_function(net(X), problem.y)

    def gradients() -> dict[str, Any]:
        value = loss()
        net.zero_grad()
        value.backward()
        return {"loss": value.item(), **{n: p.grad.copy() for n, p in net.named_parameters()}}

    def step() -> None:
        value = loss()
        optimizer.zero_grad()
        value.backward()
        optimizer.step()

    return Implementation(gradients, step, lambda: len(topological_order(loss())))


def scalar_mlp(problem: MLPProblem) -> Implementation:
    """nn.MLP(scalar=True): one ts.weighted_sum node per unit, every node named as the course
    does."""
    net = net_for(problem, scalar=True)
    slots = [net.locate(p.label) for p in net.parameters()]
    setup = scalar_net.ScalarSetup(net, float, lambda loss: len(topological_order(loss)), slots)
    return scalar_net.training(setup, problem)
