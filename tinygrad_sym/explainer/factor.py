"""One factor of the chain rule: the local derivative on one edge, as formula and number.

The formula and value come from the op table through `formulas.local_derivative`, written in
the names the explanation uses (labels, or short names such as u1 for unlabeled results).

`number` writes every number of an explanation's text. Inside `numbers_as_slots()` it
writes each one as a placeholder of the same width instead, and keeps the number: a text
made meanwhile splits into its words and its numbers (`split_slots`), so the words can be
reused with other numbers (the training film writes a comparison per step this way).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from ..formulas import local_derivative
from ..value import Value

DIGITS = 4
"""Significant digits of the numbers in explanations, unless told otherwise."""


def number(x: float, digits: int = DIGITS) -> str:
    """`x` to `digits` significant digits, with a true minus sign: −0.2135; a zero is '0',
    never '−0'."""
    text = f"{x + 0.0:.{digits}g}".replace("-", "−")
    slots = _SLOTS.get()
    if slots is None or len(slots) >= _MAX_SLOTS:
        return text
    slots.append((float(x), text))
    return chr(_FIRST_SLOT + len(slots) - 1) + _FILLER * (len(text) - 1)


_SLOTS: ContextVar[list[tuple[float, str]] | None] = ContextVar("slots", default=None)
_FIRST_SLOT, _MAX_SLOTS = 0xF0000, 0xFFFE  # Unicode's private use plane 15: slot numbers
_FILLER = "\U00100000"  # plane 16: the rest of a placeholder's width
_PLACEHOLDER = re.compile("([\U000F0000-\U000FFFFD])\U00100000*")


@contextmanager
def numbers_as_slots() -> Iterator[list[tuple[float, str]]]:
    """While active (in this context), `number` writes each number as a placeholder as wide
    as its text (a private-use character that numbers the slot, then fillers) and appends
    (value, text) to the list this yields: the layout of a text made meanwhile (columns,
    wrapped lines) is exactly the layout of the real text."""
    slots: list[tuple[float, str]] = []
    token = _SLOTS.set(slots)
    try:
        yield slots
    finally:
        _SLOTS.reset(token)


def split_slots(text: str) -> tuple[list[str], list[int]]:
    """A text made inside `numbers_as_slots()` as its words (the text between the
    placeholders, one more than there are numbers) and the slot number of each number."""
    parts = _PLACEHOLDER.split(text)
    return parts[0::2], [ord(mark) - _FIRST_SLOT for mark in parts[1::2]]


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
