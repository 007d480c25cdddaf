"""The text of a matrix-form explanation: the steps with their shapes, the folded
equations, the numbers (small matrices in full, large ones by shape and a few rows), and
the check against backpropagation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from ..value import op_of
from .explanation_text import legend_lines, paragraph
from .factor import number
from .matrix_chain import OTHER, SPREAD, Step, shape_text

if TYPE_CHECKING:
    from .matrix_explanation import MatrixExplanation

SHOWN_ROWS = 6
"""A matrix with more rows shows its first rows and its last one."""

SHOWN_COLUMNS = 8
"""A matrix with more columns shows its first columns and its last one."""


def kind_text(shape: tuple[int, ...]) -> str:
    """'a 2×3 matrix', 'a vector of 3', 'a scalar', 'a 2×3×4 array'."""
    if not shape:
        return "a scalar"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    return f"a {shape_text(shape)} {'matrix' if len(shape) == 2 else 'array'}"


def _note(e: MatrixExplanation, step: Step) -> str:
    """Which op each term's rule is from, and n where a formula divides by it."""
    notes = []
    for term in step.terms:
        text = op_of(term.child).name
        if term.kind == SPREAD and re.search(r"\bn\b", term.formula):
            text += f", n = {term.parent.size // max(term.child.size, 1)}"
        elif term.kind == OTHER and term.formula != "1":
            text += f": ∂{e.name_of(term.child)}/∂{e.name_of(term.parent)} = {term.formula}"
        notes.append(text)
    return "; ".join(dict.fromkeys(notes))


def step_lines(e: MatrixExplanation) -> list[str]:
    """One line per node from the root down: 'δ1 = ∂J/∂Z1 = ∂J/∂A1 ⊙ A1 ⊙ (1 − A1)', then
    its dimension check and the op whose rule it is."""
    rows = [(equation.left, equation.right, equation.shapes, _note(e, step))
            for equation, step in zip(e.form.steps, e.chain.steps[1:], strict=True)]
    widths = [max(len(row[k]) for row in rows) for k in range(3)]
    return [f"  {a:<{widths[0]}} = {b:<{widths[1]}}   {c:<{widths[2]}}   {d}".rstrip()
            for a, b, c, d in rows]


def folded_lines(e: MatrixExplanation) -> list[str]:
    """The course's form: ∂J/∂W1 = Xᵀ · δ1, then each δ from the bottom up, each with its
    dimension check and what cancelled."""
    rows = [(f"{eq.symbol} = {eq.right}", eq.shapes, eq.remark) for eq in e.form.folded]
    widths = [max(len(row[k]) for row in rows) for k in range(2)]
    return [f"  {a:<{widths[0]}}   {b:<{widths[1]}}   {c}".rstrip() for a, b, c in rows]


def matrix_lines(value: Any, digits: int, indent: str = "    ") -> list[str]:
    """A gradient's entries as aligned rows; a big one by its first rows and columns, its
    last ones, and … in between."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return [indent + number(float(array), digits)]
    if array.ndim > 2:
        return [indent + f"{shape_text(array.shape)} entries from {number(array.min(), digits)} "
                f"to {number(array.max(), digits)}"]
    grid = array.reshape(1, -1) if array.ndim == 1 else array
    rows = _shown(grid.shape[0], SHOWN_ROWS)
    columns = _shown(grid.shape[1], SHOWN_COLUMNS)
    cells = [[("…" if j is None else number(float(grid[i, j]), digits)) if i is not None else "⋮"
              for j in columns] for i in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(columns))]
    return [indent + "[" + "  ".join(f"{cell:>{width}}" for cell, width in zip(row, widths,
                                                                                strict=True)) + "]"
            for row in cells]


def _shown(count: int, limit: int) -> list[int | None]:
    """The indices shown out of `count`: all, or the first ones, None (…), the last."""
    if count <= limit:
        return list(range(count))
    return [*range(limit - 2), None, count - 1]


def value_lines(e: MatrixExplanation) -> list[str]:
    """The numbers of the folded equations' gradients, from the top (δ2) down to ∂J/∂W1."""
    lines = []
    for equation in reversed(e.form.folded):
        value = e.chain.step_of(equation.node).value
        shape = np.shape(value)
        big = any(n > limit for n, limit in zip(shape[-2:], (SHOWN_ROWS, SHOWN_COLUMNS),
                                                strict=False)) or len(shape) > 2
        what = f"{shape_text(shape)}, a few entries" if big else shape_text(shape)
        lines += [f"  {equation.symbol} ({what}):", *matrix_lines(value, e.digits)]
    return lines


def derivation(e: MatrixExplanation) -> list[str]:
    """The whole explanation, line by line."""
    root, wrt = e.name_of(e.root), e.name_of(e.wrt)
    lines = legend_lines(e.chain.names.definitions)
    if not e.chain.steps:
        return [*lines, *paragraph(
            f"{e.name} = 0: {root} does not depend on {wrt} (no path leads from {root} down to "
            f"{wrt}), so changing {wrt} does not change {root}."), "", *_check(e)]
    deltas = sorted(set(e.form.deltas.values()))
    delta_names = ", ".join(f"{symbol} = {e.chain.symbol(node)}"
                            for node, symbol in e.form.deltas.items())
    lines += paragraph(
        f"{e.name} in matrix form. {wrt} is {kind_text(e.wrt.shape)}, and so is {e.name}. "
        f"Backpropagation hands one gradient array to each node from {root} down to {wrt}; "
        "each step below is the rule of one op of the table (· is the matrix product, ⊙ "
        "multiplies element by element" + (f"; {delta_names}" if deltas else "") + "):")
    lines += ["", *step_lines(e), ""]
    lines += paragraph("Substituting the steps into each other" + (
        ", keeping the δs," if deltas else "") + " gives the course's form:")
    lines += ["", *folded_lines(e), ""]
    lines += ["The numbers:", *value_lines(e), "", *_check(e)]
    return lines


def _check(e: MatrixExplanation) -> list[str]:
    """The check against backpropagation, or its failure with the largest difference."""
    wrt = e.name_of(e.wrt)
    where = (f"backpropagation ({e.name_of(e.root)}.backward(), which accumulates it into "
             f"{wrt}.grad)")
    size = kind_text(e.wrt.shape)[2:]
    if e.agrees:
        return paragraph(f"Check: {where} gives the same {size} (largest difference "
                         f"{e.largest_difference:.2g}).")
    return paragraph(f"Check FAILED: {where} differs from the matrix form by up to "
                     f"{e.largest_difference:.3g}.")
