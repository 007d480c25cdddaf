"""`draw(root)`: the computation graph as a picture, with every value and gradient on it.

Left to right like the course's diagrams: inputs and weights on the left, the loss on the
right, units top to bottom in their order. Each value is a narrow card (name, value,
gradient coloured by sign and power of ten); each op is a quiet node between its operands
and its result that writes, on the row where each edge comes in, that edge's local
derivative from the op table, so a reader can multiply along a path. A tensor net's
picture has no op nodes: each card says how it was computed (Z1 = X·W1 + b1) and writes
those derivatives itself, which halves its columns (13 to 7 for coffee's 2→3→1 net).
Compact, so that the text stays legible when the picture is shown 880 px wide (see
`legibility`).
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from ..explainer import Names
from ..value import Value, check_current, topological_order
from . import legend
from .cards import (
    SMALL,
    card_tooltip,
    kind_of,
    op_node,
    op_tooltip,
    summary_box,
    value_card,
)
from .colors import GradientScale
from .condense import CONDENSED_BOXES, Plan, condense
from .derivatives import mode_of, shown
from .edges import edges
from .highlight import PathIndex, resolve
from .labels import escape, font, html_label
from .output import FORMATS, GradientGraph

FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"


def natural_key(words: tuple[str, ...]) -> tuple:
    """A sort key reading the numbers in `words` as numbers: unit 2 before unit 10."""
    return tuple(tuple(int(part) if part.isdecimal() else part
                       for part in re.split(r"(\d+)", word)) for word in words)


def tensor_picture(nodes: list[Value]) -> bool:
    """Whether a graph of `nodes` is a tensor net's (some learned parameter is a tensor):
    then each card says how its op computed it, with the local derivatives, and there are
    no op nodes between the cards (half the columns: legible in a README column)."""
    return any(node.op is None and node.requires_grad and np.ndim(node.data) > 0
               for node in nodes)


def draw(
    root: Value,
    highlight: Any = (),
    filename: str | os.PathLike | None = None,
    format: str | None = None,
    digits: int = 4,
    derivatives: bool | str = "auto",
    max_nodes: int = 300,
    *,
    max_examples: int | None = 1,
    clusters: bool = True,
    key: bool = True,
    title: str | None = None,
    fontname: str = FONT,
) -> GradientGraph:
    """Draw the graph that computed `root`, with values, gradients and local derivatives.

    - `highlight`: Values (or `ts.explain` results) whose paths to `root` are drawn each in
      its own colour, with a legend multiplying the factors along every path.
    - `filename`: also write the picture there; `format` is 'png', 'svg' or 'pdf' (default:
      the file's suffix, else png). The file appears complete or not at all.
    - `digits`: significant digits of every number. `derivatives`: which edges get their
      ∂child/∂parent = formula = value written in the op they go into (in a tensor net's
      picture, which has no op nodes, in the card of their result): "auto" (True) every
      edge a gradient flows along, "all" those from inputs and targets too, "none"
      (False) none; SVG tooltips always hold them all.
    - `max_nodes`: above this many nodes the graph is condensed (clusters and repeated
      steps drawn as one box each), with a note saying so.
    - `max_examples`: of a batch (a root averaging one loss per example, nn.cost on a
      scalar net), the examples drawn node by node; the others are one box (None: all).
    - `clusters`: draw an `nn` model's layers and units as boxes; `key`: explain the
      colours; `title`: a title on top, above the legend.

    Returns a `graphviz.Digraph` (Jupyter displays it; `.source` is the DOT text).
    Raises `GraphvizNotFoundError`, with installation help, when writing a file needs
    Graphviz's `dot` program and it is missing.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, not {type(root).__name__}")
    if not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"draw: digits must be an integer from 1 to 17, got {digits!r}")
    if format is not None and (not isinstance(format, str) or format.lower() not in FORMATS):
        raise ValueError(f"draw: cannot write format {format!r}; choose one of {FORMATS}")
    order = topological_order(root)
    check_current(order, root, "Drawing")
    names = Names(root)  # the explainer's names, so the picture and its legend agree
    paths = PathIndex(resolve(root, highlight, names))
    keep = paths.nodes
    if len(order) > max_nodes and len(keep) > CONDENSED_BOXES // 2:
        keep = {item.wrt for item in paths.highlights}  # too many path nodes to draw each
    plan = condense(order, root, max_nodes, keep=keep, examples=names.example,
                    max_examples=max_examples)
    picture = Picture(root, order, plan, paths, names, digits, mode_of(derivatives),
                      clusters, fontname)
    graph = picture.build()
    label = legend.graph_label(picture, key=key, title=title)
    if label:  # on top: the title first, then what the colours and paths mean
        graph.attr(label=label, labelloc="t", labeljust="l")
    graph.format = format or "png"  # what graph.render() and graph.pipe() produce
    if filename is not None:
        graph.write(filename, format)
    return graph


class Picture:
    """What one drawing needs (the plan, highlighted paths, names, colour scale, options);
    `build` lays out the DOT graph: cards, op pills, clusters, edges."""

    def __init__(
        self, root: Value, order: list[Value], plan: Plan, paths: PathIndex, names: Names,
        digits: int, derivatives: str, clusters: bool, fontname: str,
    ) -> None:
        self.root, self.plan, self.paths, self.names = root, plan, paths, names
        self.digits, self.derivatives, self.clusters = digits, derivatives, clusters
        self.fontname = fontname
        # n7: the node's place in the topological order, whether or not all are drawn.
        self.ids: dict[Value, str] = {node: f"n{i}" for i, node in enumerate(order)
                                      if node not in plan.owner}
        self.summary_ids: dict[int, str] = {id(s): f"s{i}" for i, s in enumerate(plan.summaries)}
        self.scale = GradientScale.fit(self._magnitudes())
        root_name = names.given(root)
        self.root_name = root_name if root_name and len(root_name) <= 6 else None
        self.kinds = {kind_of(node, root) for node in plan.shown}
        self.ops_in_cards = tensor_picture(order)

    def build(self) -> GradientGraph:
        """The DOT graph, left to right, units in clusters."""
        graph = GradientGraph(name="gradients", engine="dot")
        graph.attr(rankdir="LR", nodesep="0.18", ranksep="0.18", fontname=self.fontname,
                   fontsize="12", bgcolor="white", pad="0.25", newrank="true")
        graph.attr("node", fontname=self.fontname, fontsize="12", shape="plain")
        graph.attr("edge", fontname=self.fontname, fontsize=str(SMALL), color="#8f8f8f",
                   arrowsize="0.6", penwidth="1.1")
        clustered: dict[tuple[str, ...], list[Value]] = {}
        for node in self.plan.shown:
            if self.clusters and node.group:
                clustered.setdefault(tuple(node.group), []).append(node)
            else:
                self._add_value(graph, node)
        for summary in self.plan.summaries:
            graph.node(self.summary_ids[id(summary)], label=summary_box(self, summary))
        # Units in their number's order, top to bottom, and each unit's weights in the
        # order of the operands of its Σwx+b: dot keeps the order the clusters and nodes
        # are given in when it is allowed few reordering passes (mclimit scales their
        # number). The clusters must not be nested in another one: that reverses them.
        ordered = sorted(clustered.items(), key=lambda item: natural_key(item[0]))
        if ordered:
            graph.attr(mclimit="0.01")
        for number_of_cluster, (group, members) in enumerate(ordered):
            with graph.subgraph(name=f"cluster_{number_of_cluster}") as cluster:
                cluster.attr(**self._cluster_style(group))
                for node in members:
                    self._add_value(cluster, node)
        for tail, head, attributes in edges(self):
            graph.edge(tail, head, **attributes)
        return graph

    def _cluster_style(self, group: tuple[str, ...]) -> dict[str, str]:
        """One box per unit (or per layer for tensor models), named 'layer 1 · unit 2'.

        Units are not nested inside a layer box: that lets the inputs sit between the
        units they feed, as in the course's diagrams (the name still says the layer).
        """
        label = html_label(font(escape(" · ".join(group)), size=12, color="#4a4a4a", bold=True))
        return {"label": label, "style": "rounded,filled", "fillcolor": "#f5f7fa",
                "color": "#cfd6de", "labeljust": "r", "margin": "10"}

    def _add_value(self, graph: Any, node: Value) -> None:
        """A value's card, and the pill of the op that computed it (in a tensor picture
        the card holds the op, and its tooltip the op's too)."""
        name = self.ids[node]
        tooltip = card_tooltip(self, node)
        if self.ops_in_cards and node.op is not None:
            tooltip += "\\n" + op_tooltip(self, node)
        graph.node(name, label=value_card(self, node), tooltip=tooltip)
        if node.op is not None and node.parents and not self.ops_in_cards:
            graph.node(name + "op", **op_node(self, node))

    def op_rows(self, node: Value) -> bool:
        """Whether the op node of `node` writes the derivative of some incoming edge."""
        return any(shown(self, node, index) for index in range(len(node.parents)))

    def op_target(self, node: Value) -> str:
        """The DOT node the edges into `node`'s op arrive at: its op node, or in a tensor
        picture its own card."""
        return self.ids[node] if self.ops_in_cards else self.ids[node] + "op"

    def box(self, node: Value) -> str:
        """The DOT name of whatever stands for `node`: its card or its summary box."""
        summary = self.plan.owner.get(node)
        return self.ids[node] if summary is None else self.summary_ids[id(summary)]

    def _magnitudes(self) -> list[float]:
        """The |grad| the colour scale spans: every drawn value's (the largest and the
        smallest nonzero element of a tensor's), but the root's seed of 1."""
        found = []
        for node in [*self.plan.shown, *(n for s in self.plan.summaries for n in s.members)]:
            if node is self.root or node.grad is None:
                continue
            sizes = np.abs(np.asarray(node.grad, dtype=float))
            nonzero = sizes[(sizes > 0) & np.isfinite(sizes)]
            if nonzero.size:
                found += [float(nonzero.max()), float(nonzero.min())]
        return found
