"""The picture's legend: the chain rule along each highlighted path, and a colour key.

For `highlight=[w1, w3]` the legend multiplies the factors along every path of each
highlighted input, one row per path, and gives the total, so ∂J/∂w1 and ∂J/∂w3 can be
compared on the picture itself. Factors that differ between the highlighted inputs
(w5 against w6) are drawn bold.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..explainer import Explanation, Factor, MatrixExplanation
from ..value import Value
from . import colors
from .cards import SMALL
from .labels import SUPERSCRIPT, cell, escape, font, html_label, number, table, wrapped
from .matrix_legend import MATRIX_CAPTION, matrix_rows

if TYPE_CHECKING:
    from .render import Picture

MAX_ROWS = 6  # paths listed per highlighted input; the rest are counted


def graph_label(picture: Picture, key: bool = True, title: str | None = None) -> str | None:
    """The graph's label (drawn above it): title, highlight table, key and notes."""
    parts = []
    if title:
        parts.append(cell(font(escape(title), size=16, bold=True), align="left"))
    if picture.paths.active:
        parts.append(cell(highlight_table(picture), align="left"))
    if key:
        parts.append(cell(key_table(picture), align="left"))
    if picture.plan.note:
        parts.append(cell(font(wrapped(picture.plan.note), size=SMALL, color="#8a4b00"),
                          align="left"))
    if not parts:
        return None
    return html_label(table(parts, border="0", cellspacing="6", cellpadding="0"))


def highlight_table(picture: Picture) -> str:
    """One row per path of each highlighted input: its factors, their product, the total.

    Factors sit in aligned columns, so the rows of ∂J/∂w1 and ∂J/∂w3 read against each
    other; the ones that differ between the highlighted inputs are bold. Paths through
    examples drawn as one box are not listed one by one: one row gives their sum.
    """
    digits = picture.digits
    differing = picture.paths.differing
    listed = {id(item): _drawn_paths(picture, item.explanation)
              for item in picture.paths.highlights
              if isinstance(item.explanation, Explanation)}
    width = max((len(path.factors) for paths in listed.values() for path in paths[:MAX_ROWS]),
                default=0)
    caption = "The chain rule along each highlighted path: the product of the local " \
              "derivatives on its edges." + (" Factors that differ between the paths are bold; "
                                             "a weight that is such a factor has a dashed card "
                                             "in its path's colour." if differing else "")
    if not listed:  # tensors only
        caption = ""
    if len(listed) < len(picture.paths.highlights):
        caption += MATRIX_CAPTION
    caption += stretch_caption([factor for paths in listed.values() for path in paths
                                for factor in path.factors], picture.names)
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
        paths = listed[id(item)]
        several = len(explanation.paths) > 1
        for number_of_path, path in enumerate(paths[:MAX_ROWS]):
            first = number_of_path == 0
            row = cell(swatch if first else "") + cell(name if first else "", align="left")
            for position, factor in enumerate(path.factors):
                strong = id(factor) in differing
                row += cell(font("=" if position == 0 else "×", size=15, color=colors.MUTED))
                row += cell(_factor_cell(picture, factor, strong, item.color))
            padding = 2 * (width - len(path.factors))
            if padding:
                row += cell("", colspan=str(padding))
            product = font(escape(f"= {number(path.product, digits)}"), size=13)
            row += cell(product if several else total, align="left")
            rows.append(row)
        boxed = [path for path in explanation.paths if path not in paths]
        if boxed:
            note = (f"+ the {len(boxed):,} paths through the examples drawn as one box, "
                    "each like the one above with its own numbers")
            rows.append(cell("") + cell("") + cell(
                font(escape(note), size=12, color=colors.MUTED), colspan=str(2 * width),
                align="right") + cell(font(escape(
                    f"= {number(math.fsum(p.product for p in boxed), digits)}"), size=13),
                    align="left"))
        if several:
            hidden = len(paths) - MAX_ROWS
            note = f"sum over the {len(explanation.paths)} paths" + (
                f" ({hidden} not listed)" if hidden > 0 else "")
            rows.append(cell("") + cell("") + cell(
                font(escape(note), size=12, color=colors.MUTED),
                colspan=str(2 * width), align="right") + cell(total, align="left"))
    # The caption sits in a row of its own (spanning the factor columns, its width would
    # push them apart), wrapped so that it is not wider than they are.
    factors = table(rows, border="0", cellspacing="0", cellpadding="4")
    return table([cell(font(wrapped(caption.strip()), size=12, color=colors.MUTED),
                       align="left"),
                  cell(factors, align="left")], border="0", cellspacing="2", cellpadding="0")


def _drawn_paths(picture: Picture, explanation: Explanation) -> list:
    """The paths of `explanation` whose nodes are drawn: not through examples drawn as one
    box (when all are, all of them)."""
    boxed = {node for summary in picture.plan.summaries if summary.kind == "examples"
             for node in summary.members}
    if not boxed:
        return list(explanation.paths)
    drawn = [path for path in explanation.paths
             if not any(factor.parent in boxed or factor.child in boxed
                        for factor in path.factors)]
    return drawn or list(explanation.paths)


def _factor_cell(picture: Picture, factor: Factor, strong: bool, color: str) -> str:
    """'∂z3/∂a1' above 'w5 = 0.73': one factor of a path, boxed in its path's colour; a
    factor that crosses tensor nodes says which, and what its indices i, j are."""
    formula = factor.formula
    value = number(factor.value, picture.digits)
    text = escape(formula if value == formula else f"{formula} = {value}")
    text = f"<B>{text}</B>" if strong else text
    rows = [cell(font(escape(factor.name), size=SMALL, color=colors.MUTED)),
            cell(font(text, size=14, color=colors.INK))]
    note = stretch_note(factor, picture.names)
    if note:
        rows.append(cell(font(escape(note), size=SMALL, color=colors.MUTED)))
    return table(rows, border="1" if strong else "0", color=color, cellborder="0",
                 cellspacing="0", cellpadding="2", style="rounded")


def stretch_note(factor: Factor, name: Callable[[Value], str]) -> str:
    """For a factor through tensor nodes: 'through z, u1'; or, for a formula with indices
    (δᵢⱼ − softmax(z)ⱼ), which elements i and j are: the one the result picks (u2 = u1[1]:
    i = 1) and the one the parent is (z1 = z[0]: j = 0). Empty for a plain edge."""
    if not factor.via:
        return ""
    indices = {}
    for node, index in factor.edges:
        picked = (node.attrs or {}).get("index")
        if node.op.name == "getitem" and isinstance(picked, int):
            indices["i"] = (picked, f"{name(node)} = {name(node.parents[0])}[{picked}]")
        elif node.op.name == "stack" and node.parents[index] is factor.parent:
            indices["j"] = (index, f"{factor.parent_name} = {name(node)}[{index}]")
    if ("ᵢ" in factor.formula or "ⱼ" in factor.formula) and len(indices) == 2:
        (i, picks), (j, place) = indices["i"], indices["j"]
        return f"i = {i}, j = {j}: {picks}, {place}"
    return "through " + ", ".join(name(node) for node in factor.via)


def stretch_caption(factors: list[Factor], name: Callable[[Value], str]) -> str:
    """What the indices of the factors through tensor nodes mean, said once: ' ∂u2/∂z1
    crosses the tensors u1, z in one step; δᵢⱼ is 1 if i = j, else 0.'"""
    for factor in factors:
        if factor.via and stretch_note(factor, name).startswith("i = "):
            through = ", ".join(name(node) for node in factor.via)
            return (f" {factor.name} crosses the tensors {through} in one step; δᵢⱼ is 1 if "
                    "i = j, else 0.")
    return ""


def _no_list_reason(explanation: Explanation) -> str:
    """Why the legend lists no path for this input."""
    if explanation.root is explanation.wrt:
        return "the node itself"
    if explanation.path_count == 0:
        root, wrt = explanation.name_of(explanation.root), explanation.name_of(explanation.wrt)
        return f"{root} does not depend on {wrt}"
    return f"{explanation.path_count:,} paths: too many to list one by one"


def key_table(picture: Picture) -> str:
    """What the colours mean: kinds of values, and the gradient scale with a mark at each
    power of ten (the colour of −0.01 next to that of −1)."""
    swatches = []
    names = {"parameter": "parameter (learned)", "input": "input / constant",
             "computed": "computed", "root": "output"}
    for kind, text in names.items():
        if kind in picture.kinds:
            fill, ink, border = colors.CARD_STYLES[kind]
            swatches.append(
                cell(font(escape(text), size=SMALL, color=ink), bgcolor=fill, color=border,
                     border="1", cellpadding="4")
            )
    caption = font("gradient (log scale):", size=SMALL, color=colors.MUTED)
    row = "".join(swatches) + cell("", width="12") + cell(caption) + cell(scale_table(picture))
    return table([row], border="0", cellspacing="4", cellpadding="0")


def scale_table(picture: Picture) -> str:
    """The gradient colours at −largest … −floor, 0, floor … largest, each marked with its
    magnitude below it (the sign is the colour's: red negative, blue positive)."""
    marks = picture.scale.ticks()
    values = [-m for m in marks] + [0.0] + list(reversed(marks))
    swatches = "".join(cell("", bgcolor=picture.scale.fill(v), width="22", height="12",
                            fixedsize="true") for v in values)
    texts = "".join(cell(font(escape(_mark(v)), size=SMALL, color=colors.MUTED))
                    for v in values)
    return table([swatches, texts], border="0", cellspacing="1", cellpadding="1")


def _mark(value: float) -> str:
    """A mark of the scale: '−0.01', '+1', '−10⁻⁵', '0'."""
    if value == 0:
        return "0"
    sign = "−" if value < 0 else "+"
    magnitude = abs(value)
    power = round(math.log10(magnitude))
    if math.isclose(magnitude, 10.0**power) and not -2 <= power <= 3:
        return f"{sign}10{str(power).translate(SUPERSCRIPT)}"
    return sign + number(magnitude, 2)
