"""Tensor stretches between scalars, crossed as one chain-rule factor.

`nn.cost` on a scalar net averages the per-example losses as J = mean(stack(L1, L2, …)):
between the scalar J and the scalar L1 lie tensor nodes, whose edges have no single number.
The explainer crosses such a stretch in one step, ∂J/∂L1 = 1/n. Its value is what
backpropagation gives, restricted to the stretch: one pass over the tensor nodes seeded
with 1 at the scalar above, then the last edge down to each scalar below.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection
from functools import partial

from ..autograd import backpropagate
from ..value import Value, local_derivative, topological_order
from .factor import Factor


def _in_stretch(node: Value) -> bool:
    """A tensor on a gradient's way: what a stretch is made of."""
    return bool(node.shape) and node.requires_grad


def crossings(child: Value, wanted: Collection[Value], name: Callable[[Value], str]
              ) -> list[Factor]:
    """A factor ∂child/∂parent for each scalar `parent` in `wanted` that lies right below
    the stretch of tensors under the scalar `child` (through tensor nodes only)."""
    stretch = topological_order(child, follow=_in_stretch)[:-1]  # parents first, no child
    if not stretch:
        return []
    inside = set(stretch)
    grads = backpropagate(child, 1.0, follow=inside.__contains__)
    values: dict[Value, float] = {}
    for node in reversed(stretch):  # from the child down, so factors come in graph order
        for parent in dict.fromkeys(node.parents):
            if parent.shape or parent not in wanted:
                continue
            # The last edge alone: a scalar's own parents are not part of this stretch.
            share = backpropagate(node, grads[node], follow=partial(operator.is_, parent))
            values[parent] = values.get(parent, 0.0) + float(share[parent])
    return [_across(child, stretch, parent, value, name) for parent, value in values.items()]


def _across(child: Value, stretch: list[Value], parent: Value, value: float,
            name: Callable[[Value], str]) -> Factor:
    """The factor from `child` down to `parent` through the stretch: its nodes and edges."""
    leading: set[Value] = set()  # the stretch's nodes that lead down to `parent`
    for node in stretch:  # parents first, so a node's parents are settled before it
        if any(p is parent or p in leading for p in node.parents):
            leading.add(node)
    edges = tuple(
        (node, index)
        for node in [child, *reversed(stretch)] if node is child or node in leading
        for index, p in enumerate(node.parents)
        if (p is parent and node is not child) or p in leading
    )
    via = tuple(node for node in reversed(stretch) if node in leading)
    return Factor(child, parent, edges[0][1], _formula(child, parent, edges, name), value,
                  name(child), name(parent), via, edges)


def _formula(child: Value, parent: Value, edges: tuple[tuple[Value, int], ...],
             name: Callable[[Value], str]) -> str:
    """The product of the local derivative formulas along the stretch, if it is one chain."""
    hops = dict(edges)
    if len(hops) != len(edges):  # several routes through the stretch
        return f"Σ over the routes through {len(edges)} tensor edges"
    formulas, node = [], child
    while node is not parent:
        index = hops[node]
        formulas.append(local_derivative(node, index, name=name).formula)
        node = node.parents[index]
    kept = [formula for formula in formulas if formula != "1"]
    return " · ".join(kept) or "1"
