"""The backward pass one node at a time, as the page replays it.

Backward visits the nodes that need a gradient in reverse topological order (the engine's
own order: every child before its parents), so when a node's turn comes the gradients of
all its children are known, and

    ∂J/∂node = Σ over the edges from its children of ∂J/∂child · ∂child/∂node.

Each step here is that sum for one node, written with the graph's names and the numbers
the engine and the op table give: the children's gradients (`.grad`), the local
derivatives (`local_derivative`, the op's own backward rule), and the node's `.grad`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..explainer import Names
from ..explainer.explanation_text import product_text, sum_text
from ..formulas import local_derivative
from ..value import Value, needs_grad, op_of, topological_order
from ..viz.labels import number
from .document import edge_numbers, text_of

REL_TOL = 1e-9
"""A leaf whose .grad differs from this pass's sum by more than this (relative to the sum
of |terms|) has accumulated earlier passes: the step says so."""


def backward_steps(root: Value, names: Names, digits: int) -> list[dict[str, Any]]:
    """One step per node backward visits, root first: the node's index in the graph
    document, the edges (document indices) its gradient comes through, and the lines of
    the step's multiplication."""
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    edge_index = edge_numbers(order)
    children: dict[Value, list[tuple[Value, int]]] = {}
    for child, k in edge_index:
        if child.parents[k].requires_grad:
            children.setdefault(child.parents[k], []).append((child, k))
    visits = list(reversed(topological_order(root, follow=needs_grad)))
    steps = []
    for node in visits:
        terms = children.get(node, [])
        lines = (_seed_lines(root, names, digits) if node is root
                 else _sum_lines(root, node, terms, names, digits))
        steps.append({"node": index[node], "edges": [edge_index[term] for term in terms],
                      "gradient_text": text_of(node.grad, digits), "lines": lines})
    return steps


def _seed_lines(root: Value, names: Names, digits: int) -> list[str]:
    """The first step: the root's gradient is the seed."""
    name = names(root)
    seed = text_of(root.grad, digits)
    return [f"∂{name}/∂{name} = {seed}",
            f"Backward starts at the root, {name}, with the seed gradient {seed}: how much "
            f"{name} changes per unit change of {name} itself."]


def _sum_lines(root: Value, node: Value, terms: list[tuple[Value, int]], names: Names,
               digits: int) -> list[str]:
    """∂J/∂node as the sum over the edges from its children, with the numbers."""
    J, name = names(root), names(node)
    symbolic = " + ".join(f"∂{J}/∂{names(child)} · ∂{names(child)}/∂{name}"
                          for child, _ in terms)
    lines = [f"∂{J}/∂{name} = {symbolic}"]
    derivatives = [local_derivative(child, k, name=names) for child, k in terms]
    values = [d.value for d in derivatives if d.value is not None]
    scalar = len(values) == len(derivatives)
    if scalar:
        products = [float(child.grad) * value for (child, _), value in zip(terms, values,
                                                                           strict=True)]
        factors = " + ".join(product_text([float(child.grad), value], digits)
                             for (child, _), value in zip(terms, values, strict=True))
        lines.append(f"{' ' * len(f'∂{J}/∂{name}')} = {factors}")
        if len(terms) > 1:
            lines.append(f"{' ' * len(f'∂{J}/∂{name}')} = {sum_text(products, digits)}")
    lines.append(f"{' ' * len(f'∂{J}/∂{name}')} = {text_of(node.grad, digits)}")
    lines.append("")
    lines.append("where" if len(terms) == 1 else "where, one term per edge from a child:")
    for (child, _), d in zip(terms, derivatives, strict=True):
        local = f"∂{names(child)}/∂{name} = {d.formula}"
        if d.value is not None and number(d.value, digits) != d.formula:
            local += f" = {number(d.value, digits)}"
        lines.append(f"  ∂{J}/∂{names(child)} = {text_of(child.grad, digits)}   (already "
                     f"known: {names(child)} came earlier)")
        lines.append(f"  {local}   (the local derivative of {names(child)}'s op, "
                     f"{op_of(child).symbol})")
    if not scalar:
        lines += ["", "With arrays each term is a vector-Jacobian product: the child's gradient "
                      "passed through its op's backward rule (and summed back to this node's "
                      "shape where the op broadcast it)."]
    elif not node.parents:
        lines += ["", _leaf_line(node, products, names, digits)]
    return lines


def _leaf_line(node: Value, products: list[float], names: Names, digits: int) -> str:
    """What backward does with a leaf's gradient, and a warning if .grad holds more."""
    name = names(node)
    total = math.fsum(products)
    tolerance = REL_TOL * math.fsum(abs(p) for p in products) + 1e-300
    if abs(float(np.asarray(node.grad)) - total) <= tolerance:
        return (f"{name} is a leaf (nothing computed it): backward adds this into "
                f"{name}.grad, where the optimizer reads it.")
    return (f"Note: {name}.grad holds {number(node.grad, digits)}, not this pass's "
            f"{number(total, digits)}: leaves accumulate across backward() calls; call "
            "zero_grad() before backward() to see one pass.")
