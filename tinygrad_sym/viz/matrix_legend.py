"""The legend's rows for a highlighted tensor: the chain rule in matrix form.

`draw(J, highlight=[W1])` on a tensor net colours W1's chain of matrices and writes, in the
legend, the course's equations the explainer derives from the op table (∂J/∂W1 = Xᵀ · δ1,
δ1 = (δ2 · W2ᵀ) ⊙ A1 ⊙ (1 − A1), δ2 = (A2 − y)/n), each with its shapes (2×3 = 2×4 · 4×3),
and the gradient's numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..explainer import MatrixExplanation
from . import colors
from .labels import array_preview, cell, escape, font, number, shape_text

MATRIX_CAPTION = (" A highlighted tensor is explained in matrix form: along its coloured path, "
                  "each gradient is written from the one above it by the op table's rules, "
                  "with the shapes of its factors under it.")
"""What the legend's caption says about the matrix-form rows."""

EQUATION_SIZE = 14
"""Point size of the equations (as the factors of a scalar path)."""

NOTE_SIZE = 12
"""Point size of the shapes and notes under them."""

MONOSPACE = "DejaVu Sans Mono,Menlo,Consolas,monospace"
"""The numbers' font: one width for every digit, so a matrix's columns line up."""

MAX_ENTRIES = 24
"""A gradient with more entries is written by its norm and range, not entry by entry."""


def matrix_rows(explanation: MatrixExplanation, color: str, span: int, digits: int) -> list[str]:
    """Rows of the highlight table for one tensor: its name and size, one row per folded
    equation (the formula, then its dimension check and what cancelled), the numbers.
    The formulas take `span` columns of the table (the width of the scalar paths' rows)."""
    swatch = font("■", size=18, color=color)
    name = font(escape(explanation.name), size=15, bold=True, color=color)
    symbols = "; ".join(f"{symbol} = {explanation.chain.symbol(node)}"
                        for node, symbol in explanation.form.deltas.items())
    intro = (f"in matrix form ({shape_text(explanation.wrt.shape)}): · is the matrix "
             f"product, ⊙ multiplies element by element" + (f"; {symbols}" if symbols else ""))
    rows = [cell(swatch) + cell(name, align="left")
            + cell(font(escape(intro), size=NOTE_SIZE, color=colors.MUTED), align="left",
                   colspan=str(max(span, 1)))]
    for equation in explanation.form.folded:
        formula = font(escape(f"{equation.symbol} = {equation.right}"), size=EQUATION_SIZE,
                       color=colors.INK)
        check = f"shapes: {equation.shapes}"
        if equation.remark:
            check += f"   {equation.remark}"
        rows.append(cell("") + cell("") + cell(formula, align="left", colspan=str(max(span, 1))))
        rows.append(cell("") + cell("") + cell(font(escape(check), size=NOTE_SIZE,
                                                    color=colors.MUTED),
                                               align="left", colspan=str(max(span, 1))))
    agreement = "equals" if explanation.agrees else "DIFFERS from"
    check = (f"{explanation.name} {agreement} backward's "
             f"{explanation.name_of(explanation.wrt)}.grad")
    rows.append(cell("") + cell("") + cell(numbers_table(explanation.total, digits),
                                           align="left", colspan=str(max(span, 1))))
    rows.append(cell("") + cell("") + cell(font(escape(check), size=NOTE_SIZE,
                                                    color=colors.MUTED),
                                           align="left", colspan=str(max(span, 1))))
    return rows


def numbers_table(value: Any, digits: int) -> str:
    """'= ' and the gradient's numbers as the matrix they are, in aligned columns (a
    monospaced font; a vector is one row); a big one by its norm and range."""
    array = np.asarray(value, dtype=float)
    if array.ndim > 2 or array.size > MAX_ENTRIES:
        return font(escape(f"= {array_preview(array, digits)}"), size=13, bold=True)
    grid = array.reshape(1, -1) if array.ndim < 2 else array
    texts = [[number(x, digits) for x in row] for row in grid]
    widths = [max(len(row[j]) for row in texts) for j in range(grid.shape[1])]
    lines = [("= " if k == 0 else "  ") + "  ".join(f"{x:>{w}}" for x, w in zip(row, widths,
                                                                             strict=True))
             for k, row in enumerate(texts)]
    body = '<BR ALIGN="LEFT"/>'.join(escape(line) for line in lines) + '<BR ALIGN="LEFT"/>'
    return f'<FONT FACE="{MONOSPACE}" POINT-SIZE="13">{body}</FONT>'
