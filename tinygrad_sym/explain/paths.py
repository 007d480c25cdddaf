"""The chain rule as paths: every route from a root down to one input, edge by edge.

∂J/∂w is the sum, over every path from J down to w through the nodes' parents, of the
product of the local derivatives along the path. This module finds those paths (counting
them first, so an exponential number never hangs) and the factors on their edges, whose
formulas and values come from the op table through `value.local_derivative`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from ..value import Value, describe, local_derivative, topological_order

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
    are the nodes' names when the factor was made.
    """

    child: Value
    parent: Value
    index: int
    formula: str
    value: float
    child_name: str
    parent_name: str

    @classmethod
    def of_edge(cls, child: Value, index: int) -> Factor:
        """The factor on the edge from `child` down to its parent number `index`."""
        derivative = local_derivative(child, index)
        parent = child.parents[index]
        if derivative.value is None:
            raise ValueError(
                f"{partial(child, parent)} is a tensor edge ({child.op.name} of shape "
                f"{child.shape} on {describe(parent)} of shape {parent.shape}): the explainer "
                "works on scalar graphs; explain a tensor model through its scalar twin, "
                "model.to_scalar(), on one example"
            )
        return cls(child, parent, index, derivative.formula, derivative.value, describe(child),
                   describe(parent))

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
    """The part of the graph between `root` and `wrt`: the nodes that depend on `wrt`.

    `order` lists them parents first (root last); `edges[node]` holds the indices of the
    node's parents that lead to `wrt`; `counts[node]` is the number of paths from node
    down to `wrt` (dynamic programming, so counting never enumerates).
    """

    def __init__(self, root: Value, wrt: Value) -> None:
        self.root, self.wrt = root, wrt
        self.order: list[Value] = []
        self.edges: dict[Value, list[int]] = {}
        self.counts: dict[Value, int] = {}
        self._factors: dict[tuple[Value, int], Factor] = {}
        for node in topological_order(root):
            if node is wrt:
                self.counts[node], self.edges[node] = 1, []
            else:
                leading = [i for i, parent in enumerate(node.parents) if parent in self.counts]
                if not leading:
                    continue
                self.edges[node] = leading
                self.counts[node] = sum(self.counts[node.parents[i]] for i in leading)
            self.order.append(node)

    @property
    def path_count(self) -> int:
        """How many paths lead from the root down to `wrt` (0 if the root ignores it)."""
        return self.counts.get(self.root, 0)

    def factor(self, child: Value, index: int) -> Factor:
        """The factor of the edge from `child` to its parent `index` (one object per edge)."""
        factor = self._factors.get((child, index))
        if factor is None:
            factor = self._factors[child, index] = Factor.of_edge(child, index)
        return factor

    def factors(self) -> Iterator[Factor]:
        """The factor of every edge on some path, the root's edges first."""
        for child in reversed(self.order):
            for index in self.edges[child]:
                yield self.factor(child, index)

    def paths(self) -> list[Path]:
        """Every path from the root down to `wrt`, depth first, parents in operand order.

        Iterative: a stack of (node, remaining parent indices), no recursion.
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
            index = next(stack[-1], None)
            if index is None:
                stack.pop()
                nodes.pop()
                if taken:
                    taken.pop()
                continue
            parent = node.parents[index]
            taken.append(self.factor(node, index))
            nodes.append(parent)
            stack.append(iter(self.edges[parent]))
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
            for index in self.edges[child]:
                factor = self.factor(child, index)
                parent = factor.parent
                totals[parent] = totals.get(parent, 0.0) + gradient * factor.value
                terms.setdefault(parent, []).append((factor, gradient))
        return gradients
