"""The boxes of the picture: value cards, op pills, and the summary boxes of a condensed view.

A value card shows a node's name, value and gradient, the gradient's cell coloured by its
sign and size (a tensor's as a tiny heat map); its header's colour says the kind of value
(parameter, input, computed, output) and its frame the highlighted paths through it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from ..value import Value, expression
from . import colors
from .colors import CARD_STYLES, text_on
from .condense import Summary
from .labels import (
    array_preview,
    cell,
    escape,
    font,
    html_label,
    number,
    shape_text,
    shorten,
    table,
)

if TYPE_CHECKING:
    from .render import Picture

NAME_LIMIT = 28
"""Characters of a made-up name (or a short name's definition) shown in a header."""

SHOWN_PARAMETERS = 8
"""A collapsed unit lists this many parameters, then the norm of all their gradients."""


def kind_of(node: Value, root: Value) -> str:
    """'root', 'parameter' (a leaf that requires a gradient), 'input' (a named leaf that
    does not), 'constant' (an unnamed leaf without gradient) or 'computed'."""
    if node is root:
        return "root"
    if node.op is None:
        if node.requires_grad:
            return "parameter"
        return "input" if node.label else "constant"
    return "computed"


def value_card(picture: Picture, node: Value) -> str:
    """A value's card: its name, value and gradient (coloured), framed by its kind and by
    the highlighted paths through it; a quiet chip for an unnamed constant."""
    kind = kind_of(node, picture.root)
    if kind == "constant":
        text = value_text(picture, node.data)
        if node.shape:
            text = f"{shape_text(node.shape)}: {text}"
        return html_label(table(
            [cell(font(escape(text), size=10, color=colors.MUTED))],
            border="1", cellborder="0", cellpadding="3", color="#c8c8c8", style="rounded",
            bgcolor="#fafafa",
        ))
    header_fill, header_ink, border = CARD_STYLES[kind]
    on_path = picture.paths.node_colors.get(node)
    if on_path and node is not picture.root:
        border = on_path[0] if len(on_path) == 1 else colors.INK
    width = "2" if kind == "parameter" or node is picture.root or on_path else "1"
    if any(item.wrt is node for item in picture.paths.highlights):
        width = "3"
    style = {}
    if node in picture.paths.factor_nodes:  # w5: a factor that makes the gradients differ
        border, width, style = picture.paths.factor_nodes[node], "3", {"style": "dashed"}
    rows = [cell(_header(picture, node, header_ink), colspan="2", bgcolor=header_fill,
                 cellpadding="4")]
    rows.append(_row("value", value_text(picture, node.data), None))
    if kind != "input":  # inputs have no gradient: no row for it
        rows.append(_grad_row(picture, node))
    return html_label(table(rows, border=width, cellborder="0", cellspacing="0",
                            cellpadding="3", color=border, bgcolor="#ffffff", **style))


def op_pill(node: Value) -> dict[str, str]:
    """The attributes of the small pill of the op that computed `node` (σ, Σwx+b, ×)."""
    return {"label": html_label(escape(node.op.symbol)), "shape": "box",
            "style": "rounded,filled", "fillcolor": "#f3f3f3", "color": "#c4c4c4",
            "fontcolor": "#555555", "fontsize": "10", "width": "0", "height": "0",
            "margin": "0.07,0.03"}


def summary_box(picture: Picture, summary: Summary) -> str:
    """A box standing for many nodes: a unit with its parameters, or a repeated step."""
    members = summary.members
    if summary.kind == "group":
        title = " · ".join(summary.title)
    elif summary.kind == "role":
        title = f"{summary.title[0]}  ×{len(members):,}"
    else:
        title = summary.title[0]
    rows = [cell(font(escape(title), size=13, bold=True), colspan="3", bgcolor="#e3e8ee",
                 cellpadding="4")]
    if summary.kind == "role":  # its title counts the copies: name a few of them
        labels = list(dict.fromkeys(n.label for n in members if n.label))
        note = ""
        if len(labels) > 1:
            note = ", ".join(labels[:3]) + (", …" if len(labels) > 3 else "")
    else:
        note = f"{len(members):,} nodes"
    if note:
        rows.append(cell(font(escape(note), size=10, color=colors.MUTED), colspan="3"))
    parameters = [n for n in members if n.op is None and n.requires_grad]
    if summary.kind == "group":
        rows.extend(_summary_parameter(picture, p) for p in parameters[:SHOWN_PARAMETERS])
        if len(parameters) > SHOWN_PARAMETERS:
            norm = math.sqrt(sum(float(np.sum(np.square(p.grad))) for p in parameters
                                 if p.grad is not None))
            text = (f"… and {len(parameters) - SHOWN_PARAMETERS} more; ‖grad‖ of all "
                    f"{len(parameters)}: {number(norm, picture.digits)}")
            rows.append(cell(font(escape(text), size=10, color=colors.MUTED), colspan="3"))
    elif summary.kind == "role":
        rows.extend(_ranges(picture, members))
    return html_label(table(rows, border="1", cellborder="0", cellspacing="0",
                            cellpadding="3", color="#7d8b99", bgcolor="#ffffff"))


def _header(picture: Picture, node: Value, ink: str) -> str:
    """The card's title: the node's name (a short name with what it stands for), its
    shape, and a dot per highlighted path through it."""
    quiet = colors.MUTED if ink == colors.INK else ink
    given = picture.names.given(node)
    if given:
        text = font(escape(given), size=14, color=ink, bold=True)
        if not node.label:  # a short name such as u1, as in the explainer's legend
            meaning = shorten(expression(node, picture.names), NAME_LIMIT)
            text += " " + font(escape(f"= {meaning}"), size=10, color=quiet)
    else:
        text = font(escape(shorten(picture.names(node), NAME_LIMIT)), size=11, color=ink)
    if node.shape:
        text += " " + font(escape(shape_text(node.shape)), size=10, color=quiet)
    dots = "".join(font("●", size=10, color=c) for c in picture.paths.node_colors.get(node, ()))
    return text + (" " + dots if dots else "")


def _row(name: str, text: str, fill: str | None) -> str:
    """A row of a card: a name on the left, the text on the right, both on `fill`."""
    ink = text_on(fill) if fill else colors.INK
    extra = {"bgcolor": fill} if fill else {}
    return (cell(font(escape(name), size=10, color=ink if fill else colors.MUTED),
                 align="left", **extra)
            + cell(font(escape(text), size=12, color=ink), align="right", **extra))


def _grad_name(picture: Picture, node: Value) -> str:
    """What a card calls the gradient: '∂J/∂w1' where both names are short, else 'grad'."""
    name = picture.names.given(node)
    if picture.root_name and name and len(name) <= 8:
        return f"∂{picture.root_name}/∂{name}"
    return "grad"


def _grad_row(picture: Picture, node: Value) -> str:
    """The gradient's row: a coloured number, or a tensor's heat map and preview."""
    grad = node.grad
    if grad is None:
        return _row("grad", "—", None)
    if np.ndim(grad) == 0:
        # The root's gradient is the seed (1): nothing to compare, so not coloured.
        fill = None if node is picture.root else picture.scale.fill(float(grad))
        return _row(_grad_name(picture, node), number(grad, picture.digits), fill)
    heat = _heatmap(picture, np.asarray(grad, dtype=float))
    text = font(escape(array_preview(grad, picture.digits)), size=10)
    if heat:  # a cell holds text or a table, not both: stack them in a table
        text = table([cell(heat), cell(text)], border="0", cellspacing="0",
                     cellpadding="1")
    return cell(font(escape(_grad_name(picture, node)), size=10, color=colors.MUTED),
                align="left") + cell(text, align="right")


def _heatmap(picture: Picture, grad: np.ndarray, limit: int = 12) -> str:
    """A tiny grid of the gradient's elements, coloured like scalar gradients."""
    matrix = grad.reshape(1, -1) if grad.ndim == 1 else grad
    if matrix.ndim != 2 or matrix.shape[0] > limit or matrix.shape[1] > limit:
        return ""
    rows = [
        "".join(cell("", bgcolor=picture.scale.fill(float(x)), width="9", height="9",
                     fixedsize="true") for x in row)
        for row in matrix
    ]
    height, width = matrix.shape
    # A fixed size, or Graphviz stretches the grid across the whole card.
    return table(rows, border="0", cellborder="1", cellspacing="0", cellpadding="0",
                 color="#ffffff", fixedsize="true", width=str(9 * width),
                 height=str(9 * height))


def value_text(picture: Picture, data: Any) -> str:
    """A number, or a tensor's preview (its values, or its norm and range)."""
    if np.ndim(data) == 0:
        return number(data, picture.digits)
    return array_preview(data, picture.digits)


def _summary_parameter(picture: Picture, parameter: Value) -> str:
    """One parameter of a collapsed unit: name, value, gradient (coloured)."""
    name = cell(font(escape(picture.names(parameter)), size=11, bold=True),
                align="left")
    value = cell(font(escape(value_text(picture, parameter.data)), size=11), align="right")
    if parameter.grad is None or np.ndim(parameter.grad) != 0:
        return name + value + cell("")
    fill = picture.scale.fill(float(parameter.grad))
    grad = cell(font(escape(number(parameter.grad, picture.digits)), size=11,
                     color=text_on(fill)), bgcolor=fill, align="right")
    return name + value + grad


def _ranges(picture: Picture, members: list[Value]) -> Iterator[str]:
    """The range of the values and of the gradients of a repeated step's copies."""
    for name, numbers in (("value", [n.data for n in members]),
                          ("grad", [n.grad for n in members if n.grad is not None])):
        scalars = [float(x) for x in numbers if np.ndim(x) == 0]
        if scalars:
            low, high = min(scalars), max(scalars)
            text = number(low, picture.digits) if low == high else \
                f"{number(low, 3)} … {number(high, 3)}"
            yield (cell(font(name, size=10, color=colors.MUTED), align="left")
                   + cell(font(escape(text), size=11), colspan="2", align="right"))
