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
    ZERO_GRAD,
    Value,
    as_data,
    check_finite,
    clock,
    constant,
    describe,
    needs_grad,
    op_of,
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
            if node._version != now:  # something changed since this node was computed
                _check_operands(node, output)
            first, second = node._first, node._second  # (no first: three operands or more)
            if create_graph or first is None or node.attrs is not None or node.saved is not None:
                # The general way, for any node: the rule of each operand in turn.
                parents = node.parents
                out, operands, attrs = _rule_inputs(node, create_graph)
                args = (grad, out, *operands)  # one tuple for all the calls, not one each
                for index, parent in enumerate(parents):
                    if not parent.requires_grad or (follow and not follow(parent)):
                        continue
                    rule = op.rules[index]
                    try:  # (no `**attrs` when empty: unpacking even {} costs time)
                        share = rule(*args, **attrs) if attrs else rule(*args)
                    except ARITHMETIC_ERRORS as error:
                        share = recompute_in_numpy(rule, args, attrs, error, op, parents)
                    if anomaly or type(share) is not float:
                        share = _settled(share, operands[index], node, create_graph, anomaly)
                    total = grads.get(parent)
                    grads[parent] = share if total is None else total + share
                continue
            # One or two operands and no attributes: every node of a scalar graph. The two
            # operands' shares are written out one after the other, not looped over: on
            # scalars the loop's tuples and generic calls cost more than the rules' own
            # arithmetic (this pass took 1.5 times as long). Each block is the loop's body
            # above for one operand.
            rules, out, a = op.rules, node._data, first._data
            b = None if second is None else second._data
            if first.requires_grad and (follow is None or follow(first)):
                try:
                    share = rules[0](grad, out, a) if second is None else rules[0](grad, out, a, b)
                except ARITHMETIC_ERRORS as error:
                    share = _recomputed(node, 0, grad, error)
                if anomaly or type(share) is not float:
                    share = _settled(share, a, node, False, anomaly)
                total = grads.get(first)
                grads[first] = share if total is None else total + share
            if second is not None and second.requires_grad and (follow is None or follow(second)):
                try:
                    share = rules[1](grad, out, a, b)
                except ARITHMETIC_ERRORS as error:
                    share = _recomputed(node, 1, grad, error)
                if anomaly or type(share) is not float:
                    share = _settled(share, b, node, False, anomaly)
                total = grads.get(second)
                grads[second] = share if total is None else total + share
    finally:
        thread.grad_enabled = previous
    return grads


def _rule_inputs(node: Value, create_graph: bool) -> tuple[Any, Sequence[Any], dict[str, Any]]:
    """What `node`'s rules are called with besides the gradient: its output, its operands
    and its attributes. With `create_graph` the nodes themselves, so that the rules record
    their computation; else their data, and what the forward saved for the rules (σ(z))."""
    attrs = node.attrs or {}
    if create_graph:
        return node, node.parents, attrs
    if node.saved is not None:
        attrs = {**attrs, "saved": node.saved}
    return node._data, [parent._data for parent in node.parents], attrs


def _settled(share: Any, operand: Any, node: Value, create_graph: bool, anomaly: bool) -> Any:
    """`share` summed back to its operand's shape where the op broadcast it, in the operand's
    dtype (float32 met with float64 data stays float32); in anomaly mode, checked finite."""
    if type(share) is not float:
        if create_graph or type(operand) is float or share.shape != operand.shape:
            share = sum_to(share, operand)
        if not create_graph and type(operand) is not float and share.dtype is not operand.dtype:
            share = share.astype(operand.dtype)
    if anomaly:
        check_finite(share, op_of(node), node.parents, "backward", node)
    return share


def _recomputed(node: Value, index: int, grad: Any, error: Exception) -> Any:
    """The share of operand `index` redone in numpy, after its rule failed on Python floats
    (1/0 raises where numpy answers inf; see `recompute_in_numpy`)."""
    op, parents = op_of(node), node.parents
    rule, args = op.rules[index], [grad, node._data, *(parent._data for parent in parents)]
    return recompute_in_numpy(rule, args, {}, error, op, parents)


def _check_operands(node: Value, output: Value) -> None:
    """Raise `StaleGraphError` if an operand of `node` changed after `node` was computed."""
    for parent in node.parents:
        if parent._version > node._version:
            raise stale_error(parent, node, output, "Backpropagating")


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
                node._grad = total
            else:
                old = node._grad
                if old is ZERO_GRAD:  # zeros not made yet: this pass's gradient is the sum
                    old = None if _fits(total, node._data) else zeros_like(node._data)
                node._grad = total if old is None else old + total


def _fits(total: Any, data: Any) -> bool:
    """Whether `total` can be the gradient of a leaf holding `data` as it is: of the same type
    and dtype (a Python float seed for a float32 leaf is added to float32 zeros instead)."""
    return type(total) is type(data) and (type(data) is float or total.dtype == data.dtype)


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
