"""Tensor stretches between scalars, crossed as one chain-rule factor.

`nn.cost` on a scalar net averages the per-example losses as J = mean(stack(L1, L2, …)):
between the scalar J and the scalar L1 lie tensor nodes, whose edges have no single number.
The explainer crosses such a stretch in one step, ∂J/∂L1 = 1/n: its value is the
vector-Jacobian product of the ops' own backward rules from the op table, seeded with 1 at
the scalar above and read at the scalar below, exactly what backward does there.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ops import sum_to
from ..value import Value, local_derivative


@dataclass(frozen=True)
class Crossing:
    """One scalar below a tensor stretch: the value of ∂child/∂parent through the stretch,
    the tensor nodes crossed, the graph edges taken, and their derivative formulas."""

    parent: Value
    value: float
    via: tuple[Value, ...]
    edges: tuple[tuple[Value, int], ...]
    formula: str


def _tensor(node: Value) -> bool:
    return bool(node.shape) and node.requires_grad


def tensor_region(child: Value) -> list[Value]:
    """The tensor nodes reachable from `child` through tensor nodes only, parents first."""
    order: list[Value] = []
    visited: set[Value] = set()
    for start in child.parents:
        if not _tensor(start) or start in visited:
            continue
        visited.add(start)
        stack = [(start, iter(start.parents))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if _tensor(parent) and parent not in visited:
                    visited.add(parent)
                    stack.append((parent, iter(parent.parents)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def crossings(child: Value, wanted: set[Value] | dict[Value, int]) -> list[Crossing]:
    """∂child/∂parent for each scalar `parent` in `wanted` below `child`'s tensor parents."""
    region = tensor_region(child)
    if not region:
        return []
    grads: dict[Value, object] = {child: 1.0}
    shares: dict[Value, float] = {}
    for node in [child, *reversed(region)]:  # each node before its parents
        grad = grads.get(node)
        if grad is None:
            continue
        data = [parent.data for parent in node.parents]
        for index, parent in enumerate(node.parents):
            if not parent.requires_grad or (node is child and not parent.shape):
                continue  # a constant, or a plain scalar edge of the child's own
            if parent.shape or parent in wanted:
                rule = node.op.rules[index]
                share = sum_to(rule(grad, node.data, *data, **(node.attrs or {})), data[index])
                if parent.shape:
                    grads[parent] = share if parent not in grads else grads[parent] + share
                else:
                    shares[parent] = shares.get(parent, 0.0) + float(share)
    return [_crossing(child, region, parent, value) for parent, value in shares.items()]


def _crossing(child: Value, region: list[Value], parent: Value, value: float) -> Crossing:
    """The stretch from `child` down to `parent`: its nodes, edges and formula."""
    leading: set[Value] = set()
    for node in region:  # parents first, so a node's parents are settled before it
        if any(p is parent or p in leading for p in node.parents):
            leading.add(node)
    edges = tuple(
        (node, index)
        for node in [child, *reversed(region)] if node is child or node in leading
        for index, p in enumerate(node.parents)
        if (p is parent and node is not child) or p in leading
    )
    via = tuple(node for node in reversed(region) if node in leading)
    return Crossing(parent, value, via, edges, _formula(child, parent, edges))


def _formula(child: Value, parent: Value, edges: tuple[tuple[Value, int], ...]) -> str:
    """The product of the local derivative formulas along the stretch, if it is one chain."""
    hops = {node: index for node, index in edges}
    if len(hops) != len(edges):  # several routes through the stretch
        return f"Σ over the routes through {len(edges)} tensor edges"
    formulas, node = [], child
    while node is not parent:
        index = hops[node]
        formulas.append(local_derivative(node, index).formula)
        node = node.parents[index]
    kept = [formula for formula in formulas if formula != "1"]
    return " · ".join(kept) or "1"
