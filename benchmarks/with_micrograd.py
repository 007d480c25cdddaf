"""micrograd (Karpathy's scalar engine): the demo's MLP step, and the deep chain."""

from __future__ import annotations

from typing import Any

from micrograd.engine import Value
from micrograd.nn import MLP

from . import scalar_net
from .implementation import Implementation
from .problems import ChainProblem, MLPProblem


def count_nodes(root: Value) -> int:
    """Every Value the root depends on (micrograd's own walk is recursive; this one is not)."""
    seen, todo = {root}, [root]
    while todo:
        for child in todo.pop()._prev:
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return len(seen)


def scalar_setup(problem: MLPProblem) -> scalar_net.ScalarSetup:
    """micrograd.nn.MLP with the problem's starting weights; inputs as Values, as in the demo."""
    sizes = [problem.params[f"W{i}"].shape[1] for i in range(1, problem.depth + 1)]
    model = MLP(problem.params["W1"].shape[0], sizes)
    for p, value in zip(model.parameters(), scalar_net.starting_values(problem), strict=True):
        p.data = value
    return scalar_net.ScalarSetup(model, Value, count_nodes)


def scalar_mlp(problem: MLPProblem) -> Implementation:
    return scalar_net.training(scalar_setup(problem), problem)


def deep_chain(problem: ChainProblem) -> Implementation:
    def gradients() -> dict[str, Any]:
        x = Value(problem.start)
        y = problem.forward(x)
        y.backward()  # recursive topological sort: RecursionError past ~1,000 nodes deep
        return {"y": y.data, "x": x.grad}

    def explain_failure(error: Exception) -> str:
        deepest = deepest_chain(problem.steps)
        return f"the deepest chain micrograd differentiates is {deepest:,} steps"

    return Implementation(gradients, gradients, explain_failure=explain_failure)


def deepest_chain(limit: int) -> int:
    """The longest chain (in steps, up to `limit`) micrograd differentiates without error."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        try:
            deep_chain(ChainProblem(steps=middle)).gradients()
        except RecursionError:
            high = middle - 1
        else:
            low = middle
    return low
