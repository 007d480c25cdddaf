"""The edges of the picture: operands into op nodes, op nodes into their results (in a
tensor picture, operands straight into their result's card, out of their value's row).

An edge from an operand arrives at the row of its op node that writes its local
derivative (∂z3/∂a1 = w5 = 0.73), and carries that derivative as its tooltip; on a
highlighted path it takes the path's colour, the rest fade. Edges into a summary box are
bundled, with a count.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..value import Value
from . import colors, derivatives
from .cards import SMALL, kind_of
from .labels import font, html_label, tooltip

if TYPE_CHECKING:
    from .render import Picture


def edges(picture: Picture) -> Iterator[tuple[str, str, dict]]:
    """Every edge of the picture as (tail, head, attributes): operands into op nodes (at
    the rows of their local derivatives), op nodes into results, bundles into summary
    boxes."""
    plain = {"color": colors.FAINT} if picture.paths.active else {}  # the rest fades
    for node in picture.plan.shown:
        if node.op is None or not node.parents:
            continue
        op = picture.op_target(node)
        merged: dict[str, int] = {}
        for index, parent in enumerate(node.parents):
            tail = picture.box(parent)
            owner = picture.plan.owner.get(parent)
            if owner is not None:
                # Out of the examples' box: one plain edge, its rows name what comes out.
                merged[tail] = 1 if owner.kind == "examples" else merged.get(tail, 0) + 1
                continue
            attributes = _edge_attributes(picture, node, index, plain)
            if picture.ops_in_cards and kind_of(parent, picture.root) != "constant":
                attributes["tailport"] = "v"  # out of the value's row: a chain stays level
            yield tail, op, attributes
        for tail, count in merged.items():
            attributes = _bundle_attributes(count, plain)
            if picture.op_rows(node) or picture.ops_in_cards:
                attributes["headport"] = "op:w"
            yield tail, op, attributes
        if picture.ops_in_cards:  # the card is the op's node: no edge from op to result
            continue
        into = picture.paths.into(node)
        attributes = _path_attributes(into) if into else dict(plain)
        if picture.op_rows(node):
            attributes["tailport"] = "op:e"
        yield op, picture.ids[node], attributes
    yield from _summary_edges(picture, plain)


def _after_parameters(picture: Picture, node: Value, index: int) -> bool:
    """Whether the edge from operand `index` into `node`'s op must span two ranks: the
    operand is computed in another unit (a1 into z3), and `node` has parameters of its own
    unit (w5), which then sit in the rank between, right of the a's and left of the op,
    as in the course's diagrams (inputs left of the first layer, each layer right of the
    one before)."""
    parent = node.parents[index]
    if not picture.clusters or parent.op is None or picture.ops_in_cards:
        return False
    return any(p.group and p.group != parent.group and p.op is None and p.requires_grad
               and p in picture.ids for p in node.parents)


def _summary_edges(picture: Picture, plain: dict) -> Iterator[tuple[str, str, dict]]:
    """Edges into summary boxes, merged: one per (source box, summary), with a count. The
    examples not drawn one by one get none: the weights feed them as they feed example 1."""
    counts: dict[tuple[str, str], int] = {}
    for summary in picture.plan.summaries:
        if summary.kind == "examples":
            continue
        head = picture.summary_ids[id(summary)]
        for node in summary.members:
            for parent in node.parents:
                tail = picture.box(parent)
                if tail != head:
                    counts[tail, head] = counts.get((tail, head), 0) + 1
    for (tail, head), count in counts.items():
        yield tail, head, _bundle_attributes(count, plain)


def _bundle_attributes(count: int, plain: dict) -> dict[str, str]:
    """`count` edges drawn as one: thicker, with their number."""
    attributes = dict(plain)
    if count > 1:
        attributes["label"] = html_label(font(f"×{count:,}", size=SMALL, color=colors.MUTED))
        attributes["penwidth"] = f"{min(1.1 + math.log10(count), 4):.2f}"
    return attributes


def _edge_attributes(picture: Picture, node: Value, index: int, plain: dict) -> dict[str, str]:
    """The edge from operand `index` into `node`'s op node: path colours, the port of the
    row that writes its derivative, and that derivative in full as its tooltip."""
    on_path = picture.paths.edge_colors.get((node, index))
    attributes = _path_attributes(on_path) if on_path else dict(plain)
    if not node.parents[index].requires_grad:  # from x1, y: no gradient flows back along it
        attributes["color"] = colors.FAINT
    attributes["id"] = f"{picture.ids[node]}op-{index}"  # the SVG's handle on this edge
    if derivatives.shown(picture, node, index):
        attributes["headport"] = f"i{index}:w"
    elif picture.op_rows(node) or picture.ops_in_cards:
        attributes["headport"] = "op:w"
    if kind_of(node.parents[index], picture.root) != "constant":
        attributes["tooltip"] = tooltip([derivatives.derivative(picture, node, index).text])
    if _after_parameters(picture, node, index):
        attributes["minlen"] = "2"
    return attributes


def _path_attributes(path_colors: Sequence[str]) -> dict[str, str]:
    """An edge on highlighted paths: bold, striped in their colours."""
    return {"color": ":".join(path_colors), "penwidth": "2.6", "arrowsize": "0.7"}
