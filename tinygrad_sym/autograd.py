"""Reverse-mode differentiation: the chain rule applied node by node, root to leaves.

`backward` fills `.grad` on the graph; `grad` returns gradients without touching it.
Both run one pass: visit the nodes that need a gradient in reverse topological order,
and hand each parent its share, `op.rules[index](grad, out, *operands)`, from the op table.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import modes
from .errors import ShapeError
from .ops import sum_to
from .value import (
    ARITHMETIC_ERRORS,
    Value,
    as_data,
    check_finite,
    clock,
    constant,
    describe,
    needs_grad,
    recompute_in_numpy,
    stale_error,
    topological_order,
    zeros_like,
)

_accumulating = threading.Lock()
"""Held while `backward` writes `.grad`: two threads whose graphs share a leaf would
otherwise both read its old gradient and one of the two additions be lost."""


def _check_output(output: Any, caller: str) -> None:
    """Refuse an output that is not a Value (a number has no graph to differentiate)."""
    if not isinstance(output, Value):
        raise TypeError(
            f"{caller}: the output must be a Value computed from the inputs, not "
            f"{type(output).__name__} {output!r:.40} (a plain number has no graph to "
            "differentiate)"
        )


def _seed(output: Value, grad: Any, create_graph: bool, argument: str = "grad") -> Any:
    """The gradient of `output` with respect to itself: ones, or the `grad` given (passed as
    `argument`, named in the errors)."""
    if not output.requires_grad:
        raise RuntimeError(
            f"{describe(output)} does not depend on anything that requires a gradient "
            "(it was computed from constants only, or under no_grad())"
        )
    if grad is None:
        if output.size != 1:
            raise ShapeError(
                f"differentiating {describe(output)} of shape {output.shape} needs a seed "
                f"gradient: pass {argument}=np.ones({output.shape}) (the gradient of the sum "
                "of its elements), or differentiate .sum()"
            )
        grad = 1.0 if type(output.data) is float else np.ones_like(output.data)
    else:
        # A copy: the seed may become a leaf's .grad, which must not change with the caller's array.
        grad = as_data(grad.data if isinstance(grad, Value) else grad, copy=True)
        if np.shape(grad) != output.shape:
            raise ShapeError(
                f"the seed gradient {argument} has shape {np.shape(grad)} but "
                f"{describe(output)} has shape {output.shape}; they must be equal"
            )
    return constant(grad) if create_graph else grad


def backpropagate(
    output: Value,
    seed: Any,
    create_graph: bool = False,
    follow: Callable[[Value], bool] | None = None,
    keep: set[Value] | None = None,
) -> dict[Value, Any]:
    """The gradient of `output` (seeded with `seed`) for every node that needs one.

    Each node hands each parent its share, `op.rules[index](grad, out, *operands)`, summed
    back to the parent's shape where the op broadcast it. With `create_graph`, the rules
    run on Values, so the gradients are Values themselves and can be differentiated again.
    `follow` narrows the pass to the nodes for which it is true (the explainer crosses a
    tensor stretch this way). With `keep`, only those nodes' gradients are returned, and
    every other one is freed as soon as it has been handed down (lower peak memory).
    Raises `StaleGraphError` if a node's operand changed after the node was computed (an
    optimizer step in between): the forward values would be out of date. Gradients of
    raw data take their operand's dtype (a float32 leaf gets a float32 gradient).
    """
    grads: dict[Value, Any] = {output: seed}
    now = clock()
    anomaly = modes.shared.detect_anomaly
    thread = modes.local
    previous, thread.grad_enabled = thread.grad_enabled, create_graph or thread.grad_enabled
    try:
        for node in reversed(topological_order(output, follow or needs_grad)):
            op = node.op
            if op is None:  # a leaf: nothing to hand down
                continue
            grad = grads[node] if keep is None or node in keep else grads.pop(node)
            rules, attrs, version = op.rules, node.attrs, node._version
            # The parents and their data, read from the node's slots (see Value.parents).
            first, second, more = node._first, node._second, node._more
            parents: tuple[Value, ...]
            if more is not None:
                parents, data = more, tuple([parent._data for parent in more])
            elif second is not None and first is not None:
                parents, data = (first, second), (first._data, second._data)
            elif first is not None:
                parents, data = (first,), (first._data,)
            else:
                raise AssertionError(f"{describe(node)} has an op but no operands")
            if version != now:  # something changed since this node was computed: its operands?
                for parent in parents:
                    if parent._version > version:
                        raise stale_error(parent, node, output, "Backpropagating")
            out, operands = (node, parents) if create_graph else (node._data, data)
            if node.saved is not None and not create_graph:
                attrs = {**(attrs or {}), "saved": node.saved}
            count = len(operands)
            for index, parent in enumerate(parents):
                if not parent.requires_grad or (follow and not follow(parent)):
                    continue
                rule = rules[index]
                # Four calls of the same rule, not one: this is not a mistake but the hot
                # loop. `**attrs` unpacks a dict even when it is empty, and `*operands` builds
                # a tuple; on a scalar graph each costs more than the rule's own arithmetic.
                # Every branch computes rule(grad, out, *operands, **attrs).
                try:
                    if attrs:
                        share = rule(grad, out, *operands, **attrs)
                    elif count == 2:
                        share = rule(grad, out, operands[0], operands[1])
                    elif count == 1:
                        share = rule(grad, out, operands[0])
                    else:
                        share = rule(grad, out, *operands)
                except ARITHMETIC_ERRORS as error:
                    share = recompute_in_numpy(
                        rule, [grad, out, *operands], attrs or {}, error, op, parents
                    )
                if type(share) is not float:
                    operand = operands[index]
                    if create_graph or type(operand) is float or share.shape != operand.shape:
                        share = sum_to(share, operand)
                    # A gradient takes its operand's dtype (float32 met with float64 data).
                    if not create_graph and type(operand) is not float and (
                            share.dtype is not operand.dtype):
                        share = share.astype(operand.dtype)
                if anomaly:
                    check_finite(share, op, parents, "backward", node)
                total = grads.get(parent)
                grads[parent] = share if total is None else total + share
    finally:
        thread.grad_enabled = previous
    return grads


def backward(output: Value, grad: Any = None, create_graph: bool = False) -> None:
    """Compute d output / d node for every node `output` depends on, into `node.grad`.

    Leaves (nodes you created) accumulate: their `.grad` grows by `+=` across calls, as in
    PyTorch; `zero_grad()` resets it. Intermediate nodes get this pass's gradient, for
    inspection. A non-scalar `output` needs `grad`, the seed of the same shape. Raises
    `StaleGraphError`, changing nothing, if a Value of the graph changed after the graph
    was recorded (re-run the forward pass).
    """
    _check_output(output, "backward")
    grads = backpropagate(output, _seed(output, grad, create_graph), create_graph)
    with _accumulating:  # threads that share leaves add up their gradients one at a time
        for node, total in grads.items():
            if node.op is not None:
                node.grad = total
            else:
                node.grad = _accumulated(node.grad, total)


def _accumulated(old: Any, total: Any) -> Any:
    """A leaf's gradient after this pass: `old + total`, or `total` itself where `old` is
    None, or a large array of zeros as `zero_grad` leaves it (the same numbers, without
    writing a new array: a 784×128 layer's gradient takes 29 µs, not 48). Below
    `_SCAN_FROM` elements, adding costs less than looking for zeros."""
    if old is None or (type(old) is np.ndarray and old.size >= _SCAN_FROM
                       and type(total) is np.ndarray and old.dtype == total.dtype
                       and not old.any()):
        return total
    return old + total


_SCAN_FROM = 8192


def _input_list(inputs: Any) -> list[Value]:
    """`inputs` as a list of Values, or a TypeError saying what was given instead."""
    if type(inputs) is not list and type(inputs) is not tuple and (isinstance(
            inputs, np.ndarray | str | bytes | int | float) or not hasattr(inputs, "__iter__")):
        raise TypeError(
            f"grad: inputs must be a Value or a list of Values (the leaves to differentiate "
            f"with respect to), not {type(inputs).__name__} {inputs!r:.40}; wrap data as "
            "ts.Value(data) before computing the output from it"
        )
    wanted = list(inputs)
    if not all(type(node) is Value for node in wanted):
        for index, node in enumerate(wanted):
            if not isinstance(node, Value):
                raise TypeError(
                    f"grad: input {index} must be a Value, not {type(node).__name__} "
                    f"{node!r:.40}"
                )
    return wanted


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    grad_output: Any = None,
    create_graph: bool = False,
) -> Any:
    """The gradient of `output` with respect to `inputs`, without touching any `.grad`.

    Returns one gradient for one input, a list for a sequence. With `create_graph=True`
    the gradients are Values that can be differentiated again (grad of grad); an input
    that `output` does not depend on gets zeros.
    """
    _check_output(output, "grad")
    single = isinstance(inputs, Value)
    wanted = [inputs] if isinstance(inputs, Value) else _input_list(inputs)  # (narrows the type)
    for node in wanted:
        if not node.requires_grad:
            raise ValueError(
                f"grad: input {describe(node)} is a constant (requires_grad=False); "
                "create it with Value(data, requires_grad=True) to differentiate with respect to it"
            )
    seed = _seed(output, grad_output, create_graph, argument="grad_output")
    grads = backpropagate(output, seed, create_graph, keep=set(wanted))
    results = []
    for node in wanted:
        result = grads.get(node)
        if result is None:
            result = zeros_like(node.data)
            result = constant(result) if create_graph else result
        results.append(result)
    return results[0] if single else results
