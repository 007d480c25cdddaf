"""One factor of the chain rule: the local derivative on one edge, as formula and number.

The formula and value come from the op table through `formulas.local_derivative`, written in
the names the explanation uses (labels, or short names such as u1 for unlabeled results).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..formulas import local_derivative
from ..value import Value

DIGITS = 4
"""Significant digits of the numbers in explanations, unless told otherwise."""


def number(x: float, digits: int = DIGITS) -> str:
    """`x` to `digits` significant digits, with a true minus sign: −0.2135; a zero is '0',
    never '−0'."""
    return f"{x + 0.0:.{digits}g}".replace("-", "−")


@dataclass(frozen=True, eq=False)
class Factor:
    """One edge of a path: the local derivative ∂child/∂parent as formula and as number.

    `index` is the parent's position in `child.parents` (x·x has two edges to x). A factor
    that crosses a stretch of tensor nodes (J = mean(stack(L1, L2)): ∂J/∂L1 = 1/n) lists
    them in `via`, and `index` is that of its first edge. `edges` holds every graph edge
    (child, parent index) the factor spans: one, or all those of the stretch.
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
    def of_edge(cls, child: Value, index: int, name: Callable[[Value], str]) -> Factor:
        """The factor on the edge from scalar `child` down to its scalar parent `index`."""
        derivative = local_derivative(child, index, name=name)
        assert derivative.value is not None, "of_edge takes an edge between scalars"
        parent = child.parents[index]
        return cls(child, parent, index, derivative.formula, derivative.value, name(child),
                   name(parent), (), ((child, index),))

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
