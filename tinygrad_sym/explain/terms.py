"""A loss that adds up terms (a batch mean of per-example losses): one contribution per term.

When the root is a sum, difference or constant multiple of several terms — J = (L1 + L2 +
L3 + L4)/4 — every path from J down to w first crosses that aggregation, then enters one
term. So ∂J/∂w = Σ (the term's weight in J) · ∂term/∂w: a sum of per-example
contributions. This module finds the terms and their weights from the graph alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..value import Value
from .paths import PathGraph

if TYPE_CHECKING:
    from .explanation import Explanation

LINEAR = {"add", "sub", "neg", "sum", "mean", "stack", "concatenate", "reshape", "transpose",
          "broadcast_to", "getitem"}
"""Ops whose result is a sum of their operands' elements with constant coefficients."""
SCALING = {"mul", "div"}
"""Ops that scale: linear when only one operand varies (the numerator, for div)."""


@dataclass(frozen=True, eq=False)
class Contribution:
    """One term's share of ∂root/∂wrt: its `weight` in the root times ∂term/∂wrt."""

    term: Value
    name: str
    weight: float
    explanation: Explanation

    @property
    def value(self) -> float:
        """weight · ∂term/∂wrt, this term's contribution to the gradient."""
        return self.weight * self.explanation.total


def _linear(node: Value) -> bool:
    """True for an op that adds, rearranges, or scales by a constant: a mean, a sum."""
    name = node.op.name
    if name in LINEAR:
        return True
    varying = [i for i, parent in enumerate(node.parents) if parent.requires_grad]
    return name in SCALING and len(varying) == 1 and (name == "mul" or varying == [0])


def _aggregates(node: Value, graph: PathGraph) -> bool:
    """True for a node that only adds up or scales its terms, tensor stretches included."""
    return node.op is not None and _linear(node) and all(
        _linear(via) for factor in graph.edges[node] for via in factor.via)


def terms(graph: PathGraph) -> list[tuple[Value, float]]:
    """The terms the root adds up, each with its weight ∂root/∂term along the aggregation.

    Empty unless the root aggregates at least two terms that depend on `wrt`. The weight of
    a term is the sum over the routes from the root through adding and scaling nodes only,
    of the product of their factors, so Σ weight · ∂term/∂wrt is exactly ∂root/∂wrt.
    """
    root = graph.root
    if not graph.path_count or root is graph.wrt or not _aggregates(root, graph):
        return []
    weights: dict[Value, float] = {root: 1.0}
    found: list[Value] = []
    for node in reversed(graph.order):  # the root first, each node after all its children
        if node not in weights:
            continue  # below a term: not part of the aggregation
        if node is not root and (node is graph.wrt or not _aggregates(node, graph)):
            found.append(node)
            continue
        for factor in graph.edges[node]:
            weights[factor.parent] = weights.get(factor.parent, 0.0) + (
                weights[node] * factor.value)
    if len(found) < 2:
        return []
    position = {node: k for k, node in enumerate(graph.order)}
    return [(term, weights[term]) for term in sorted(found, key=position.__getitem__)]


def batch_like(found: list[Value]) -> bool:
    """True when the terms look like one loss per example: the same op, and labels that
    differ at most by a number (L1, L2, … or L, L, …)."""
    stems = {(term.op.name if term.op else None, (term.label or "").rstrip("0123456789"))
             for term in found}
    return len(found) > 1 and len(stems) == 1 and next(iter(stems))[1] != ""


def term_names(found: list[Value], name: Callable[[Value], str]) -> list[str]:
    """Each term's name, or 'example k' for all when two share a label (a batch of L, L,
    …, which the names tell apart only by their example's number: L⁽¹⁾, L⁽²⁾)."""
    labels = [term.label or name(term) for term in found]
    if len(set(labels)) == len(labels):
        return [name(term) for term in found]
    return [f"example {k}" for k in range(1, len(found) + 1)]
