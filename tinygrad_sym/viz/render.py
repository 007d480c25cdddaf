"""`draw(root)`: the computation graph as a picture, with every value and gradient on it.

Left to right like the course's diagrams: inputs and weights on the left, the loss on the
right. Each value is a small card (name, value, gradient coloured by sign and size); each
op is a quiet pill between its operands and its result; each edge into an op carries the
local derivative from the op table, so a reader can multiply along a path.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..explain import Names
from ..value import Value, local_derivative, topological_order
from . import colors, legend
from .colors import CARD_STYLES, GradientScale, text_on
from .highlight import PathIndex, resolve
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
from .layout import CONDENSED_BOXES, Plan, Summary, condense
from .output import GradientGraph

FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"
NAME_LIMIT = 28  # characters of a generated name (describe) shown in a header


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


def draw(
    root: Value,
    highlight: Any = (),
    filename: str | os.PathLike | None = None,
    format: str | None = None,
    digits: int = 4,
    derivatives: bool = True,
    max_nodes: int = 300,
    *,
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
    - `digits`: significant digits of every number. `derivatives`: label edges with
      ∂child/∂parent = formula = value.
    - `max_nodes`: above this many nodes the graph is condensed (clusters and repeated
      steps drawn as one box each), with a note saying so.
    - `clusters`: draw an `nn` model's layers and units as boxes; `key`: explain the colours.

    Returns a `graphviz.Digraph` (Jupyter displays it; `.source` is the DOT text).
    Raises `GraphvizNotFoundError`, with installation help, when writing a file needs
    Graphviz's `dot` program and it is missing.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, not {type(root).__name__}")
    if not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"draw: digits must be an integer from 1 to 17, got {digits!r}")
    names = Names(root)  # the explainer's names, so the picture and its legend agree
    paths = PathIndex(resolve(root, highlight, names))
    order = topological_order(root)
    keep = paths.nodes
    if len(order) > max_nodes and len(keep) > CONDENSED_BOXES // 2:
        keep = {item.wrt for item in paths.highlights}  # too many path nodes to draw each
    plan = condense(order, root, max_nodes, keep=keep)
    picture = Picture(root, plan, paths, names, digits, derivatives, clusters, fontname)
    graph = picture.build()
    label = legend.graph_label(picture, key=key, title=title)
    if label:
        graph.attr(label=label, labelloc="b", labeljust="l")
    graph.format = format or "png"  # what graph.render() and graph.pipe() produce
    if filename is not None:
        graph.write(filename, format)
    return graph


class Picture:
    """Builds the DOT graph for one plan: cards, op pills, edges, clusters."""

    def __init__(
        self, root: Value, plan: Plan, paths: PathIndex, names: Names, digits: int,
        derivatives: bool, clusters: bool, fontname: str,
    ) -> None:
        self.root, self.plan, self.paths, self.names = root, plan, paths, names
        self.digits, self.derivatives, self.clusters = digits, derivatives, clusters
        self.fontname = fontname
        self.ids: dict[Value, str] = {node: f"n{i}" for i, node in enumerate(plan.shown)}
        self.summary_ids: dict[int, str] = {id(s): f"s{i}" for i, s in enumerate(plan.summaries)}
        self.scale = GradientScale.fit(self._magnitudes())
        self.saturates = any(
            float(np.max(np.abs(n.grad))) > self.scale.largest for n in plan.shown
            if n is not root and n.grad is not None
        )
        root_name = names.given(root)
        self.root_name = root_name if root_name and len(root_name) <= 6 else None
        self.kinds = {kind_of(node, root) for node in plan.shown}

    # ------------------------------------------------------------------ the graph
    def build(self) -> GradientGraph:
        graph = GradientGraph(name="gradients", engine="dot")
        graph.attr(rankdir="LR", nodesep="0.22", ranksep="0.42", fontname=self.fontname,
                   fontsize="12", bgcolor="white", pad="0.25", newrank="true")
        graph.attr("node", fontname=self.fontname, fontsize="12", shape="plain")
        graph.attr("edge", fontname=self.fontname, fontsize="10", color="#8f8f8f",
                   arrowsize="0.6", penwidth="1.1")
        clustered: dict[tuple[str, ...], list[Value]] = {}
        for node in self.plan.shown:
            if self.clusters and node.group:
                clustered.setdefault(tuple(node.group), []).append(node)
            else:
                self._add_value(graph, node)
        for summary in self.plan.summaries:
            graph.node(self.summary_ids[id(summary)], label=self._summary_label(summary))
        for number_of_cluster, (group, members) in enumerate(clustered.items()):
            with graph.subgraph(name=f"cluster_{number_of_cluster}") as cluster:
                cluster.attr(**self._cluster_style(group))
                for node in members:
                    self._add_value(cluster, node)
        for tail, head, attributes in self._edges():
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

    # ------------------------------------------------------------------ the cards
    def _add_value(self, graph: Any, node: Value) -> None:
        """A value's card, and the pill of the op that computed it."""
        name = self.ids[node]
        graph.node(name, label=self._card(node))
        if node.op is not None and node.parents:
            graph.node(name + "op", **self._op_attributes(node))

    def _op_attributes(self, node: Value) -> dict[str, str]:
        return {"label": html_label(escape(node.op.symbol)), "shape": "box",
                "style": "rounded,filled", "fillcolor": "#f3f3f3", "color": "#c4c4c4",
                "fontcolor": "#555555", "fontsize": "10", "width": "0", "height": "0",
                "margin": "0.07,0.03"}

    def _card(self, node: Value) -> str:
        kind = kind_of(node, self.root)
        if kind == "constant":
            text = self._value_text(node.data)
            if node.shape:
                text = f"{shape_text(node.shape)}: {text}"
            return html_label(table(
                [cell(font(escape(text), size=10, color=colors.MUTED))],
                border="1", cellborder="0", cellpadding="3", color="#c8c8c8", style="rounded",
                bgcolor="#fafafa",
            ))
        header_fill, header_ink, border = CARD_STYLES[kind]
        on_path = self.paths.node_colors.get(node)
        if on_path and node is not self.root:
            border = on_path[0] if len(on_path) == 1 else colors.INK
        width = "2" if kind == "parameter" or node is self.root or on_path else "1"
        if any(item.wrt is node for item in self.paths.highlights):
            width = "3"
        style = {}
        if node in self.paths.factor_nodes:  # w5: a factor that makes the gradients differ
            border, width, style = self.paths.factor_nodes[node], "3", {"style": "dashed"}
        rows = [cell(self._header(node, header_ink), colspan="2", bgcolor=header_fill,
                     cellpadding="4")]
        rows.append(self._row("value", self._value_text(node.data), None))
        if kind != "input":  # inputs have no gradient: no row for it
            rows.append(self._grad_row(node))
        return html_label(table(rows, border=width, cellborder="0", cellspacing="0",
                                cellpadding="3", color=border, bgcolor="#ffffff", **style))

    def _header(self, node: Value, ink: str) -> str:
        """The card's title: the node's name (a short name with what it stands for), its
        shape, and a dot per highlighted path through it."""
        quiet = colors.MUTED if ink == colors.INK else ink
        given = self.names.given(node)
        if given:
            text = font(escape(given), size=14, color=ink, bold=True)
            if not node.label:  # a short name such as u1, as in the explainer's legend
                expression = shorten(self.names.expression(node), NAME_LIMIT)
                text += " " + font(escape(f"= {expression}"), size=10, color=quiet)
        else:
            text = font(escape(shorten(self.names(node), NAME_LIMIT)), size=11, color=ink)
        if node.shape:
            text += " " + font(escape(shape_text(node.shape)), size=10, color=quiet)
        dots = "".join(font("●", size=10, color=c) for c in self.paths.node_colors.get(node, ()))
        return text + (" " + dots if dots else "")

    def _row(self, name: str, text: str, fill: str | None) -> str:
        ink = text_on(fill) if fill else colors.INK
        extra = {"bgcolor": fill} if fill else {}
        return (cell(font(escape(name), size=10, color=ink if fill else colors.MUTED),
                     align="left", **extra)
                + cell(font(escape(text), size=12, color=ink), align="right", **extra))

    def _grad_name(self, node: Value) -> str:
        name = self.names.given(node)
        if self.root_name and name and len(name) <= 8:
            return f"∂{self.root_name}/∂{name}"
        return "grad"

    def _grad_row(self, node: Value) -> str:
        grad = node.grad
        if grad is None:
            return self._row("grad", "—", None)
        if np.ndim(grad) == 0:
            # The root's gradient is the seed (1): nothing to compare, so not coloured.
            fill = None if node is self.root else self.scale.fill(float(grad))
            return self._row(self._grad_name(node), number(grad, self.digits), fill)
        heat = self._heatmap(np.asarray(grad, dtype=float))
        text = font(escape(array_preview(grad, self.digits)), size=10)
        if heat:  # a cell holds text or a table, not both: stack them in a table
            text = table([cell(heat), cell(text)], border="0", cellspacing="0",
                         cellpadding="1")
        return cell(font(escape(self._grad_name(node)), size=10, color=colors.MUTED),
                    align="left") + cell(text, align="right")

    def _heatmap(self, grad: np.ndarray, limit: int = 12) -> str:
        """A tiny grid of the gradient's elements, coloured like scalar gradients."""
        matrix = grad.reshape(1, -1) if grad.ndim == 1 else grad
        if matrix.ndim != 2 or matrix.shape[0] > limit or matrix.shape[1] > limit:
            return ""
        rows = [
            "".join(cell("", bgcolor=self.scale.fill(float(x)), width="9", height="9",
                         fixedsize="true") for x in row)
            for row in matrix
        ]
        height, width = matrix.shape
        # A fixed size, or Graphviz stretches the grid across the whole card.
        return table(rows, border="0", cellborder="1", cellspacing="0", cellpadding="0",
                     color="#ffffff", fixedsize="true", width=str(9 * width),
                     height=str(9 * height))

    def _value_text(self, data: Any) -> str:
        if np.ndim(data) == 0:
            return number(data, self.digits)
        return array_preview(data, self.digits)

    def _magnitudes(self) -> list[float]:
        """The |grad| the colour scale spans: the parameters' (the gradients a learner is
        after), or, without parameters, every drawn value's but the root's seed of 1.
        Larger gradients elsewhere saturate at the strongest colour."""
        def largest(node: Value) -> float:
            return float(np.max(np.abs(node.grad)))

        nodes = [*self.plan.shown, *(n for s in self.plan.summaries for n in s.members)]
        parameters = [largest(n) for n in nodes
                      if n.op is None and n.requires_grad and n.grad is not None]
        if parameters:
            return parameters
        return [largest(n) for n in self.plan.shown if n is not self.root and n.grad is not None]

    # ------------------------------------------------------------------ summaries
    def _summary_label(self, summary: Summary) -> str:
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
        note = f"{len(members):,} nodes"  # a role's title already counts its copies
        labels = list(dict.fromkeys(n.label for n in members if n.label))
        if summary.kind == "role":
            note = ", ".join(labels[:3]) + (", …" if len(labels) > 3 else "") \
                if len(labels) > 1 else ""
        if note:
            rows.append(cell(font(escape(note), size=10, color=colors.MUTED), colspan="3"))
        parameters = [n for n in members if n.op is None and n.requires_grad]
        if summary.kind == "group":
            rows.extend(self._summary_parameter(p) for p in parameters[:8])
            if len(parameters) > 8:
                norm = math.sqrt(sum(float(np.sum(np.square(p.grad))) for p in parameters
                                     if p.grad is not None))
                text = (f"… and {len(parameters) - 8} more; ‖grad‖ of all "
                        f"{len(parameters)}: {number(norm, self.digits)}")
                rows.append(cell(font(escape(text), size=10, color=colors.MUTED), colspan="3"))
        elif summary.kind == "role":
            rows.extend(self._ranges(members))
        return html_label(table(rows, border="1", cellborder="0", cellspacing="0",
                                cellpadding="3", color="#7d8b99", bgcolor="#ffffff"))

    def _summary_parameter(self, parameter: Value) -> str:
        """One parameter of a collapsed unit: name, value, gradient (coloured)."""
        name = cell(font(escape(self.names(parameter)), size=11, bold=True),
                    align="left")
        value = cell(font(escape(self._value_text(parameter.data)), size=11), align="right")
        if parameter.grad is None or np.ndim(parameter.grad) != 0:
            return name + value + cell("")
        fill = self.scale.fill(float(parameter.grad))
        grad = cell(font(escape(number(parameter.grad, self.digits)), size=11,
                         color=text_on(fill)), bgcolor=fill, align="right")
        return name + value + grad

    def _ranges(self, members: list[Value]) -> Iterator[str]:
        """The range of the values and of the gradients of a repeated step's copies."""
        for name, numbers in (("value", [n.data for n in members]),
                              ("grad", [n.grad for n in members if n.grad is not None])):
            scalars = [float(x) for x in numbers if np.ndim(x) == 0]
            if scalars:
                low, high = min(scalars), max(scalars)
                text = number(low, self.digits) if low == high else \
                    f"{number(low, 3)} … {number(high, 3)}"
                yield (cell(font(name, size=10, color=colors.MUTED), align="left")
                       + cell(font(escape(text), size=11), colspan="2", align="right"))

    # ------------------------------------------------------------------ the edges
    def _box(self, node: Value) -> str:
        """The DOT name of whatever stands for `node`: its card or its summary box."""
        summary = self.plan.owner.get(node)
        return self.ids[node] if summary is None else self.summary_ids[id(summary)]

    def _edges(self) -> Iterator[tuple[str, str, dict]]:
        dim = self.paths.active
        plain = {"color": colors.FAINT} if dim else {}
        for node in self.plan.shown:
            if node.op is None or not node.parents:
                continue
            op = self.ids[node] + "op"
            merged: dict[str, int] = {}
            for index, parent in enumerate(node.parents):
                tail = self._box(parent)
                if parent in self.plan.owner:
                    merged[tail] = merged.get(tail, 0) + 1
                    continue
                yield tail, op, self._edge_attributes(node, index, plain)
            for tail, count in merged.items():
                yield tail, op, self._bundle_attributes(count, plain)
            into = self.paths.into(node)
            attributes = self._path_attributes(into) if into else dict(plain)
            yield op, self.ids[node], attributes
        yield from self._summary_edges(plain)
        yield from self._rank_edges()

    def _rank_edges(self) -> Iterator[tuple[str, str, dict]]:
        """Invisible edges that put a clustered parameter one step after the op's other
        operands (w1 after x1, w5 after a1), so inputs sit left of the first layer and
        each layer right of the one before, as in the course's diagrams."""
        if not self.clusters:
            return
        seen: set[tuple[str, str]] = set()
        for node in self.plan.shown:
            parameters = [p for p in node.parents
                          if p.group and p.op is None and p.requires_grad and p in self.ids]
            others = [p for p in node.parents if p not in parameters and p.op is not None]
            for parameter in parameters:
                for other in others:
                    pair = (self._box(other), self.ids[parameter])
                    if other.group != parameter.group and pair not in seen:
                        seen.add(pair)
                        yield (*pair, {"style": "invis", "weight": "0"})

    def _summary_edges(self, plain: dict) -> Iterator[tuple[str, str, dict]]:
        """Edges into summary boxes, merged: one per (source box, summary), with a count."""
        counts: dict[tuple[str, str], int] = {}
        for summary in self.plan.summaries:
            head = self.summary_ids[id(summary)]
            for node in summary.members:
                for parent in node.parents:
                    tail = self._box(parent)
                    if tail != head:
                        counts[tail, head] = counts.get((tail, head), 0) + 1
        for (tail, head), count in counts.items():
            yield tail, head, self._bundle_attributes(count, plain)

    def _bundle_attributes(self, count: int, plain: dict) -> dict[str, str]:
        attributes = dict(plain)
        if count > 1:
            attributes["label"] = html_label(font(f"×{count:,}", size=9, color=colors.QUIET))
            attributes["penwidth"] = f"{min(1.1 + math.log10(count), 4):.2f}"
        return attributes

    def _edge_attributes(self, node: Value, index: int, plain: dict) -> dict[str, str]:
        on_path = self.paths.edge_colors.get((node, index))
        attributes = self._path_attributes(on_path) if on_path else dict(plain)
        # No gradient flows into an unnamed constant (the 1 in 1 − a): its edge stays bare.
        if self.derivatives and kind_of(node.parents[index], self.root) != "constant":
            attributes["label"] = self._derivative_label(node, index, on_path)
        return attributes

    @staticmethod
    def _path_attributes(path_colors: Sequence[str]) -> dict[str, str]:
        return {"color": ":".join(path_colors), "penwidth": "2.6", "arrowsize": "0.7"}

    def _derivative_label(self, node: Value, index: int, on_path: Sequence[str] | None) -> str:
        """'∂z3/∂a1 = w5 = 0.73' from the op table, via `local_derivative`."""
        derivative = local_derivative(node, index, name=self.names)
        child_name = self.names.given(node)
        parent_name = self.names.given(node.parents[index])
        formula = shorten(derivative.formula, 32)
        parts = []
        if child_name and parent_name:
            parts.append(f"∂{child_name}/∂{parent_name}")
        parts.append(formula)
        if derivative.value is not None:
            value = number(derivative.value, self.digits)
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


