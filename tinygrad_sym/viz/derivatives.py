"""The local derivatives the picture writes: which edges get one, and their text.

Each derivative is written inside the op node, on the row where its edge arrives
(∂z1/∂w1 = x1 = 0.52 next to the arrow from w1), so it sits next to its own edge and costs
no column of the layout. The formula and value come from the op table through
`local_derivative`, in the explainer's names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..formulas import local_derivative
from ..value import Value
from .labels import number

if TYPE_CHECKING:
    from .render import Picture

MODES = ("auto", "all", "none")
"""`derivatives=`: 'auto' writes the derivative on every edge a gradient flows through
(not into inputs or targets, which have none); 'all' on every edge but those from unnamed
constants; 'none' on no edge."""

LINE_LIMIT = 16
"""Characters per line of a derivative: a longer one is broken at its ' = ' signs."""


def mode_of(derivatives: Any) -> str:
    """The mode `derivatives=` asks for (True is 'auto', False is 'none'), or a clear error."""
    if derivatives is True:
        return "auto"
    if derivatives is False or derivatives is None:
        return "none"
    if isinstance(derivatives, str) and derivatives in MODES:
        return derivatives
    raise ValueError(f"draw: derivatives must be one of {MODES} (or True/False), "
                     f"got {derivatives!r}")


@dataclass(frozen=True)
class Derivative:
    """∂child/∂parent on one edge: its name (empty when a node has none), formula, value."""

    name: str
    formula: str
    value: str | None  # None when the formula already is the number (∂z/∂b = 1)

    @property
    def parts(self) -> list[str]:
        """The pieces written with ' = ' between them."""
        return [p for p in (self.name, self.formula, self.value) if p]

    @property
    def text(self) -> str:
        """On one line: '∂z3/∂a1 = w5 = 0.73'."""
        return " = ".join(self.parts)

    def lines(self, limit: int = LINE_LIMIT) -> list[str]:
        """The text broken at its ' = ' signs into lines of about `limit` characters;
        each line after the first starts with '= '. A long quotient is broken after its
        '/' ('= (a3 − y)/' over '(a3·(1 − a3))'), a long case before its 'else'."""
        lines: list[str] = []
        for part in self.parts:
            if lines and len(lines[-1]) + 3 + len(part) <= limit:
                lines[-1] += " = " + part
                continue
            text = part if not lines else "= " + part
            if len(text) > limit + 4 and ")/(" in text:
                numerator, denominator = text.split(")/(", 1)
                lines += [numerator + ")/", "(" + denominator]
            elif len(text) > limit + 2 and " else " in text:
                case, otherwise = text.split(" else ", 1)
                lines += [case, "else " + otherwise]
            else:
                lines.append(text)
        return lines


def derivative(picture: Picture, node: Value, index: int) -> Derivative:
    """The local derivative of `node` with respect to its operand `index`."""
    found = local_derivative(node, index, name=picture.names)
    child_name = picture.names.given(node)
    parent_name = picture.names.given(node.parents[index])
    name = f"∂{child_name}/∂{parent_name}" if child_name and parent_name else ""
    value = None
    if found.value is not None:
        value = number(found.value, picture.digits)
        if value == found.formula:
            value = None
    return Derivative(name, found.formula, value)


def shown(picture: Picture, node: Value, index: int) -> bool:
    """Whether the picture writes the derivative of the edge from operand `index` into
    `node`: never for an unnamed constant (the 1 in 1 − a); in 'auto' mode only where a
    gradient flows (so not into the inputs x1, x2 or the target y)."""
    parent = node.parents[index]
    if picture.derivatives == "none" or parent in picture.plan.owner:
        return False
    if not parent.requires_grad:
        return picture.derivatives == "all" and (parent.op is not None or bool(parent.label))
    return True

