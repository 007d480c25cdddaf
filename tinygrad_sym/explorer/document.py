"""The graph as data: every node and edge of a computation graph, with its numbers, as JSON.

`to_json(root)` writes the document; the explorer page embeds the very same one, so a
notebook, a web page or another tool reads the numbers of the picture, in the picture's
names. Version 1 of the schema (`SCHEMA` = "tinygrad_sym.graph/1"):

    {"schema": "tinygrad_sym.graph/1", "root": 18, "digits": 4,
     "nodes": [node, ...],     # every node root depends on, parents first, root last
     "edges": [edge, ...]}     # one per operand of every computed node

A node (node i is drawn by `ts.draw` as DOT node "n{i}", the pill of its op as "n{i}op"):

    index          i, its position in "nodes"
    name           the name ts.draw and ts.explain use: its label, a short name such as
                   u1 for an unlabeled result, or a description such as (x1 × x2)
    label          the label the user gave it, or null
    definition     what a short name stands for, "u1 = x1 × x2", or null
    kind           "parameter", "input", "constant", "computed" or "root"
    op             the op's name in the op table ("linear", "sigmoid"), null for a leaf
    symbol         the op's symbol on its pill ("Σwx+b", "σ"), null for a leaf
    parents        the indices of its operands, in operand order
    requires_grad  whether backward computes a gradient for it
    shape          [] for a scalar, else the array's shape
    dtype          "float64" or "float32"
    group          the layer and unit of an nn model, ["layer 1", "unit 2"], or null
    value          a number, or nested lists for an array
    gradient       its .grad as backward left it (same form as value); null for a constant
    value_text     value as the picture shows it ("−0.03531", "[1, 2]", "‖·‖ 3.2, range …")
    gradient_text  gradient likewise, or null

An edge (the local derivative ∂child/∂parent, from the op table):

    parent, child  node indices; operand: the parent's position among child's operands
    name           "∂z1/∂w1", in the nodes' names
    formula        "x1", the op table's formula in the graph's names
    value          the formula's number, computed by the op's own backward rule, or null
                   when parent or child is an array (the derivative is then a Jacobian)
    text           "∂z1/∂w1 = x1 = 0.52", as an edge label (a number formula is not
                   repeated: "∂z1/∂b1 = 1")
    gradient_flows false into a constant: backward hands it nothing

Numbers are JSON numbers, full precision; NaN and ±infinity, which JSON lacks, are written
as the strings "NaN", "Infinity" and "-Infinity". The texts use `digits` significant
digits and a true minus sign, as the picture does.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from ..explainer import Names
from ..formulas import local_derivative
from ..value import Value, topological_order
from ..viz.cards import kind_of
from ..viz.labels import array_preview, number

SCHEMA = "tinygrad_sym.graph/1"
DIGITS = 4


def to_json(root: Value, digits: int = DIGITS, indent: int | None = None) -> str:
    """The graph that computed `root` as a JSON document: nodes (name, op, value, gradient,
    shape, dtype, group) and edges (local derivatives), in the names `draw` and `explain`
    use. The schema is in this module's docstring (and the README)."""
    return dumps(graph_document(root, digits), indent=indent)


def graph_document(root: Value, digits: int = DIGITS, names: Names | None = None) -> dict:
    """The document `to_json` writes, as Python data (the explorer page embeds it)."""
    if not isinstance(root, Value):
        raise TypeError(f"to_json: root must be a Value, not {type(root).__name__}")
    if not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"to_json: digits must be an integer from 1 to 17, got {digits!r}")
    names = names or Names(root)
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    nodes = [_node(node, i, root, names, index, digits) for i, node in enumerate(order)]
    edges = [_edge(child, k, names, index, digits) for child, k in edge_numbers(order)]
    return {"schema": SCHEMA, "root": index[root], "digits": digits, "nodes": nodes,
            "edges": edges}


def edge_numbers(order: list[Value]) -> dict[tuple[Value, int], int]:
    """Each edge (child, operand index) with its position in the document's "edges":
    children in graph order, operands in order."""
    numbers: dict[tuple[Value, int], int] = {}
    for child in order:
        for k in range(len(child.parents)):
            numbers[child, k] = len(numbers)
    return numbers


def dumps(document: Any, indent: int | None = None) -> str:
    """Strict JSON (non-finite numbers as strings), safe inside an HTML <script> block."""
    options: dict[str, Any] = {"ensure_ascii": False, "allow_nan": False, "indent": indent,
                               "separators": None if indent else (",", ":")}
    try:
        text = json.dumps(document, **options)
    except ValueError:  # a NaN or an infinity somewhere: written as strings (a second pass)
        text = json.dumps(_finite(document), **options)
    # "<" only occurs inside strings, where \u003c means the same: no "</script>" can end
    # the block early.
    return text.replace("<", "\\u003c")


def text_of(data: Any, digits: int) -> str:
    """A value or gradient as the picture writes it: a number, or an array's preview."""
    return number(data, digits) if np.ndim(data) == 0 else array_preview(data, digits)


def _node(node: Value, i: int, root: Value, names: Names, index: dict[Value, int],
          digits: int) -> dict[str, Any]:
    """One node of the document (see the module's docstring)."""
    short = node in names.short
    gradient = node.grad
    return {
        "index": i,
        "name": names(node),
        "label": node.label or None,
        "definition": names.definition(node) if short else None,
        "kind": kind_of(node, root),
        "op": node.op.name if node.op is not None else None,
        "symbol": node.op.symbol if node.op is not None else None,
        "parents": [index[parent] for parent in node.parents],
        "requires_grad": bool(node.requires_grad),
        "shape": list(node.shape),
        "dtype": str(np.result_type(node.data)),
        "group": list(node.group) if node.group else None,
        "value": _numbers(node.data),
        "gradient": None if gradient is None else _numbers(gradient),
        "value_text": text_of(node.data, digits),
        "gradient_text": None if gradient is None else text_of(gradient, digits),
    }


def _edge(child: Value, k: int, names: Names, index: dict[Value, int],
          digits: int) -> dict[str, Any]:
    """The edge from operand `k` of `child` (see the module's docstring)."""
    parent = child.parents[k]
    derivative = local_derivative(child, k, name=names)
    name = f"∂{names(child)}/∂{names(parent)}"
    return {
        "parent": index[parent],
        "child": index[child],
        "operand": k,
        "name": name,
        "formula": derivative.formula,
        "value": derivative.value,
        "text": edge_text(name, derivative.formula, derivative.value, digits),
        "gradient_flows": bool(parent.requires_grad),
    }


def edge_text(name: str, formula: str, value: float | None, digits: int) -> str:
    """'∂z1/∂w1 = x1 = 0.52'; the number is left out when the formula already is it."""
    parts = [name, formula]
    if value is not None and number(value, digits) != formula:
        parts.append(number(value, digits))
    return " = ".join(parts)


def _numbers(data: Any) -> Any:
    """A float, or nested lists of floats, for JSON."""
    return float(data) if np.ndim(data) == 0 else np.asarray(data, dtype=float).tolist()


def _finite(item: Any) -> Any:
    """`item` with NaN and ±inf replaced by the strings JSON readers agree on."""
    if isinstance(item, float):
        if math.isnan(item):
            return "NaN"
        if math.isinf(item):
            return "Infinity" if item > 0 else "-Infinity"
        return item
    if isinstance(item, dict):
        return {key: _finite(value) for key, value in item.items()}
    if isinstance(item, list | tuple):
        return [_finite(value) for value in item]
    return item
