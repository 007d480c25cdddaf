"""The boxes of the picture: value cards, op nodes, and the summary boxes of a condensed view.

A value card shows a node's name, value and gradient in one narrow column, the gradient's
cell coloured by its sign and size (a tensor's as a tiny heat map); its header's colour
says the kind of value (parameter, input, computed, output) and its frame the highlighted
paths through it. An op node writes each incoming edge's local derivative on its own row.
In a tensor picture there are no op nodes: each card says how it was computed (Z1 =
X·W1 + b1) and writes those rows itself, so the layout has half the columns.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from ..value import Value, op_of
from . import colors, derivatives
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
    tooltip,
    wrapped,
)

if TYPE_CHECKING:
    from .render import Picture

NAME_LIMIT = 28
"""Characters of a made-up name (or a short name's definition) shown in a header."""

NAME = 14
"""Point size of a card's name."""
NUMBER = 12
"""Point size of the numbers on a card."""
SMALL = 11
"""Point size of the smallest text: derivatives, the gradient's name, op symbols."""
OP_FILL, OP_BORDER, OP_INK = "#f3f3f3", "#c4c4c4", "#555555"
"""How op nodes look: quiet, so that the values stand out."""

LINE = 18
"""Characters per line of a tensor's values on its card (more go on further lines)."""

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
    the highlighted paths through it; a quiet chip for an unnamed constant.

    One narrow column (name; value; ∂J/∂name over the gradient), so that the layout's
    columns stay narrow and the picture stays legible when shown small."""
    kind = kind_of(node, picture.root)
    if kind == "constant":
        text = value_text(picture, node.data)
        if node.shape:
            text = f"{shape_text(node.shape)}: {text}"
        return html_label(table(
            [cell(font(escape(text), size=SMALL, color=colors.MUTED))],
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
    style: dict[str, Any] = {}  # more attributes of the table
    if node in picture.paths.factor_nodes:  # w5: a factor that makes the gradients differ
        border, width, style = picture.paths.factor_nodes[node], "3", {"style": "dashed"}
    op_inside = picture.ops_in_cards and node.op is not None  # a tensor picture's card
    titled_by_op = op_inside and not picture.names.given(node)  # BCE(A2, y)
    rows = [cell(_header(picture, node, header_ink), **({"port": "op"} if titled_by_op else {}),
                 bgcolor=header_fill, cellpadding="3")]
    if op_inside:
        rows += _op_rows(picture, node, header_fill, header_ink)
    rows.append(cell(font(wrapped(value_text(picture, node.data), LINE, "CENTER"),
                          size=NUMBER), **({"port": "v"} if picture.ops_in_cards else {})))
    if kind != "input":  # inputs have no gradient: no row for it
        rows.append(_grad_cell(picture, node))
    return html_label(table(rows, border=width, cellborder="0", cellspacing="0",
                            cellpadding="2", color=border, bgcolor="#ffffff", **style))


def card_tooltip(picture: Picture, node: Value) -> str:
    """What hovering over a card shows (SVG): the node's name, value and gradient in full,
    and what a short name stands for."""
    name = picture.names(node)
    lines = [f"{name} = {value_text(picture, node.data)}"]
    if picture.names.short.get(node) or picture.names.per_example.get(node):
        lines.append(picture.names.definition(node) if node.op is not None else name)
    if node.grad is not None:
        grad = node.grad
        text = number(grad, picture.digits) if np.ndim(grad) == 0 else array_preview(
            grad, picture.digits)
        lines.append(f"{_grad_name(picture, node)} = {text}")
    return tooltip(lines)


def op_tooltip(picture: Picture, node: Value) -> str:
    """What hovering over an op node shows: the op over its operands, and the local
    derivative of every incoming edge, those not written on the picture included."""
    lines = [f"{picture.names(node)} = {picture.names.meaning(node)}"]
    lines += [derivatives.derivative(picture, node, index).text
              for index in range(len(node.parents))
              if kind_of(node.parents[index], picture.root) != "constant"]
    return tooltip(lines)


def formula(picture: Picture, node: Value, depth: int = 2) -> str:
    """How a card says its op computed it, in the picture's names and the legend's
    notation (· the matrix product): 'X·W1 + b1', 'σ(Z1)', 'BCE(A2, y)', 'mean(u3)'; an
    operand without a name is written as its own card writes it (mean(BCE(A2, y)))."""
    op = op_of(node)
    operands = [card_name(picture, parent, depth - 1) for parent in node.parents]
    if op.name == "affine":
        return f"{operands[0]}·{operands[1]} + {operands[2]}"
    if op.name == "matmul":
        return "·".join(operands)
    if op.name == "neg":
        return f"−{operands[0]}"
    if op.name == "getitem":
        meaning = picture.names.meaning(node)
        return meaning if not meaning.startswith("getitem(") else f"{operands[0]}[…]"
    if op.name == "transpose":
        return f"{operands[0]}ᵀ"
    if op.infix or op.name == "weighted_sum":
        return picture.names.meaning(node)
    symbol = op.symbol if op.symbol.isalpha() else op.name  # σ, BCE; not ⇲ or []←
    return f"{symbol}({', '.join(operands)})"


def card_name(picture: Picture, node: Value, depth: int = 1) -> str:
    """What a card calls a node: its name, or in a tensor picture (where an unnamed
    result's card is titled by its op) its formula, `depth` ops deep."""
    given = picture.names.given(node)
    if given or node.op is None or not picture.ops_in_cards:
        return given or picture.names(node)
    return formula(picture, node, depth) if depth > 0 else "…"


def _op_rows(picture: Picture, node: Value, fill: str, ink: str) -> list[str]:
    """The rows of a tensor's card that say how it was computed: '= X·W1 + b1' under the
    header (in its colours; port `op`, where the edges without a written derivative
    arrive; a result without a name has its op as its title instead), then each incoming
    edge's local derivative on the row where that edge arrives (port `i<index>`), on the
    op nodes' grey."""
    rows = []
    if picture.names.given(node):
        text = font(escape(shorten(f"= {formula(picture, node)}", NAME_LIMIT)), size=SMALL,
                    color=colors.MUTED if ink == colors.INK else ink)
        rows.append(cell(text, port="op", bgcolor=fill))
    return rows + _derivative_rows(picture, node, bgcolor=OP_FILL)


def _derivative_rows(picture: Picture, node: Value, **style: str) -> list[str]:
    """One row per incoming edge whose local derivative is written: the derivative, with
    the port `i<index>` its edge arrives at; in SVG a group `a_n7op-0-label` linking to
    that edge `n7op-0`, with the derivative as tooltip."""
    rows = []
    edge = picture.ids[node] + "op-"  # each row links to its edge, whose id is n7op-0
    for index in range(len(node.parents)):
        if derivatives.shown(picture, node, index):
            text = escape(derivatives.derivative(picture, node, index).text)
            rows.append(cell(_derivative_text(picture, node, index), port=f"i{index}",
                             align="left", balign="left", id=f"{edge}{index}-label",
                             href=f"#{edge}{index}", tooltip=text, **style))
    return rows


def op_node(picture: Picture, node: Value) -> dict[str, str]:
    """The attributes of the node of the op that computed `node`: a small pill with the
    op's symbol (σ, Σwx+b, ×) and, one row per incoming edge that carries one, the local
    derivative of that edge, written where the edge arrives (its port `i<index>`), in
    the order of the operands (∂z3/∂w5 = a1 next to ∂z3/∂a1 = w5). In SVG each row is a
    group `a_n7op-0-label` linking to its edge `n7op-0`, with the derivative as tooltip."""
    symbol = escape(op_of(node).symbol)
    rows = [cell(font(symbol, size=SMALL, color=OP_INK), port="op",
                 align="left"), *_derivative_rows(picture, node)]
    if len(rows) == 1:
        return {"label": html_label(symbol), "shape": "box",
                "style": "rounded,filled", "fillcolor": OP_FILL, "color": OP_BORDER,
                "fontcolor": OP_INK, "fontsize": str(SMALL), "width": "0", "height": "0",
                "margin": "0.06,0.02", "tooltip": op_tooltip(picture, node)}
    return {"label": html_label(table(rows, ruled=True, border="1", cellborder="0",
                                      cellspacing="0", cellpadding="2", color=OP_BORDER,
                                      bgcolor=OP_FILL, style="rounded")),
            "shape": "plain", "tooltip": op_tooltip(picture, node)}


def _derivative_text(picture: Picture, node: Value, index: int) -> str:
    """'∂z3/∂a1 = w5 = 0.73' (broken into short lines), bold in the colour of the
    highlighted paths through its edge."""
    text = '<BR ALIGN="LEFT"/>'.join(
        escape(line) for line in derivatives.derivative(picture, node, index).lines())
    on_path = picture.paths.edge_colors.get((node, index))
    if on_path:  # a factor of a highlighted path: in its colour, bold
        ink = on_path[0] if len(on_path) == 1 else colors.INK
        return font(text, size=SMALL, color=ink, bold=True)
    return font(text, size=SMALL, color=OP_INK)


def summary_box(picture: Picture, summary: Summary) -> str:
    """A box standing for many nodes: a unit with its parameters, a repeated step, or the
    examples of a batch not drawn one by one (with each one's loss)."""
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
    elif summary.kind == "examples":
        note = f"{len(members):,} nodes, like example 1"
    else:
        note = f"{len(members):,} nodes"
    if note:
        rows.append(cell(font(escape(note), size=SMALL, color=colors.MUTED), colspan="3"))
    if summary.kind == "group":
        listed = [n for n in members if n.op is None and n.requires_grad]
    elif summary.kind == "examples":  # what each example hands on: its loss
        inside = {parent for n in members for parent in n.parents}
        listed = [n for n in members if n not in inside]
    else:
        listed = []
    rows.extend(_summary_parameter(picture, p) for p in listed[:SHOWN_PARAMETERS])
    if len(listed) > SHOWN_PARAMETERS:
        norm = math.sqrt(sum(float(np.sum(np.square(p.grad))) for p in listed
                             if p.grad is not None))
        text = (f"… and {len(listed) - SHOWN_PARAMETERS} more; ‖grad‖ of all "
                f"{len(listed)}: {number(norm, picture.digits)}")
        rows.append(cell(font(escape(text), size=SMALL, color=colors.MUTED), colspan="3"))
    if summary.kind == "role":
        rows.extend(_ranges(picture, members))
    return html_label(table(rows, border="1", cellborder="0", cellspacing="0",
                            cellpadding="3", color="#7d8b99", bgcolor="#ffffff"))


def _header(picture: Picture, node: Value, ink: str) -> str:
    """The card's title: the node's name, its shape and a dot per highlighted path through
    it; under it, what a short name stands for."""
    quiet = colors.MUTED if ink == colors.INK else ink
    given = picture.names.given(node)
    if given:
        text = font(escape(given), size=NAME, color=ink, bold=True)
    elif picture.ops_in_cards and node.op is not None:  # BCE(A2, y): its op is its name
        text = font(escape(shorten(formula(picture, node), NAME_LIMIT)), size=NUMBER,
                    color=ink, bold=True)
    else:
        text = font(escape(shorten(picture.names(node), NAME_LIMIT)), size=SMALL, color=ink)
    if node.shape:
        text += " " + font(escape(shape_text(node.shape)), size=SMALL, color=quiet)
    dots = "".join(font("●", size=SMALL, color=c)
                   for c in picture.paths.node_colors.get(node, ()))
    text += " " + dots if dots else ""
    if given and not node.label and not (picture.ops_in_cards and node.op is not None):
        # a short name such as u1, as in the explainer's legend (a tensor's card says it
        # on its op's row)
        meaning = shorten(picture.names.meaning(node), NAME_LIMIT)
        text += "<BR/>" + font(escape(f"= {meaning}"), size=SMALL, color=quiet)
    return text


def _grad_name(picture: Picture, node: Value) -> str:
    """What a card calls the gradient: '∂J/∂w1' where both names are short, else 'grad'."""
    name = picture.names.given(node)
    if picture.root_name and name and len(name) <= 8:
        return f"∂{picture.root_name}/∂{name}"
    return "grad"


def _grad_cell(picture: Picture, node: Value) -> str:
    """The gradient's cell: its name over a coloured number, or over a tensor's heat map
    and preview."""
    grad = node.grad
    name = _grad_name(picture, node)
    if grad is None:
        return cell(font(escape(f"{name} —"), size=SMALL, color=colors.MUTED))
    if np.ndim(grad) == 0:
        # The root's gradient is the seed (1): nothing to compare, so not coloured.
        fill = None if node is picture.root else picture.scale.fill(float(grad))
        ink = text_on(fill) if fill else colors.INK
        text = (font(escape(name), size=NUMBER, color=ink if fill else colors.MUTED)
                + "<BR/>" + font(escape(number(grad, picture.digits)), size=NUMBER, color=ink))
        return cell(text, **({"bgcolor": fill} if fill else {}))
    heat = _heatmap(picture, np.asarray(grad, dtype=float))
    rows = [cell(font(escape(name), size=SMALL, color=colors.MUTED))]
    if heat:
        rows.append(cell(heat))
    rows.append(cell(font(wrapped(array_preview(grad, picture.digits), LINE, "CENTER"),
                          size=SMALL)))
    return cell(table(rows, border="0", cellspacing="0", cellpadding="1"))


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
            yield (cell(font(name, size=SMALL, color=colors.MUTED), align="left")
                   + cell(font(escape(text), size=11), colspan="2", align="right"))
