"""The edges of the picture: each carries the local derivative from the op table.

An edge from an operand into an op pill is labelled ∂z3/∂a1 = w5 = 0.73 (the formula in
the explainer's names, the value from the op's own backward rule); on a highlighted path
it takes the path's colour, the rest fade. Edges into a summary box are bundled, with a
count.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..formulas import local_derivative
from ..value import Value
from . import colors
from .cards import kind_of
from .labels import cell, escape, font, html_label, number, shorten, table

if TYPE_CHECKING:
    from .render import Picture


def edges(picture: Picture) -> Iterator[tuple[str, str, dict]]:
    """Every edge of the picture as (tail, head, attributes): operands into op pills (with
    their local derivatives), pills into results, bundles into summary boxes, and the
    invisible edges that order the layers."""
    plain = {"color": colors.FAINT} if picture.paths.active else {}  # the rest fades
    for node in picture.plan.shown:
        if node.op is None or not node.parents:
            continue
        op = picture.ids[node] + "op"
        merged: dict[str, int] = {}
        for index, parent in enumerate(node.parents):
            tail = picture.box(parent)
            if parent in picture.plan.owner:
                merged[tail] = merged.get(tail, 0) + 1
                continue
            yield tail, op, _edge_attributes(picture, node, index, plain)
        for tail, count in merged.items():
            yield tail, op, _bundle_attributes(count, plain)
        into = picture.paths.into(node)
        attributes = _path_attributes(into) if into else dict(plain)
        yield op, picture.ids[node], attributes
    yield from _summary_edges(picture, plain)
    yield from _rank_edges(picture)


def _rank_edges(picture: Picture) -> Iterator[tuple[str, str, dict]]:
    """Invisible edges that put a clustered parameter one step after the op's other
    operands (w1 after x1, w5 after a1), so inputs sit left of the first layer and
    each layer right of the one before, as in the course's diagrams."""
    if not picture.clusters:
        return
    seen: set[tuple[str, str]] = set()
    for node in picture.plan.shown:
        parameters = [p for p in node.parents
                      if p.group and p.op is None and p.requires_grad and p in picture.ids]
        others = [p for p in node.parents if p not in parameters and p.op is not None]
        for parameter in parameters:
            for other in others:
                pair = (picture.box(other), picture.ids[parameter])
                if other.group != parameter.group and pair not in seen:
                    seen.add(pair)
                    yield (*pair, {"style": "invis", "weight": "0"})


def _summary_edges(picture: Picture, plain: dict) -> Iterator[tuple[str, str, dict]]:
    """Edges into summary boxes, merged: one per (source box, summary), with a count."""
    counts: dict[tuple[str, str], int] = {}
    for summary in picture.plan.summaries:
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
        attributes["label"] = html_label(font(f"×{count:,}", size=9, color=colors.QUIET))
        attributes["penwidth"] = f"{min(1.1 + math.log10(count), 4):.2f}"
    return attributes


def _edge_attributes(picture: Picture, node: Value, index: int, plain: dict) -> dict[str, str]:
    """The edge from operand `index` into `node`'s op pill: path colours, derivative label."""
    on_path = picture.paths.edge_colors.get((node, index))
    attributes = _path_attributes(on_path) if on_path else dict(plain)
    attributes["id"] = f"{picture.ids[node]}op-{index}"  # the SVG's handle on this edge
    # No gradient flows into an unnamed constant (the 1 in 1 − a): its edge stays bare.
    if picture.derivatives and kind_of(node.parents[index], picture.root) != "constant":
        attributes["label"] = _derivative_label(picture, node, index, on_path)
    return attributes


def _path_attributes(path_colors: Sequence[str]) -> dict[str, str]:
    """An edge on highlighted paths: bold, striped in their colours."""
    return {"color": ":".join(path_colors), "penwidth": "2.6", "arrowsize": "0.7"}


def _derivative_label(
    picture: Picture, node: Value, index: int, on_path: Sequence[str] | None
) -> str:
    """'∂z3/∂a1 = w5 = 0.73' from the op table, via `local_derivative`."""
    derivative = local_derivative(node, index, name=picture.names)
    child_name = picture.names.given(node)
    parent_name = picture.names.given(node.parents[index])
    formula = shorten(derivative.formula, 32)
    parts = []
    if child_name and parent_name:
        parts.append(f"∂{child_name}/∂{parent_name}")
    parts.append(formula)
    if derivative.value is not None:
        value = number(derivative.value, picture.digits)
        if value != formula:
            parts.append(value)
    text = escape(" = ".join(parts))
    if on_path:  # a factor of a highlighted path: in its colour, bold
        ink = on_path[0] if len(on_path) == 1 else colors.INK
        text = font(f"<B>{text}</B>", size=11, color=ink)
    else:
        text = font(text, size=10, color="#555555")
    # A translucent white backing keeps the text readable where it crosses a line.
    return html_label(table([cell(text)], border="0", cellpadding="1", cellspacing="0",
                            bgcolor="#ffffffd0"))
