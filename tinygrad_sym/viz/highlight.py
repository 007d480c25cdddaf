"""Highlighting: which nodes and edges lie on each highlighted input's paths to the root.

`highlight=[w1, w3]` asks the explainer for ∂root/∂w1 and ∂root/∂w3; each explanation gets
its own colour, and every edge on one of its paths is drawn in that colour, those inside
a tensor stretch that one factor crosses (J = mean(stack(L1, L2, …))) included. A tensor
parameter (`highlight=[W1]`) is explained in matrix form: its chain of matrices is coloured
and the legend writes the matrix-form equations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..explainer import (
    Comparison,
    EntryExplanation,
    Explanation,
    MatrixExplanation,
    Names,
    PartComparison,
    align,
    explain,
)
from ..value import Value, describe
from .colors import highlight_color


@dataclass(frozen=True, eq=False)
class Highlight:
    """One highlighted input: the explanation of ∂root/∂input (in matrix form for a
    tensor) and its colour."""

    explanation: Explanation | MatrixExplanation
    color: str

    @property
    def wrt(self) -> Value:
        """The highlighted input."""
        return self.explanation.wrt


def resolve(root: Value, highlight: Any, names: Names) -> list[Highlight]:
    """The highlights asked for: Values (explained here, in `names`; a tensor in matrix
    form), `Explanation`s, or a `Comparison` (its two explanations), alone or in a list.
    An entry or a comparison of parts of a tensor highlights that tensor's matrix form."""
    kinds = (Value, Explanation, Comparison, MatrixExplanation, EntryExplanation,
             PartComparison)
    single = isinstance(highlight, kinds)
    items: Iterable[Any] = [highlight] if single else (highlight or ())
    explanations = []
    for item in items:
        if isinstance(item, Comparison):
            found = [item.explanation_a, item.explanation_b]
        elif isinstance(item, Explanation | MatrixExplanation):
            found = [item]
        elif isinstance(item, EntryExplanation | PartComparison):
            found = [item.matrix]
        elif isinstance(item, Value):
            explanation = explain(root, item, names=names)  # W1[0, 1]: W1's matrix form
            found = [explanation.matrix if isinstance(explanation, EntryExplanation)
                     else explanation]
        else:
            raise TypeError(
                "draw: highlight takes Values (e.g. highlight=[w1, w3]), or what ts.explain "
                f"or ts.compare return, not {type(item).__name__}"
            )
        for explanation in found:
            if explanation.root is not root:
                raise ValueError(
                    f"draw: highlight holds an explanation of {explanation.name}, but the "
                    f"graph drawn is rooted at {describe(root)}; explain with the same root"
                )
        explanations.extend(found)
    return [Highlight(e, highlight_color(i)) for i, e in enumerate(explanations)]


class PathIndex:
    """For each node and edge, the colours of the highlighted paths that pass through it."""

    def __init__(self, highlights: list[Highlight]) -> None:
        self.highlights = highlights
        self.node_colors: dict[Value, list[str]] = {}
        self.edge_colors: dict[tuple[Value, int], list[str]] = {}
        for item in highlights:
            for node in item.explanation.nodes:
                self.node_colors.setdefault(node, []).append(item.color)
            for edge in item.explanation.edges:
                self.edge_colors.setdefault(edge, []).append(item.color)
        self.differing = self._differing()
        self.factor_nodes = self._factor_nodes()

    def _differing(self) -> set[int]:
        """ids of the factors that differ between the first highlighted input and another,
        paths aligned by the explainer (w5 on w1's path against w6 on w3's); scalar
        explanations only (a matrix form has no paths of scalars)."""
        explanations = [item.explanation for item in self.highlights
                        if isinstance(item.explanation, Explanation)]
        differing: set[int] = set()
        for other in explanations[1:]:
            for path_pair in align(explanations[0].paths, other.paths):
                for pair in path_pair.factors:
                    if not pair.equal:
                        differing.update(id(f) for f in (pair.a, pair.b) if f is not None)
        return differing

    def _factor_nodes(self) -> dict[Value, str]:
        """The nodes whose value *is* a differing factor (w5 in ∂z3/∂a1 = w5), each with
        the colour of the path it weighs on: their cards are marked."""
        found: dict[Value, str] = {}
        for item in self.highlights:
            if not isinstance(item.explanation, Explanation):
                continue
            name = item.explanation.name_of
            factors = [f for path in item.explanation.paths for f in path.factors
                       if id(f) in self.differing]
            for factor in factors:
                for node in factor.child.parents:
                    if node is not factor.parent and name(node) == factor.formula:
                        found.setdefault(node, item.color)
        return found

    @property
    def active(self) -> bool:
        """Whether anything is highlighted."""
        return bool(self.highlights)

    @property
    def nodes(self) -> set[Value]:
        """Every node on some highlighted path (drawn one by one, never condensed)."""
        return set(self.node_colors)

    def into(self, child: Value) -> list[str]:
        """The colours of all highlighted edges arriving at `child` from its parents."""
        colors = {color for index in range(len(child.parents))
                  for color in self.edge_colors.get((child, index), ())}
        return [item.color for item in self.highlights if item.color in colors]
