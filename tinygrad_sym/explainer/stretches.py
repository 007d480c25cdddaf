"""Tensor stretches between scalars, crossed as one chain-rule factor.

`nn.cost` on a scalar net averages the per-example losses as J = mean(stack(L1, L2, …)):
between the scalar J and the scalar L1 lie tensor nodes, whose edges have no single number.
The explainer crosses such a stretch in one step, ∂J/∂L1 = 1/n. Its value is what
backpropagation gives, restricted to the stretch: one pass over the tensor nodes seeded
with 1 at the scalar above, then one step down to the scalars below.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from ..autograd import backpropagate
from ..formulas import local_derivative
from ..value import Value, topological_order
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
    above = [child, *reversed(stretch)]  # the child, then the stretch from the top down
    inside = set(stretch)
    grads = backpropagate(child, 1.0, follow=inside.__contains__)
    values: dict[Value, float] = {}
    for node in above[1:]:  # from the top down, so that factors come in graph order
        below = [p for p in dict.fromkeys(node.parents) if not p.shape and p in wanted]
        for parent, share in _last_step(node, grads[node], below).items():
            values[parent] = values.get(parent, 0.0) + share
    users: dict[Value, list[tuple[Value, int]]] = {}  # the edges into each node from above
    for node in above:
        for index, parent in enumerate(node.parents):
            if node is not child or parent in inside:  # not the child's own scalar edges
                users.setdefault(parent, []).append((node, index))
    rank = {node: k for k, node in enumerate(above)}
    return [_across(child, rank, users, parent, value, name) for parent, value in values.items()]


def _last_step(node: Value, grad: Any, below: list[Value]) -> dict[Value, float]:
    """The shares of `grad` that the stretch's `node` hands to the scalars `below` it: one
    backward step, which must not run on into the scalars' own parents. So where one of
    them is a parent of another (y and y·x both stacked), each takes its step alone."""
    members = set(below)
    if any(parent in members for scalar in below for parent in scalar.parents):
        groups = [[scalar] for scalar in below]
    else:
        groups = [below]
    shares: dict[Value, float] = {}
    for group in groups:
        grads = backpropagate(node, grad, follow=set(group).__contains__)
        shares.update((scalar, float(grads[scalar])) for scalar in group)
    return shares


def _across(child: Value, rank: dict[Value, int], users: dict[Value, list[tuple[Value, int]]],
            parent: Value, value: float, name: Callable[[Value], str]) -> Factor:
    """The factor from `child` down to `parent` through the stretch: the stretch's nodes
    that lead to `parent` (found walking up from it) and the edges between them."""
    via: set[Value] = set()
    edges: list[tuple[Value, int]] = []
    waiting = [parent]
    while waiting:
        for user, index in users.get(waiting.pop(), ()):
            edges.append((user, index))
            if user is not child and user not in via:
                via.add(user)
                waiting.append(user)
    edges.sort(key=lambda edge: (rank[edge[0]], edge[1]))  # from the child down
    return Factor(child, parent, edges[0][1], _formula(child, parent, edges, name), value,
                  name(child), name(parent), tuple(sorted(via, key=rank.__getitem__)),
                  tuple(edges))


def _formula(child: Value, parent: Value, edges: list[tuple[Value, int]],
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
