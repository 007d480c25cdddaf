"""tinygrad_sym's versions of the workloads: tensors with core ops, scalar Values, the chain."""

from __future__ import annotations

from typing import Any

import numpy as np

import tinygrad_sym as ts
from tinygrad_sym import ops
from tinygrad_sym.value import record, topological_order

from . import scalar_net
from .implementation import Implementation
from .problems import ChainProblem, MLPProblem


def tensor_loss(problem: MLPProblem, params: dict[str, ts.Value], X: ts.Value, y: Any) -> ts.Value:
    """The net's loss from core ops: ts.affine (x @ W + b, one node), sigmoid/relu, the mean
    BCE from the logits (one node, as numpy by hand fuses σ, BCE and the mean) or
    log_softmax + indexing."""
    depth = problem.depth
    h = X
    for i in range(1, depth + 1):
        z = ts.affine(h, params[f"W{i}"], params[f"b{i}"])
        h = (z.sigmoid() if problem.hidden == "sigmoid" else z.relu()) if i < depth else z
    if problem.loss == "bce":
        return record(ops.BCE_WITH_LOGITS, z, y)
    if problem.loss == "softmax_ce":
        return -z.log_softmax(axis=1)[y].mean()
    raise ValueError(f"no tensor version of the {problem.loss!r} loss")


def mlp(problem: MLPProblem) -> Implementation:
    """Parameters as named leaves; `ts.grad` for the gradients; SGD on the leaves' data."""
    params = {name: ts.Value(p, label=name) for name, p in problem.params.items()}
    leaves = list(params.values())
    X = ts.Value(problem.X, requires_grad=False)
    # BCE takes the targets as a constant; softmax CE picks each row's label by fancy indexing.
    y = (
        ts.Value(problem.y, requires_grad=False)
        if problem.loss == "bce"
        else (np.arange(len(problem.y)), problem.y)
    )

    def gradients() -> dict[str, Any]:
        loss = tensor_loss(problem, params, X, y)
        grads = ts.grad(loss, leaves)
        return {"loss": loss.item(), **dict(zip(params, grads, strict=True))}

    def step() -> None:
        grads = ts.grad(tensor_loss(problem, params, X, y), leaves)
        for leaf, grad in zip(leaves, grads, strict=True):
            leaf.data -= problem.lr * grad

    return Implementation(
        gradients, step, lambda: len(topological_order(tensor_loss(problem, params, X, y)))
    )


class ScalarMLP:
    """micrograd's MLP on tinygrad_sym Values: relu hidden units, a linear output unit.

    `neuron(weights, inputs, bias)` builds one unit's pre-activation.
    """

    def __init__(self, problem: MLPProblem, neuron: Any) -> None:
        values = iter(scalar_net.starting_values(problem))
        self.neuron = neuron
        self.layers = []
        for i in range(1, problem.depth + 1):
            fan_in, fan_out = problem.params[f"W{i}"].shape
            self.layers.append([
                ([ts.Value(next(values)) for _ in range(fan_in)], ts.Value(next(values)))
                for _ in range(fan_out)
            ])

    def __call__(self, inputs: list[ts.Value]) -> ts.Value:
        last = len(self.layers) - 1
        for depth, layer in enumerate(self.layers):
            units = [self.neuron(weights, inputs, bias) for weights, bias in layer]
            inputs = units if depth == last else [unit.relu() for unit in units]
        return inputs[0]

    def parameters(self) -> list[ts.Value]:
        return [p for layer in self.layers for weights, bias in layer for p in (*weights, bias)]


def mul_add_neuron(weights: list[ts.Value], inputs: list[ts.Value], bias: ts.Value) -> ts.Value:
    """b + w1·x1 + w2·x2 + …, one mul and one add node per weight (as micrograd does)."""
    return sum((w * x for w, x in zip(weights, inputs, strict=True)), bias)


def scalar_setup(problem: MLPProblem, neuron: Any = mul_add_neuron) -> scalar_net.ScalarSetup:
    """The scalar MLP; inputs are constants (data needs no gradient)."""
    return scalar_net.ScalarSetup(
        ScalarMLP(problem, neuron),
        lambda x: ts.Value(x, requires_grad=False),
        lambda loss: len(topological_order(loss)),
    )


def scalar_setup_linear(problem: MLPProblem) -> scalar_net.ScalarSetup:
    return scalar_setup(problem, ts.weighted_sum)


def scalar_mlp(problem: MLPProblem) -> Implementation:
    """The micrograd demo, node by node like micrograd (mul and add per weight)."""
    return scalar_net.training(scalar_setup(problem), problem)


def scalar_mlp_linear(problem: MLPProblem) -> Implementation:
    """The micrograd demo in tinygrad_sym's own idiom: one `ts.weighted_sum` node per neuron."""
    return scalar_net.training(scalar_setup_linear(problem), problem)


def deep_chain(problem: ChainProblem) -> Implementation:
    def gradients() -> dict[str, Any]:
        x = ts.Value(problem.start)
        y = problem.forward(x)
        y.backward()
        return {"y": y.data, "x": x.grad}

    return Implementation(gradients, gradients)
