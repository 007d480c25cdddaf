"""The chain rule as paths: every route from a root down to one input, edge by edge.

∂J/∂w is the sum, over every path from J down to w through the nodes' parents, of the
product of the local derivatives along the path. This module finds those paths (counting
them first, so an exponential number never hangs) and the factors on their edges, whose
formulas and values come from the op table through `formulas.local_derivative`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..value import Value, needs_grad, topological_order
from .factor import Factor, number
from .naming import Names
from .stretches import crossings


@dataclass(frozen=True, eq=False)
class Path:
    """One route from the root down to the input: its nodes (root first) and its factors.

    `factors[k]` is the edge from `nodes[k]` down to `nodes[k + 1]`, so the factors read
    in chain-rule order: ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂a1 · ∂a1/∂z1 · ∂z1/∂w1.
    """

    nodes: tuple[Value, ...]
    factors: tuple[Factor, ...]
    root_name: str

    @property
    def product(self) -> float:
        """This path's share of the gradient: the product of its factors (1 for no edge)."""
        return math.prod(factor.value for factor in self.factors)

    @property
    def chain(self) -> str:
        """The symbolic product, '∂J/∂a3 · ∂a3/∂z3 · …' (1 for a path with no edge)."""
        if not self.factors:
            return "1"
        return " · ".join(factor.name for factor in self.factors)

    @property
    def route(self) -> str:
        """The nodes from the root down, 'J → a3 → z3 → a1 → z1 → w1'.

        Where a node is several operands of its child (x + x), the operand is named too.
        """
        names = [self.root_name]
        for factor in self.factors:
            repeated = sum(parent is factor.parent for parent in factor.child.parents) > 1
            operand = f" (operand {factor.index + 1})" if repeated else ""
            names.append(factor.parent_name + operand)
        return " → ".join(names)

    def __repr__(self) -> str:
        return f"Path({self.route}: product {number(self.product, 17)})"


@dataclass(frozen=True, eq=False)
class NodeGradient:
    """The grouped view of one node: ∂root/∂node as a sum over the edges from its children.

    Each term is (factor ∂child/∂node, ∂root/∂child); their products add up to `value`.
    `magnitude` is Σ |product| over the paths from the root down to the node: the scale of
    the rounding error their sum can carry.
    """

    node: Value
    value: float
    terms: tuple[tuple[Factor, float], ...]
    magnitude: float


class PathGraph:
    """The part of the graph between `root` and `wrt`: the scalars that depend on `wrt`.

    `order` lists them parents first (root last); `edges[node]` holds the factors of the
    node's edges down to scalars that lead to `wrt` (a stretch of tensor nodes in between
    is crossed as one factor); `counts[node]` is the number of paths from node down to
    `wrt` (dynamic programming, so counting never enumerates).
    """

    def __init__(self, root: Value, wrt: Value, names: Names) -> None:
        self.root, self.wrt, self.names = root, wrt, names
        self.order: list[Value] = []
        self.edges: dict[Value, list[Factor]] = {}
        self.counts: dict[Value, int] = {}
        for node in topological_order(root, follow=needs_grad):
            if node is wrt:
                self.counts[node], self.edges[node] = 1, []
            elif node.shape or not node.parents:
                continue  # tensors are crossed by the factors of the scalars above them
            else:
                leading = [Factor.of_edge(node, i, names) for i, parent in enumerate(node.parents)
                           if parent in self.counts]
                leading += crossings(node, self.counts, names)
                if not leading:
                    continue
                self.edges[node] = leading
                self.counts[node] = sum(self.counts[factor.parent] for factor in leading)
            self.order.append(node)

    @property
    def path_count(self) -> int:
        """How many paths lead from the root down to `wrt` (0 if the root ignores it)."""
        return self.counts.get(self.root, 0)

    def paths(self) -> list[Path]:
        """Every path from the root down to `wrt`, depth first, parents in operand order.

        Iterative: a stack of (node, remaining factors), no recursion.
        """
        if not self.path_count:
            return []
        found: list[Path] = []
        nodes: list[Value] = [self.root]
        taken: list[Factor] = []
        stack = [iter(self.edges[self.root])]
        while stack:
            node = nodes[-1]
            if node is self.wrt:  # it has no edges: the path ends here
                found.append(Path(tuple(nodes), tuple(taken), self.names(self.root)))
            factor = next(stack[-1], None)
            if factor is None:
                stack.pop()
                nodes.pop()
                if taken:
                    taken.pop()
                continue
            taken.append(factor)
            nodes.append(factor.parent)
            stack.append(iter(self.edges[factor.parent]))
        return found

    def node_gradients(self) -> list[NodeGradient]:
        """∂root/∂node for every node between the root and `wrt`, root first, `wrt` last,
        from the factors alone: the grouped view, where the sum over a node's incoming
        paths is its gradient."""
        totals: dict[Value, float] = {self.root: 1.0}
        magnitudes: dict[Value, float] = {self.root: 1.0}
        terms: dict[Value, list[tuple[Factor, float]]] = {}
        gradients = []
        for child in reversed(self.order):
            gradient, magnitude = totals[child], magnitudes[child]
            gradients.append(NodeGradient(child, gradient, tuple(terms.get(child, ())),
                                          magnitude))
            for factor in self.edges[child]:
                parent = factor.parent
                totals[parent] = totals.get(parent, 0.0) + gradient * factor.value
                magnitudes[parent] = magnitudes.get(parent, 0.0) + magnitude * abs(factor.value)
                terms.setdefault(parent, []).append((factor, gradient))
        return gradients
