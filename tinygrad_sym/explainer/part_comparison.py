"""`compare(J, W1[:, 0], W1[:, 1])`: two parts of one tensor, factor by factor, in matrix form.

Two columns of W1 are two units' incoming weights (the twin's w1, w2 against w3, w4). Each
column's gradient is a column of ∂J/∂W1 = Xᵀ · δ1: Xᵀ times that column of δ1, and
δ1[:, j] = (δ2 · W2[j, :]ᵀ) ⊙ A1[:, j] ⊙ (1 − A1[:, j]). Following each part up the chain
tells which factors the two share (X, δ2), and which they take from different rows or
columns: the rows of W2 (each unit's outgoing weights, the course's w5 vs w6) and the
columns of A1 (each unit's activations). The tensor version of the w1-vs-w3 story.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..formulas import share
from ..value import Value, describe
from .alignment import REL_TOL
from .course_layers import CourseLayers
from .display import ShowsAsText
from .factor import DIGITS
from .matrix_chain import ADDED, ELEMENTWISE, LEFT, RIGHT, SPREAD, TRANSPOSED, Term
from .matrix_explanation import MatrixExplanation, explain_matrix
from .matrix_form import LOWEST, precedence
from .part_comparison_text import comparison_lines, verdict
from .parts import (
    DIFFERENT,
    EQUAL,
    NOT_FOLLOWED,
    SHARED,
    Selection,
    pick,
    selection_of,
    selection_text,
)


def _shifted(selection: Selection, source: tuple[int, ...], target: tuple[int, ...]) -> Selection:
    """A selection on an array of shape `source` moved to one of shape `target` that lines up
    with it from the right (broadcasting); axes `target` has only once (length 1) drop."""
    offset = len(target) - len(source)
    moved = {axis + offset: index for axis, index in selection.items()}
    return {axis: index for axis, index in moved.items()
            if 0 <= axis < len(target) and target[axis] == source[axis - offset]}


@dataclass(frozen=True, eq=False)
class PartFactor:
    """One factor of the two parts' gradients, side by side.

    `nodes` are the graph nodes the factor is made of (X, W2, A1, or the named gradient
    δ2); `selection_a`/`selection_b` the part of them each side uses; `status` is SHARED
    (the very same numbers: the whole array on both sides), EQUAL or DIFFERENT; `gradient`
    marks a named gradient (δ1), which the comparison follows further up.
    """

    text_a: str
    text_b: str
    nodes: tuple[Value, ...]
    selection_a: Selection
    selection_b: Selection
    value_a: Any
    value_b: Any
    status: str
    gradient: bool = False


@dataclass(frozen=True, eq=False)
class PartSection:
    """One named gradient of both parts (∂J/∂W1[:, 0] vs ∂J/∂W1[:, 1], then δ1[:, 0] vs
    δ1[:, 1], …): its equation on each side and its factors."""

    node: Value
    equation_a: str
    equation_b: str
    factors: list[PartFactor] = field(default_factory=list)


@dataclass(frozen=True, eq=False, repr=False)
class PartComparison(ShowsAsText):
    """∂root/∂tensor[a] against ∂root/∂tensor[b], the factors of the matrix form followed
    part by part (see the module's docstring)."""

    root: Value
    tensor: Value
    selection_a: Selection
    selection_b: Selection
    matrix: MatrixExplanation = field(repr=False)
    layers: CourseLayers = field(repr=False)
    sections: list[PartSection]
    total_a: Any
    total_b: Any
    digits: int = DIGITS

    @property
    def factors(self) -> list[PartFactor]:
        """Every factor of every section."""
        return [factor for section in self.sections for factor in section.factors]

    @property
    def differing(self) -> list[PartFactor]:
        """The factors (not the gradients they feed) whose numbers differ between the parts:
        the reasons the two gradients differ."""
        return [f for f in self.factors if f.status == DIFFERENT and not f.gradient]

    @property
    def stopped(self) -> list[PartFactor]:
        """The gradients whose parts could not be followed further up (an op that mixes
        entries, such as log_softmax, lies above them)."""
        return [f for f in self.factors if f.status == NOT_FOLLOWED]

    @property
    def symmetric(self) -> bool:
        """No factor differs (and every part was followed up to J): the two parts get
        identical gradients, hence identical updates (tied units stay tied)."""
        return not self.differing and not self.stopped

    @property
    def name_a(self) -> str:
        """'∂J/∂W1[:, 0]'."""
        return self.part_name(self.tensor, self.selection_a, gradient=True)

    @property
    def name_b(self) -> str:
        """'∂J/∂W1[:, 1]'."""
        return self.part_name(self.tensor, self.selection_b, gradient=True)

    def part_name(self, node: Value, selection: Selection, gradient: bool = False) -> str:
        """'W1[:, 0]', or '∂J/∂W1[:, 0]' for its gradient."""
        text = self.matrix.name_of(node) + selection_text(selection, node.ndim)
        return f"∂{self.matrix.name_of(self.root)}/∂{text}" if gradient else text

    @property
    def verdict(self) -> str:
        """One sentence: which factors make the two parts' gradients differ, or why they
        are equal."""
        return verdict(self)

    def __str__(self) -> str:
        return "\n".join(comparison_lines(self))

    def summary(self) -> str:
        """'<PartComparison ∂J/∂W1[:, 0] vs ∂J/∂W1[:, 1]: 2 factors differ; …>'."""
        found = ("identical updates" if self.symmetric
                 else f"{len(self.differing)} factor{'s' * (len(self.differing) != 1)} differ"
                 if self.differing else "not followed to the end")
        return (f"<PartComparison {self.name_a} vs {self.name_b}: {found}; print() it for "
                "the table>")


class _Walk:
    """Follows two parts of `wrt` up the matrix chain, section by named gradient."""

    def __init__(self, matrix: MatrixExplanation) -> None:
        self.matrix = matrix
        self.chain, self.form = matrix.chain, matrix.form
        self.sections: list[PartSection] = []
        self.pending: deque[tuple[Value, Selection, Selection]] = deque()
        self.seen: set[tuple[int, str, str]] = set()

    def run(self, wrt: Value, a: Selection, b: Selection) -> list[PartSection]:
        """The sections, from ∂J/∂wrt's two parts up to the last gradient that differs."""
        self.pending.append((wrt, a, b))
        while self.pending:
            node, a, b = self.pending.popleft()
            key = (id(node), repr(sorted(a.items())), repr(sorted(b.items())))
            if key in self.seen:
                continue
            self.seen.add(key)
            section = PartSection(node, "", "")
            parts: dict[Value, tuple[Selection, Selection]] = {node: (a, b)}
            self._follow(node, a, b, section, parts)
            equation = next(eq for eq in self.form.folded if eq.node is node)
            if any(factor.status == NOT_FOLLOWED for factor in section.factors):
                # the part of the whole right side: δ2[:, 0] = ((softmax(Z2) − Y)/n)[:, 0]
                equation_a, equation_b = (
                    f"{equation.symbol}{part} = ({equation.right}){part}"
                    for part in (selection_text(s, node.ndim) for s in (a, b)))
            else:
                equation_a, equation_b = (
                    self._substituted(equation.symbol, equation.right, parts, side)
                    for side in (0, 1))
            self.sections.append(PartSection(node, equation_a, equation_b, section.factors))
        return self.sections

    def _follow(self, node: Value, a: Selection, b: Selection, section: PartSection,
                parts: dict[Value, tuple[Selection, Selection]]) -> None:
        """The factors of ∂J/∂node's part, through the unnamed gradients it inlines."""
        for term in self.chain.step_of(node).terms:  # from J down, as the scalar compare
            child = term.child
            if not _followable(term) and (a or b):
                section.factors.append(self._stop(term, a, b))
                continue
            gradient_a, gradient_b = _to_child(term, a), _to_child(term, b)
            if child is not self.chain.root:
                parts.setdefault(child, (gradient_a, gradient_b))
                if child in self.form.kept:
                    section.factors.append(self._gradient(child, gradient_a, gradient_b))
                else:
                    self._follow(child, gradient_a, gradient_b, section, parts)
            for factor in self._factors(term, a, b):
                section.factors.append(factor)
                for factor_node in factor.nodes:
                    parts.setdefault(factor_node, (factor.selection_a, factor.selection_b))

    def _stop(self, term: Term, a: Selection, b: Selection) -> PartFactor:
        """Where the parts cannot be followed: the rule mixes the entries (log_softmax)."""
        parent = term.parent
        symbol = self.form.symbol(parent)
        texts = [f"{symbol}{selection_text(s, parent.ndim)}" for s in (a, b)]
        value = self.chain.step_of(parent).value
        return PartFactor(texts[0], texts[1], (term.child,), a, b, pick(value, a),
                          pick(value, b), NOT_FOLLOWED, gradient=True)

    def _gradient(self, child: Value, a: Selection, b: Selection) -> PartFactor:
        """A named gradient (δ2) as a factor; queued to be followed when its parts differ."""
        value = self.chain.step_of(child).value
        symbol = self.form.symbol(child)
        status = _status(a, b, pick(value, a), pick(value, b))
        if a or b:
            self.pending.append((child, a, b))
        return PartFactor(symbol + selection_text(a, child.ndim),
                          symbol + selection_text(b, child.ndim), (child,), a, b,
                          pick(value, a), pick(value, b), status, gradient=True)

    def _factors(self, term: Term, a: Selection, b: Selection) -> list[PartFactor]:
        """The term's own factor (the other operand of a product, an elementwise local
        derivative) on each side."""
        child, parent = term.child, term.parent
        if term.kind in (LEFT, RIGHT):
            operand = child.parents[0] if term.kind == LEFT else child.parents[1]
            side_a, side_b = _to_operand(term, a), _to_operand(term, b)
            name = self.matrix.name_of(operand)
            texts = [term.factor.replace(name, name + selection_text(s, operand.ndim), 1)
                     for s in (side_a, side_b)]
            return [PartFactor(texts[0], texts[1], (operand,), side_a, side_b,
                               pick(operand.data, side_a), pick(operand.data, side_b),
                               _status(side_a, side_b, pick(operand.data, side_a),
                                       pick(operand.data, side_b)))]
        if term.kind not in (ELEMENTWISE, SPREAD) or term.factor in ("1", "−1"):
            return []
        if term.kind == ELEMENTWISE and parent.shape != child.shape:
            return []  # a factor on a broadcast operand: not followed part by part
        local = share(child, term.index, np.ones_like(child.data) if child.shape else 1.0)
        involved = [node for node in term.involves() if node.shape]
        sides = [{node: _shifted(s, parent.shape, node.shape) for node in involved}
                 for s in (a, b)]
        factor = f"({term.factor})" if precedence(term.factor) == LOWEST else term.factor
        texts = [_with_parts(factor, {self.matrix.name_of(node): selection_text(
            side[node], node.ndim) for node in involved}) for side in sides]
        value_a, value_b = pick(local, a), pick(local, b)
        first = involved[0] if involved else None
        return [PartFactor(texts[0], texts[1], tuple(involved),
                           sides[0].get(first, {}) if first is not None else a,
                           sides[1].get(first, {}) if first is not None else b,
                           value_a, value_b, _status(a, b, value_a, value_b))]

    def _substituted(self, symbol: str, right: str,
                     parts: dict[Value, tuple[Selection, Selection]], side: int) -> str:
        """'δ1[:, 0] = (δ2 · W2[0, :]ᵀ) ⊙ A1[:, 0] ⊙ (1 − A1[:, 0])': the folded equation
        with each node's part written after its name."""
        names = {}
        for node, selections in parts.items():
            text = selection_text(selections[side], node.ndim)
            if text:
                names[self.matrix.name_of(node)] = text
                if node in self.form.kept:
                    names[self.form.symbol(node)] = text
        return f"{_with_parts(symbol, names)} = {_with_parts(right, names)}"


def _with_parts(text: str, parts: dict[str, str]) -> str:
    """`text` with '[:, 0]' written after each whole-name occurrence of the names given
    (A1 in 'A1 ⊙ (1 − A1)', not in '∂J/∂A1' or 'A10')."""
    for name, part in sorted(parts.items(), key=lambda item: -len(item[0])):
        text = re.sub(rf"(?<![A-Za-z0-9_∂/]){re.escape(name)}(?![A-Za-z0-9_\[])",
                      _literally(name + part), text)
    return text


def _literally(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for `re.sub` that writes `text` as it is (no backslash escapes)."""
    return lambda _: text


def _status(a: Selection, b: Selection, value_a: Any, value_b: Any) -> str:
    """SHARED when both sides use all of the array, else EQUAL or DIFFERENT by value."""
    if not a and not b:
        return SHARED
    if np.shape(value_a) == np.shape(value_b) and np.allclose(value_a, value_b, rtol=REL_TOL,
                                                              atol=0.0):
        return EQUAL
    return DIFFERENT


def _followable(term: Term) -> bool:
    """True when a part of the parent's gradient comes from a known part of the child's:
    not through an op that mixes entries (log_softmax) or a transpose of many axes."""
    if term.kind == TRANSPOSED:
        return term.child.ndim == 2
    return term.kind in (LEFT, RIGHT, ELEMENTWISE, ADDED, SPREAD)


def _to_child(term: Term, selection: Selection) -> Selection:
    """The part of the child's gradient that a part of the parent's gradient uses."""
    child, parent = term.child, term.parent
    if term.kind == LEFT:  # parent B in Z = A · B: column j of B uses column j of ∂J/∂Z
        return {1: selection[1]} if 1 in selection else {}
    if term.kind == RIGHT:  # parent A: row k of A uses row k of ∂J/∂Z
        return {0: selection[0]} if 0 in selection else {}
    if term.kind in (ELEMENTWISE, ADDED):
        return _shifted(selection, parent.shape, child.shape)
    if term.kind == TRANSPOSED and child.ndim == 2:
        return {1 - axis: index for axis, index in selection.items()}
    return {}


def _to_operand(term: Term, selection: Selection) -> Selection:
    """The part of a product's other operand that a part of the parent's gradient uses:
    row i of B = W uses column i of A (Aᵀ's row i); column j of A uses row j of B."""
    if term.kind == LEFT:
        return {1: selection[0]} if 0 in selection else {}
    return {0: selection[1]} if 1 in selection else {}


def compare_parts(root: Value, tensor: Value, index_a: Any, index_b: Any,
                  digits: int = DIGITS) -> PartComparison:
    """Compare the gradients of two parts of one tensor (two units' columns of W1)."""
    a, b = selection_of(tensor, index_a), selection_of(tensor, index_b)
    if sorted(a) != sorted(b):
        raise ValueError(
            f"compare: {describe(tensor)}{selection_text(a, tensor.ndim)} and "
            f"{describe(tensor)}{selection_text(b, tensor.ndim)} are different kinds of parts; "
            "compare two columns (two units: W[:, 0] and W[:, 1]), two rows or two entries")
    if root.shape:
        raise ValueError(f"compare: root {describe(root)} has shape {root.shape}; compare "
                         "the gradients of a scalar such as a loss J")
    matrix = explain_matrix(root, tensor, digits)
    sections = _Walk(matrix).run(tensor, a, b) if matrix.chain.steps else []
    total = np.asarray(matrix.total)
    return PartComparison(root, tensor, a, b, matrix, CourseLayers(root), sections,
                          pick(total, a), pick(total, b), digits)
