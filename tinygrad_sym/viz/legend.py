"""The picture's legend: the chain rule along each highlighted path, and a colour key.

For `highlight=[w1, w3]` the legend multiplies the factors along every path of each
highlighted input, one row per path, and gives the total, so ∂J/∂w1 and ∂J/∂w3 can be
compared on the picture itself. Factors that differ between the highlighted inputs
(w5 against w6) are drawn bold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..explainer import Explanation, Factor, MatrixExplanation
from . import colors
from .labels import cell, escape, font, html_label, number, table, wrapped
from .matrix_legend import matrix_rows

if TYPE_CHECKING:
    from .render import Picture

MAX_ROWS = 6  # paths listed per highlighted input; the rest are counted


def graph_label(picture: Picture, key: bool = True, title: str | None = None) -> str | None:
    """The graph's label (drawn under it): title, highlight table, key and notes."""
    parts = []
    if title:
        parts.append(cell(font(escape(title), size=16, bold=True), align="left"))
    if picture.paths.active:
        parts.append(cell(highlight_table(picture), align="left"))
    if key:
        parts.append(cell(key_table(picture), align="left"))
    if picture.plan.note:
        parts.append(cell(font(wrapped(picture.plan.note), size=11, color="#8a4b00"),
                          align="left"))
    if not parts:
        return None
    return html_label(table(parts, border="0", cellspacing="6", cellpadding="0"))


def highlight_table(picture: Picture) -> str:
    """One row per path of each highlighted input: its factors, their product, the total.

    Factors sit in aligned columns, so the rows of ∂J/∂w1 and ∂J/∂w3 read against each
    other; the ones that differ between the highlighted inputs are bold.
    """
    digits = picture.digits
    differing = picture.paths.differing
    width = max((len(path.factors) for item in picture.paths.highlights
                 if isinstance(item.explanation, Explanation)
                 for path in item.explanation.paths[:MAX_ROWS]), default=0)
    caption = "The chain rule along each highlighted path: the product of the local " \
              "derivatives on its edges." + (" Factors that differ between the paths are bold; "
                                             "a weight that is such a factor has a dashed card "
                                             "in its path's colour." if differing else "")
    rows = []
    for item in picture.paths.highlights:
        explanation = item.explanation
        if isinstance(explanation, MatrixExplanation):  # a tensor: its matrix form
            rows += matrix_rows(explanation, item.color, 2 * width + 2, digits)
            continue
        swatch = font("■", size=18, color=item.color)
        name = font(escape(explanation.name), size=15, bold=True, color=item.color)
        total = font(escape(f"= {number(explanation.total, digits)}"), size=15, bold=True)
        if not explanation.paths:
            rows.append(cell(swatch) + cell(name, align="left")
                        + cell(font(escape(_no_list_reason(explanation)), size=12,
                                    color=colors.MUTED), colspan=str(2 * width + 1),
                               align="left") + cell(total, align="left"))
            continue
        several = len(explanation.paths) > 1
        for number_of_path, path in enumerate(explanation.paths[:MAX_ROWS]):
            first = number_of_path == 0
            row = cell(swatch if first else "") + cell(name if first else "", align="left")
            for position, factor in enumerate(path.factors):
                strong = id(factor) in differing
                row += cell(font("=" if position == 0 else "×", size=15, color=colors.MUTED))
                row += cell(_factor_cell(factor, digits, strong, item.color))
            padding = 2 * (width - len(path.factors))
            if padding:
                row += cell("", colspan=str(padding))
            product = font(escape(f"= {number(path.product, digits)}"), size=13)
            row += cell(product if several else total, align="left")
            rows.append(row)
        if several:
            hidden = len(explanation.paths) - MAX_ROWS
            note = f"sum over the {len(explanation.paths)} paths" + (
                f" ({hidden} not listed)" if hidden > 0 else "")
            rows.append(cell("") + cell("") + cell(
                font(escape(note), size=12, color=colors.MUTED),
                colspan=str(2 * width), align="right") + cell(total, align="left"))
    # The caption sits in a row of its own (spanning the factor columns, its width would
    # push them apart), wrapped so that it is not wider than they are.
    factors = table(rows, border="0", cellspacing="0", cellpadding="4")
    return table([cell(font(wrapped(caption), size=12, color=colors.MUTED), align="left"),
                  cell(factors, align="left")], border="0", cellspacing="2", cellpadding="0")


def _factor_cell(factor: Factor, digits: int, strong: bool, color: str) -> str:
    """'∂z3/∂a1' above 'w5 = 0.73': one factor of a path, boxed in its path's colour."""
    formula = factor.formula
    value = number(factor.value, digits)
    text = escape(formula if value == formula else f"{formula} = {value}")
    text = f"<B>{text}</B>" if strong else text
    rows = [cell(font(escape(factor.name), size=11, color=colors.MUTED)),
            cell(font(text, size=14, color=colors.INK))]
    return table(rows, border="1" if strong else "0", color=color, cellborder="0",
                 cellspacing="0", cellpadding="2", style="rounded")


def _no_list_reason(explanation: Explanation) -> str:
    """Why the legend lists no path for this input."""
    if explanation.root is explanation.wrt:
        return "the node itself"
    if explanation.path_count == 0:
        root, wrt = explanation.name_of(explanation.root), explanation.name_of(explanation.wrt)
        return f"{root} does not depend on {wrt}"
    return f"{explanation.path_count:,} paths: too many to list one by one"


def key_table(picture: Picture) -> str:
    """What the colours mean: kinds of values, and the gradient scale with its extremes."""
    swatches = []
    names = {"parameter": "parameter (learned)", "input": "input / constant",
             "computed": "computed", "root": "output"}
    for kind, text in names.items():
        if kind in picture.kinds:
            fill, ink, border = colors.CARD_STYLES[kind]
            swatches.append(
                cell(font(escape(text), size=11, color=ink), bgcolor=fill, color=border,
                     border="1", cellpadding="4")
            )
    largest = picture.scale.largest
    steps = [-1, -0.5, -0.2, -0.05, 0, 0.05, 0.2, 0.5, 1]
    bar = "".join(cell("", bgcolor=picture.scale.fill(s * largest) if largest else colors.ZERO,
                       width="16", height="14", fixedsize="true") for s in steps)
    beyond = "≤ " if picture.saturates else ""
    low = font(escape(f"{beyond}−{number(largest, 3)}" if largest else "0"), size=11,
               color=colors.MUTED)
    high = font(escape(f"{beyond.replace('≤', '≥')}+{number(largest, 3)}" if largest else "0"),
                size=11, color=colors.MUTED)
    scale = table([cell(low) + bar + cell(high)], border="0", cellspacing="0",
                  cellpadding="2")
    caption = font("gradient:", size=11, color=colors.MUTED)
    row = "".join(swatches) + cell("", width="12") + cell(caption) + cell(scale)
    return table([row], border="0", cellspacing="4", cellpadding="0")
