"""The page's picture: `ts.draw`'s SVG, with handles the page's script can hold on to.

Graphviz writes each value card as `<g class="node"><title>n7</title>…</g>`, each edge
into an op pill with the id `draw` gives it ("n7op-0": operand 0 of node 7's op), and the
pill's row that writes that edge's derivative as a group "a_n7op-0-label". This module
marks those groups with the indices of the graph document (`data-node`, `data-edge`, and
`data-label` on the row's lines), finds inside each card the text of its value and the
row of its gradient (by their content: the texts the document holds are those `draw`
writes), adds a wide invisible stroke to every edge so a pointer can rest on it, and
removes the `<title>`s and the links' tooltips (a browser would show them over the
page's own).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ElementTree.register_namespace("", SVG)
ElementTree.register_namespace("xlink", XLINK)

_CARD = re.compile(r"n(\d+)")
_PILL = re.compile(r"n(\d+)op")
_OPERAND = re.compile(r"n(\d+)op-(\d+)")
_INTO = re.compile(r"n(\d+)op->n(\d+)")
_ROW = re.compile(r"a_n(\d+)op-(\d+)-label")


def tag(name: str) -> str:
    """An SVG element's qualified name."""
    return f"{{{SVG}}}{name}"


@dataclass
class Picture:
    """The annotated SVG (`root` element) and what was found in it."""

    root: ElementTree.Element
    cards: dict[int, ElementTree.Element]
    value_texts: dict[int, ElementTree.Element]
    grad_texts: dict[int, ElementTree.Element]
    grad_fills: dict[int, list[ElementTree.Element]]
    edge_labels: dict[int, ElementTree.Element]

    def text(self) -> str:
        """The SVG markup, for inlining in HTML."""
        return ElementTree.tostring(self.root, encoding="unicode")


def annotate(svg: bytes | str, document: dict[str, Any]) -> Picture:
    """Mark up Graphviz's SVG of `document`'s graph (drawn node by node by `ts.draw`)."""
    root = ElementTree.fromstring(svg)
    size = {key: root.attrib.pop(key) for key in ("width", "height") if key in root.attrib}
    root.set("data-width", size.get("width", ""))
    root.set("data-height", size.get("height", ""))
    root.set("class", "ts-graph")
    edge_of = {(edge["child"], edge["operand"]): k for k, edge in enumerate(document["edges"])}
    picture = Picture(root, {}, {}, {}, {}, {})
    for group in root.iter(tag("g")):
        title = group.find(tag("title"))
        name = title.text if title is not None else ""
        if title is not None:
            group.remove(title)
        kind = group.get("class")
        if kind == "node":
            _mark_node(group, name or "", document, picture)
        elif kind == "edge":
            _mark_edge(group, name or "", edge_of, picture)
        elif match := _ROW.fullmatch(group.get("id", "")):
            _mark_row(group, edge_of.get((int(match[1]), int(match[2]))), picture)
    for link in root.iter(tag("a")):  # the page shows its own tooltips, and links nowhere
        for key in (f"{{{XLINK}}}title", f"{{{XLINK}}}href"):
            link.attrib.pop(key, None)
    return picture


def _mark_row(group: ElementTree.Element, edge: int | None, picture: Picture) -> None:
    """Mark the row of an op pill that writes an edge's derivative (`draw` groups it as
    `a_n7op-0-label`): its lines are the edge's label, the last one ends with the number."""
    if edge is None:
        return
    lines = list(group.iter(tag("text")))
    for line in lines:
        _add_class(line, "ts-edge-label")
        line.set("data-label", str(edge))
    if lines:
        picture.edge_labels[edge] = lines[-1]


def _mark_node(group: ElementTree.Element, name: str, document: dict, picture: Picture) -> None:
    """Mark a card (its value text, its gradient's row) or an op pill."""
    if match := _PILL.fullmatch(name):
        group.set("data-op", match[1])
        group.set("class", "node ts-pill")
        return
    match = _CARD.fullmatch(name)
    if not match:
        return
    index = int(match[1])
    node = document["nodes"][index]
    group.set("data-node", str(index))
    group.set("class", "node ts-card")
    picture.cards[index] = group
    link = group.find(f"{tag('g')}/{tag('a')}")  # a card with a tooltip: its link holds it
    children = list(group if link is None else link)
    texts = [k for k, child in enumerate(children) if child.tag == tag("text")]
    value_at = next((k for k in texts if children[k].text == node["value_text"]), None)
    if value_at is None:
        return
    _add_class(children[value_at], "ts-value-text")
    picture.value_texts[index] = children[value_at]
    gradient = node["gradient_text"]
    grad_at = next((k for k in reversed(texts) if k > value_at and children[k].text == gradient),
                   None)
    if gradient is None or grad_at is None:
        return
    # The gradient's row: what follows the value, up to the card's border (the last element).
    row = children[value_at + 1:len(children) - 1]
    for element in row:
        _add_class(element, "ts-grad-row")
    _add_class(children[grad_at], "ts-grad-text")
    picture.grad_texts[index] = children[grad_at]
    picture.grad_fills[index] = [
        element for element in row
        if element.tag == tag("polygon") and element.get("fill") not in (None, "none")]
    for element in picture.grad_fills[index]:
        _add_class(element, "ts-grad-fill")


def _mark_edge(group: ElementTree.Element, name: str, edge_of: dict[tuple[int, int], int],
               picture: Picture) -> None:
    """Mark an edge into an op pill with its document index, or a pill's edge into its
    result with the result's index; both get a hit area."""
    if match := _OPERAND.fullmatch(group.get("id", "")):
        edge = edge_of.get((int(match[1]), int(match[2])))
        if edge is None:
            return
        group.set("data-edge", str(edge))
    elif match := _INTO.fullmatch(name):
        if match[1] != match[2]:
            return
        group.set("data-into", match[1])
    else:
        return
    _add_hit_area(group)


def _add_hit_area(group: ElementTree.Element) -> None:
    """A wide transparent copy of the edge's line, so hovering near the line finds it."""
    path = next(group.iter(tag("path")), None)  # inside the link of a tooltip, if any
    if path is None:
        return
    hit = ElementTree.Element(tag("path"), {"d": path.get("d", ""), "class": "ts-hit",
                                            "fill": "none", "stroke": "transparent",
                                            "stroke-width": "12"})
    group.insert(0, hit)


def _add_class(element: ElementTree.Element, name: str) -> None:
    """Add a CSS class, keeping those Graphviz wrote."""
    classes = element.get("class")
    element.set("class", f"{classes} {name}" if classes else name)
