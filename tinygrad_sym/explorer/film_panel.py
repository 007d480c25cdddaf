"""The film's panel: `compare` of the two highlighted weights at every recorded step, as
templates (the words) and numbers.

A comparison's text depends on its step's numbers twice: it shows them, and they shape it
— their widths pad the table's columns and move the line breaks, and which factors are
equal decides words (DIFFERENT or equal, the verdict). Steps alike in both ways (every
number written as wide, with the same sign and exponent; the same factors equal) share
their words. So `compare` writes the text once per group of such steps, at its first
step, with every number as a placeholder of its width (`numbers_as_slots`); each
placeholder is traced to what it shows (a factor, a path's product, a total, a gradient),
whose value at every step the film's `Frames` hold. Where a number cannot be traced, or
the traced numbers do not give back that first step's text, each step of the group gets
its own `compare`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..explainer import Comparison, compare
from ..explainer.alignment import equal_values
from ..explainer.factor import number, numbers_as_slots, split_slots
from ..value import Value, topological_order
from .frames import Frames, Steps

_DIGITS = str.maketrans("123456789", "000000000")


@dataclass
class Panel:
    """Every step's comparison: `entries[step]` = (template index, the numbers between
    its words); `symmetric[step]`: every factor equal; `comparisons`: the `Comparison`s
    computed, by step."""

    templates: list[list[str]] = field(default_factory=list)
    entries: list[list[Any]] = field(default_factory=list)
    symmetric: list[bool] = field(default_factory=list)
    comparisons: dict[int, Comparison] = field(default_factory=dict)
    _known: dict[tuple[str, ...], int] = field(default_factory=dict)

    def add(self, step: int, words: list[str], numbers: list[str]) -> None:
        """Step `step`'s text: its words (kept once for all steps that share them) and
        numbers."""
        which = self._known.setdefault(tuple(words), len(self._known))
        if which == len(self.templates):
            self.templates.append(words)
        self.entries[step] = [which, numbers]

    def text(self, step: int) -> str:
        """The comparison at `step`, as the page writes it."""
        which, numbers = self.entries[step]
        words = self.templates[which]
        return words[0] + "".join(n + w for n, w in zip(numbers, words[1:], strict=True))


def film_panel(steps: Steps, frames: Frames, first: Comparison, pair: tuple[int, int],
               edge_index: dict[tuple[Value, int], int], digits: int) -> Panel:
    """`compare` of the nodes at positions `pair` at every step (`first`: at step 0)."""
    columns, factors = _quantities(first, frames, pair, edge_index)
    texts = [[number(x, digits) for x in column] for column in columns]
    pairs = [(i, j) for i in factors for j in factors if i < j]
    pairs.append((len(columns) - 2, len(columns) - 1))  # the two gradients
    groups: dict[tuple[Any, ...], list[int]] = {}
    for step in range(len(steps)):
        shapes = tuple(text[step].translate(_DIGITS) for text in texts)
        relations = tuple(_relation(columns[i][step], columns[j][step]) for i, j in pairs)
        groups.setdefault((shapes, relations), []).append(step)
    panel = Panel(entries=[[]] * len(steps), symmetric=[False] * len(steps))
    for members in groups.values():
        start = members[0]
        comparison = first if start == 0 else _compare(steps, start, pair, digits)
        words, traced = _traced(comparison, columns, texts, start)
        if traced is None:  # every step of the group on its own
            for step in members:
                comparison = _compare(steps, step, pair, digits) if step != start else comparison
                own_words, numbers = _slotted(comparison)
                panel.add(step, own_words, numbers)
                panel.symmetric[step] = comparison.symmetric
            continue
        panel.comparisons[start] = comparison
        for step in members:
            panel.add(step, words, [texts[q][step] for q in traced])
            panel.symmetric[step] = comparison.symmetric
    return panel


def _compare(steps: Steps, step: int, pair: tuple[int, int], digits: int) -> Comparison:
    """compare() of the pair at `step`, on the twin's graph of that step."""
    J = steps.graph(step)
    order = topological_order(J)
    result = compare(J, order[pair[0]], order[pair[1]], digits=digits)
    assert isinstance(result, Comparison)  # two scalars
    return result


def _slotted(comparison: Comparison) -> tuple[list[str], list[str]]:
    """The comparison's text as words and numbers."""
    with numbers_as_slots() as slots:
        text = str(comparison)
    words, marks = split_slots(text)
    return words, [slots[mark][1] for mark in marks]


def _traced(comparison: Comparison, columns: list[list[float]], texts: list[list[str]],
            step: int) -> tuple[list[str], list[int] | None]:
    """The comparison's words, and for each of its numbers the quantity (column) that
    holds it at every step; None when one cannot be traced or the columns' texts at
    `step` are not the comparison's own numbers."""
    with numbers_as_slots() as slots:
        text = str(comparison)
    words, marks = split_slots(text)
    traced = []
    for mark in marks:
        value, shown = slots[mark]
        candidates = [q for q, column in enumerate(columns)
                      if texts[q][step] == shown and equal_values(column[step], value)]
        if not candidates:
            return words, None
        traced.append(min(candidates, key=lambda q: abs(columns[q][step] - value)))
    return words, traced


def _relation(x: float, y: float) -> int:
    """0: the same number; 1: equal to the explainer's tolerance; 2: different."""
    return 0 if x == y else 1 if equal_values(x, y) else 2


def _quantities(first: Comparison, frames: Frames, pair: tuple[int, int],
                edge_index: dict[tuple[Value, int], int]) -> tuple[list[list[float]], list[int]]:
    """What the comparison can show, as columns (a value per step): the factors on the
    paths of both weights, each path's product, each total, and last the two gradients;
    with the positions of the factors' columns."""
    columns: list[list[float]] = []
    factor_column: dict[int, int] = {}
    for explanation in (first.explanation_a, first.explanation_b):
        for factor in explanation.factors:
            if len(factor.edges) != 1 or factor.via:
                continue  # a stretch of tensors: not one edge's number
            edge = edge_index[factor.edges[0]]
            column = [derivatives[edge] for derivatives in frames.derivatives]
            if edge not in factor_column and None not in column:
                factor_column[edge] = len(columns)
                columns.append(column)  # type: ignore[arg-type]
    factors = list(factor_column.values())
    for explanation in (first.explanation_a, first.explanation_b):
        edges = [[edge_index[factor.edges[0]] if len(factor.edges) == 1 else -1
                  for factor in path.factors] for path in explanation.paths]
        if explanation.grouped or any(e not in factor_column for path in edges for e in path):
            continue
        products = [[math.prod(columns[factor_column[e]][step] for e in path)
                     for step in range(len(frames.values))] for path in edges]
        columns += products
        columns.append([math.fsum(found) for found in zip(*products, strict=True)]
                       if products else [0.0] * len(frames.values))
    for node in pair:
        columns.append([float(gradients[node]) for gradients in frames.gradients])
    return columns, factors
