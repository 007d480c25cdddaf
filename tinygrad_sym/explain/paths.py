"""The chain rule as paths: every route from a root down to one input, edge by edge.

∂J/∂w is the sum, over every path from J down to w through the nodes' parents, of the
product of the local derivatives along the path. This module finds those paths (counting
them first, so an exponential number never hangs) and the factors on their edges, whose
formulas and values come from the op table through `value.local_derivative`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..value import Value, describe, local_derivative, topological_order
from .segments import Crossing, crossings

DIGITS = 4
"""Significant digits of the numbers in explanations, unless told otherwise."""


def number(x: float, digits: int = DIGITS) -> str:
    """`x` to `digits` significant digits, with a true minus sign: −0.2135."""
    return f"{x:.{digits}g}".replace("-", "−")


def partial(child: Value, parent: Value) -> str:
    """The derivative's name, ∂child/∂parent, in the graph's own labels."""
    return f"∂{describe(child)}/∂{describe(parent)}"


@dataclass(frozen=True, eq=False)
class Factor:
    """One edge of a path: the local derivative ∂child/∂parent as formula and as number.

    `index` is the parent's position in `child.parents` (x·x has two edges to x). The
    formula and value are `local_derivative(child, index)`, from the op table; the names
    are the nodes' names when the factor was made. A factor that crosses a stretch of
    tensor nodes (J = mean(stack(L1, L2)): ∂J/∂L1 = 1/n) lists them in `via`, the graph
    edges it spans in `edges`, and `index` is that of its first edge.
    """

    child: Value
    parent: Value
    index: int
    formula: str
    value: float
    child_name: str
    parent_name: str
    via: tuple[Value, ...] = ()
    edges: tuple[tuple[Value, int], ...] = ()

    @classmethod
    def of_edge(cls, child: Value, index: int) -> Factor:
        """The factor on the edge from scalar `child` down to its scalar parent `index`."""
        derivative = local_derivative(child, index)
        parent = child.parents[index]
        return cls(child, parent, index, derivative.formula, derivative.value, describe(child),
                   describe(parent), (), ((child, index),))

    @classmethod
    def crossing(cls, child: Value, crossing: Crossing) -> Factor:
        """The factor from scalar `child` down to a scalar below a stretch of tensors."""
        return cls(child, crossing.parent, crossing.edges[0][1], crossing.formula,
                   crossing.value, describe(child), describe(crossing.parent), crossing.via,
                   crossing.edges)

    @property
    def name(self) -> str:
        """∂child/∂parent, e.g. ∂z3/∂a1."""
        return f"∂{self.child_name}/∂{self.parent_name}"

    @property
    def is_constant(self) -> bool:
        """True when the formula is a plain number (∂(a + b)/∂a = 1): nothing to evaluate."""
        try:
            float(self.formula.replace("−", "-"))
        except ValueError:
            return False
        return True

    def same_edge(self, other: Factor) -> bool:
        """Both stand for the same edge (or stretch) of the graph."""
        return (self.child is other.child and self.parent is other.parent
                and self.index == other.index)

    def format(self, digits: int = DIGITS) -> str:
        """'∂z3/∂a1 = w5 = 0.73', or '∂z1/∂b1 = 1' when the formula is already a number."""
        if self.is_constant:
            return f"{self.name} = {self.formula}"
        return f"{self.name} = {self.formula} = {number(self.value, digits)}"

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Factor({self.format(17)})"


@dataclass(frozen=True, eq=False)
class Path:
    """One route from the root down to the input: its nodes (root first) and its factors.

    `factors[k]` is the edge from `nodes[k]` down to `nodes[k + 1]`, so the factors read
    in chain-rule order: ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂a1 · ∂a1/∂z1 · ∂z1/∂w1.
    """

    nodes: tuple[Value, ...]
    factors: tuple[Factor, ...]

    @property
    def product(self) -> float:
        """This path's share of the gradient: the product of its factors (1 for no edge)."""
        return math.prod(factor.value for factor in self.factors)

    @property
    def chain(self) -> str:
        """The symbolic product, '∂J/∂a3 · ∂a3/∂z3 · …' (the root itself for an empty path)."""
        if not self.factors:
            return "1"
        return " · ".join(factor.name for factor in self.factors)

    @property
    def route(self) -> str:
        """The nodes from the root down, 'J → a3 → z3 → a1 → z1 → w1'.

        Where a node is several operands of its child (x + x), the operand is named too.
        """
        if not self.factors:
            return describe(self.nodes[0])
        names = [self.factors[0].child_name]
        for factor in self.factors:
            repeated = sum(parent is factor.parent for parent in factor.child.parents) > 1
            operand = f" (operand {factor.index + 1})" if repeated else ""
            names.append(factor.parent_name + operand)
        return " → ".join(names)

    def __repr__(self) -> str:
        return f"Path({self.route}: product {number(self.product, 17)})"


class PathGraph:
    """The part of the graph between `root` and `wrt`: the scalars that depend on `wrt`.

    `order` lists them parents first (root last); `edges[node]` holds the factors of the
    node's edges down to scalars that lead to `wrt` (a stretch of tensor nodes in between
    is crossed as one factor); `counts[node]` is the number of paths from node down to
    `wrt` (dynamic programming, so counting never enumerates).
    """

    def __init__(self, root: Value, wrt: Value) -> None:
        self.root, self.wrt = root, wrt
        self.order: list[Value] = []
        self.edges: dict[Value, list[Factor]] = {}
        self.counts: dict[Value, int] = {}
        for node in topological_order(root):
            if node is wrt:
                self.counts[node], self.edges[node] = 1, []
            elif node.shape or not node.parents:
                continue  # tensors are crossed by the factors of the scalars above them
            else:
                leading = [Factor.of_edge(node, i) for i, parent in enumerate(node.parents)
                           if parent in self.counts]
                leading += [Factor.crossing(node, crossing)
                            for crossing in crossings(node, self.counts)]
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
                found.append(Path(tuple(nodes), tuple(taken)))
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

    def node_gradients(self) -> dict[Value, tuple[float, list[tuple[Factor, float]]]]:
        """∂root/∂node for every node between root and `wrt`, from the factors alone.

        For each node: (its gradient, the terms it sums), one term per edge coming down
        into it from a child, as (factor ∂child/∂node, ∂root/∂child). This is the grouped
        view: the sum over a node's incoming paths is its gradient.
        """
        gradients: dict[Value, tuple[float, list[tuple[Factor, float]]]] = {}
        totals: dict[Value, float] = {self.root: 1.0}
        terms: dict[Value, list[tuple[Factor, float]]] = {}
        for child in reversed(self.order):
            gradient = totals[child]
            gradients[child] = (gradient, terms.get(child, []))
            for factor in self.edges[child]:
                parent = factor.parent
                totals[parent] = totals.get(parent, 0.0) + gradient * factor.value
                terms.setdefault(parent, []).append((factor, gradient))
        return gradients
