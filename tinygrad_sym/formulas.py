"""The local derivative of an edge, ∂node/∂parent, as the op table writes it: a formula in
the graph's own names and, for scalars, its value (from the op's own backward rule, so a
picture or an explanation can never disagree with `backward()`).

    ts.local_derivative(z3, 0)     # LocalDerivative(formula='a1', value=0.6844)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .ops import sum_to
from .value import ARITHMETIC_ERRORS, Value, check_current, describe, recompute_in_numpy


class OperandNames(Sequence[str]):
    """The names of a node's operands, each made when a formula asks for it (a stack of
    n operands would otherwise name all n for each of its n edges)."""

    def __init__(self, parents: tuple[Value, ...], name: Callable[[Value], str]) -> None:
        self.parents, self.name = parents, name

    def __len__(self) -> int:
        return len(self.parents)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.name(parent) for parent in self.parents[index]]
        return self.name(self.parents[index])


class LocalDerivative(NamedTuple):
    """∂node/∂parent: the formula (in the graph's names) and, for scalars, its value."""

    formula: str
    value: float | None


def _check_edge(node: Any, index: Any) -> None:
    """Refuse what has no local derivative: not a Value, a leaf, an index that is not one of
    the node's operands, or an operand that changed after the node was computed."""
    if not isinstance(node, Value):
        raise TypeError(f"local_derivative: node must be a Value, not {type(node).__name__}")
    if node.op is None:
        raise ValueError(
            f"local_derivative: {describe(node)} is a leaf (no op computed it), so it has no "
            "local derivatives; ask a node computed from it, e.g. local_derivative(child, i) "
            "where child.parents[i] is this leaf"
        )
    count = len(node.parents)
    if isinstance(index, bool) or not isinstance(index, int | np.integer) or not (
            0 <= index < count):
        raise ValueError(
            f"local_derivative: {describe(node)} ({node.op.name}) has {count} operand"
            f"{'s' if count > 1 else ''}, numbered 0 to {count - 1}; got index {index!r}"
        )
    check_current([node], node, "Taking its local derivative")


def local_derivative(
    node: Value, index: int, name: Callable[[Value], str] = describe
) -> LocalDerivative:
    """The local derivative of `node` with respect to its parent number `index`.

    The formula comes from the op table, written with `name(node)` for each node (labels
    by default); the value is the op's own backward rule applied to a gradient of 1, so
    it can never disagree with what backward computes.
    """
    _check_edge(node, index)
    formula = node.op.derivative(index, OperandNames(node.parents, name), name(node))
    if node.shape or any(parent.shape for parent in node.parents):
        return LocalDerivative(formula, None)
    return LocalDerivative(formula, float(share(node, index, 1.0)))


def share(node: Value, index: int, grad: Any) -> Any:
    """What the op's backward rule hands parent `index` of `node` when ∂J/∂node is `grad`,
    summed back to the parent's shape: one step of backpropagation, on raw data (the
    explainer's matrix form evaluates each of its terms this way)."""
    rule_args = [grad, node.data, *(parent.data for parent in node.parents)]
    rule, attrs = node.op.rules[index], node.attrs or {}
    try:
        value = rule(*rule_args, **attrs)
    except ARITHMETIC_ERRORS as error:
        value = recompute_in_numpy(rule, rule_args, attrs, error, node.op, node.parents)
    return sum_to(value, node.parents[index].data)
