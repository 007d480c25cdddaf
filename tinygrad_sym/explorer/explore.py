"""`explore(root)`: the graph as a page to hover, click and step through.

Hover a card: its name, value and gradient. Hover an edge: ∂child/∂parent = formula =
value. Click a weight: its paths to the root light up and the panel shows `ts.explain`'s
derivation; click a second: `ts.compare`. Step through the backward pass node by node.
Every number on the page comes from the engine and the explainer, computed here and
embedded as data; the page's script only shows them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..explainer import Explanation, Names, compare, explain
from ..value import Value, describe, topological_order
from ..viz import draw
from .backward_steps import backward_steps
from .document import DIGITS, edge_numbers, graph_document
from .page import Page
from .svg import annotate

MAX_NODES = 300
"""The page draws every node; above this many it asks for a smaller graph."""

MAX_COMPARED = 16
"""Up to this many parameters, the page holds the comparison of every pair; above, only
the pairs that involve a highlighted weight."""


def explore(
    root: Value,
    highlight: Iterable[Value] = (),
    filename: str | os.PathLike | None = None,
    *,
    digits: int = DIGITS,
    title: str | None = None,
    max_nodes: int = MAX_NODES,
) -> Page:
    """The graph that computed `root` as one self-contained HTML page.

    `highlight`: up to two weights selected when the page opens (their paths lit, the
    panel showing their explanation or comparison). `filename`: also write the page there.
    Call `root.backward()` first: the page shows the gradients backward computed, and
    replays how. Returns a `Page` (`.save(path)`; Jupyter shows it inline).
    """
    names = _check(root, max_nodes, "explore")
    selection = _selection(root, highlight, "explore")
    order = topological_order(root)
    document = graph_document(root, digits, names)
    drawn = draw(root, digits=digits, max_nodes=max_nodes, max_examples=None)  # every node
    picture = annotate(drawn.pipe(format="svg"), document)
    data = {
        "graph": document,
        "explanations": explanations(root, order, names, digits),
        "comparisons": comparisons(root, order, selection, digits),
        "steps": backward_steps(root, names, digits),
        "selection": [order.index(node) for node in selection],
    }
    page = Page(title or f"{names(root)} and its gradients", picture.text(), data)
    if filename is not None:
        page.save(filename)
    return page


def _check(root: Value, max_nodes: int, caller: str) -> Names:
    """The graph's names, after checking that it can be explored."""
    if not isinstance(root, Value):
        raise TypeError(f"{caller}: root must be a Value, not {type(root).__name__}")
    if root.grad is None or not np.any(np.asarray(root.grad)):
        raise ValueError(
            f"{caller}: {describe(root)} has no gradient yet; call {describe(root)}.backward() "
            "first (the page shows the gradients backward computed, and replays how)")
    count = len(topological_order(root))
    if count > max_nodes:
        raise ValueError(
            f"{caller}: the graph has {count:,} nodes, more than max_nodes={max_nodes}; the "
            "page draws every node, so explore a smaller graph (one example through the "
            "scalar twin: model.to_scalar() on X[:1]) or raise max_nodes")
    return Names(root)


def _selection(root: Value, highlight: Iterable[Value], caller: str) -> list[Value]:
    """The highlighted weights, checked: at most two scalars of the graph that require a
    gradient."""
    chosen = [highlight] if isinstance(highlight, Value) else list(highlight)
    nodes = set(topological_order(root))
    if len(chosen) > 2:
        raise ValueError(f"{caller}: highlight at most two weights (one is explained, two "
                         f"are compared), got {len(chosen)}")
    for node in chosen:
        if not isinstance(node, Value) or node not in nodes:
            raise ValueError(f"{caller}: highlight takes Values of the graph of "
                             f"{describe(root)}, got {node!r}")
        if node.shape or not node.requires_grad:
            raise ValueError(f"{caller}: {describe(node)} cannot be explained (it is "
                             f"{'an array' if node.shape else 'a constant'}); highlight "
                             "scalar weights")
    return chosen


def explainable(order: list[Value]) -> list[Value]:
    """The nodes a click explains: scalars that backward computes a gradient for."""
    return [node for node in order if not node.shape and node.requires_grad]


def explanation_data(explanation: Explanation, order: list[Value]) -> dict[str, Any]:
    """What the panel and the lit paths need: the name, the derivation, nodes and edges."""
    index = {node: i for i, node in enumerate(order)}
    edge_index = edge_numbers(order)
    return {
        "name": explanation.name,
        "text": str(explanation),
        "nodes": sorted({index[node] for node in explanation.nodes} | {index[explanation.wrt]}),
        "edges": sorted(edge_index[edge] for edge in explanation.edges),
    }


def explanations(root: Value, order: list[Value], names: Names,
                 digits: int) -> dict[str, dict[str, Any]]:
    """∂root/∂node for every node a click can explain, keyed by the node's index."""
    found = {}
    for node in explainable(order):
        explanation = explain(root, node, digits=digits, names=names)
        assert isinstance(explanation, Explanation)  # explainable nodes are scalars
        found[str(order.index(node))] = explanation_data(explanation, order)
    return found


def comparisons(root: Value, order: list[Value], selection: list[Value],
                digits: int) -> dict[str, str]:
    """compare(root, a, b) as text for the pairs of weights a click can ask for, keyed
    "a,b" by node indices: every pair of parameters up to `MAX_COMPARED` of them, else
    the pairs with a highlighted weight."""
    parameters = [node for node in explainable(order) if node.op is None]
    firsts = parameters if len(parameters) <= MAX_COMPARED else selection
    index = {node: i for i, node in enumerate(order)}
    found = {}
    for a in firsts:
        for b in parameters:
            if a is not b:
                for x, y in ((a, b), (b, a)):
                    key = f"{index[x]},{index[y]}"
                    if key not in found:
                        found[key] = str(compare(root, x, y, digits=digits))
    return found
