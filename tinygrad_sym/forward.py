"""Forward-mode differentiation: a tangent carried from the inputs to the outputs.

Reverse mode (`autograd`) sends one gradient back from one output and gets ∂J/∂(every
input) in one pass; that is why training uses it. Forward mode sends one *tangent* forward
from the inputs: nudge the inputs in a direction u, and every node of the graph moves by
its tangent J·u, computed node by node, each from its parents' tangents by the op's
forward rule (`op.jvp` in the op table). One pass per input direction, all outputs at once.

    out, moved = ts.jvp(f, (x,), (u,))          # f(x) and J·u, in one pass
    ts.jacobian(f, x, mode="forward")           # one pass per element of x
    ts.hessian(f, x)                            # forward over reverse: the Jacobian of ∇f
    ts.tangents(J, {w1: 1.0})                   # nudge w1: how every node of J's graph moves

`f` runs once, recording its graph as any forward computation does; the tangents then
flow through that graph in one sweep per direction, in the order the values were computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from . import modes, ops
from .autograd import grad
from .errors import ShapeError
from .value import (
    ARITHMETIC_ERRORS,
    Value,
    as_data,
    check_finite,
    constant,
    describe,
    op_of,
    recompute_in_numpy,
    topological_order,
    zeros_like,
)


def _graph_order(outputs: Sequence[Value]) -> list[Value]:
    """Every node the outputs depend on, each after its parents (constants included: a
    seeded constant, such as a net's input, moves too)."""
    order: list[Value] = []
    seen: set[Value] = set()
    for output in outputs:
        for node in topological_order(output):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


def _carry(
    order: Sequence[Value], seeds: Mapping[Value, Any], create_graph: bool = False
) -> dict[Value, Any]:
    """The tangent of every node of `order` (a graph in topological order) that moves with
    the seeded nodes.

    A node's tangent is the sum, over its parents that have one, of the op's forward rule
    `op.jvp[index](parent's tangent, out, *operands)`, broadcast to the node's shape. With
    `create_graph` the rules run on Values, so the tangents can be differentiated again.
    """
    found: dict[Value, Any] = dict(seeds)
    anomaly = modes.shared.detect_anomaly
    with modes.set_grad_enabled(create_graph or modes.local.grad_enabled):
        for node in order:
            if node in found or not node.parents:
                continue
            tangent = _node_tangent(node, found, create_graph)
            if tangent is not None:
                if anomaly:
                    check_finite(tangent, op_of(node), node.parents, "forward-mode", node)
                found[node] = tangent
    return found


def _node_tangent(node: Value, found: Mapping[Value, Any], create_graph: bool) -> Any:
    """How far `node` moves: its parents' tangents through the op's forward rules (None
    when no parent moves)."""
    op, parents, attrs = node.op, node.parents, node.attrs or {}
    assert op is not None  # a node with parents has an op (inline: once per node)
    if create_graph:
        out, operands = node, parents
    else:
        out, operands = node.data, tuple([parent.data for parent in parents])
    total = None
    for index, parent in enumerate(parents):
        tangent = found.get(parent)
        if tangent is None:
            continue
        if op.jvp is None:
            raise NotImplementedError(
                f"{op.name} has no forward-mode rule: give its Op a jvp=(...) rule per operand, "
                "or elementwise=True if each element of its result depends only on the same "
                "element of each operand (then its backward rules serve)"
            )
        rule = op.jvp[index]
        try:
            share = rule(tangent, out, *operands, **attrs)
        except ARITHMETIC_ERRORS as error:
            share = recompute_in_numpy(rule, [tangent, out, *operands], attrs, error, op, parents)
        total = share if total is None else total + share
    return None if total is None else _shaped_like(total, node)


def _shaped_like(tangent: Any, node: Value) -> Any:
    """`tangent` broadcast to `node`'s shape and in its kind of data (what the engine does to
    every forward rule's result, as it sums every backward rule's result back)."""
    shape = node.shape
    if ops.shape_of(tangent) != shape:
        if not _broadcasts(ops.shape_of(tangent), shape):
            raise ShapeError(
                f"{op_of(node).name}: a forward rule gave a tangent of shape "
                f"{ops.shape_of(tangent)} for a result of shape {shape}; it must broadcast to "
                "the result's shape"
            )
        if isinstance(tangent, Value):
            return ops.apply(ops.BROADCAST_TO, tangent, shape=shape)
        tangent = np.broadcast_to(tangent, shape).astype(node.dtype)
    if type(node.data) is float and type(tangent) is not float and not isinstance(tangent, Value):
        return float(tangent)
    return tangent


def _broadcasts(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """True if numpy can broadcast an array of `shape` to `target` (without growing it)."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def tangents(
    outputs: Value | Sequence[Value], seeds: Mapping[Value, Any], create_graph: bool = False
) -> dict[Value, Any]:
    """How every node of the outputs' graph moves when the `seeds` move: {node: tangent}.

    `seeds` maps nodes (leaves usually, e.g. {w1: 1.0}: nudge w1 by ε) to their tangents;
    the answer maps each node that moves to its tangent, ∂node/∂(seed direction). Nodes that
    do not move are left out. The graph must already be recorded (build the outputs first).
    """
    outputs = [outputs] if isinstance(outputs, Value) else list(outputs)
    checked = {}
    for node, tangent in seeds.items():
        if not isinstance(node, Value):
            raise TypeError(f"tangents: seeds are keyed by Values, not {type(node).__name__}")
        checked[node] = _as_tangent(tangent, node, describe(node), create_graph)
    return _carry(_graph_order(outputs), checked, create_graph)


def _as_tangent(tangent: Any, primal: Value, name: str, create_graph: bool) -> Any:
    """A tangent checked against its primal's shape, as data (or a constant Value)."""
    data = as_data(tangent.data if isinstance(tangent, Value) else tangent)
    if np.shape(data) != primal.shape:
        raise ShapeError(
            f"the tangent of {name} has shape {np.shape(data)} but {name} has shape "
            f"{primal.shape}; they must be equal"
        )
    # in the primal's kind of data and dtype, as gradients are
    data = float(data) if type(primal.data) is float else np.asarray(data, primal.dtype)[()]
    return constant(data) if create_graph else data


def _leaves(inputs: Sequence[Any]) -> list[Value]:
    """Fresh leaves holding the inputs' data (numbers, arrays or Values), named x1, x2, …
    unless they have a label."""
    leaves = []
    for i, x in enumerate(inputs):
        if isinstance(x, Value):
            leaves.append(Value(x.data, label=x.label or f"x{i + 1}"))
        else:
            leaves.append(Value(x, label=f"x{i + 1}"))
    return leaves


def _call(f: Callable[..., Any], leaves: Sequence[Value], caller: str) -> Value:
    """`f(*leaves)`, which must be a Value, with its graph recorded even inside `no_grad()`
    (differentiating f is the point; f may still use `no_grad()` inside)."""
    with modes.set_grad_enabled(True):
        output = f(*leaves)
    if not isinstance(output, Value):
        raise TypeError(f"{caller}: f must return a Value, it returned {type(output).__name__}")
    return output


def _as_sequence(inputs: Any) -> tuple[list[Any], bool]:
    """The inputs as a list, and whether a single input was given (not a list or tuple)."""
    if isinstance(inputs, list | tuple):
        return list(inputs), False
    return [inputs], True


def jvp(
    f: Callable[..., Value],
    primals: Sequence[Any],
    tangents: Sequence[Any],
    create_graph: bool = False,
) -> tuple[Value, Any]:
    """f(*primals) and its Jacobian-vector product J·tangents, in one forward pass.

    `primals` are the inputs (numbers, arrays or Values; one input may be given bare), and
    `tangents` the direction they move in, one per primal, of the same shapes. Returns the
    output Value (with its graph, to draw) and its tangent: how far the output moves per
    unit of the step, as data of the output's shape (a Value with `create_graph=True`).
    """
    primals, single = _as_sequence(primals)
    tangents_in = [tangents] if single else list(tangents)
    if len(tangents_in) != len(primals):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents_in)} tangents; "
                         "give one tangent per primal")
    leaves = _leaves(primals)
    seeds = {leaf: _as_tangent(t, leaf, f"primal {i + 1}", create_graph)
             for i, (leaf, t) in enumerate(zip(leaves, tangents_in, strict=True))}
    output = _call(f, leaves, "jvp")
    moved = _carry(_graph_order([output]), seeds, create_graph).get(output)
    if moved is None:  # the output does not depend on the primals
        moved = constant(zeros_like(output.data)) if create_graph else zeros_like(output.data)
    return output, moved


def _basis(shape: tuple[int, ...], dtype: Any) -> Any:
    """One-hot arrays of `shape`, element by element (a 1.0 for a scalar)."""
    for position in np.ndindex(shape):
        if not shape:
            yield 1.0 if dtype == np.float64 else dtype.type(1.0)
            continue
        unit = np.zeros(shape, dtype=dtype)
        unit[position] = 1
        yield unit


def _assembled(pieces: npt.ArrayLike, outer: tuple[int, ...], inner: tuple[int, ...]) -> Any:
    """The Jacobian block of shape outer + inner from its pieces, a float when it is 1×1."""
    block = np.asarray(pieces).reshape(outer + inner)
    return float(block) if block.ndim == 0 and block.dtype == np.float64 else block


def jacobian(f: Callable[..., Value], inputs: Any, mode: str = "reverse") -> Any:
    """The Jacobian of `f` at `inputs`: ∂f[i…]/∂x[j…] in an array of shape f.shape + x.shape.

    One input (a number, array or Value) gives one array; a list or tuple of inputs gives
    f(*inputs) and a list of arrays, one per input. `mode="reverse"` runs one backward pass
    per element of the output (rows); `mode="forward"` one tangent pass per element of the
    inputs (columns). Both walk the same graph, recorded by one call of `f`.
    """
    if mode not in ("reverse", "forward"):
        raise ValueError(f"jacobian: mode must be 'reverse' or 'forward', not {mode!r}")
    inputs, single = _as_sequence(inputs)
    leaves = _leaves(inputs)
    output = _call(f, leaves, "jacobian")
    if mode == "reverse":
        blocks = _reverse_jacobian(output, leaves)
    else:
        blocks = _forward_jacobian([output], leaves)[0]
    return blocks[0] if single else blocks


def _reverse_jacobian(output: Value, leaves: list[Value]) -> list[Any]:
    """The Jacobian of `output` by rows: one backward pass per element of the output."""
    if not output.requires_grad:
        return [_assembled(np.zeros(output.size * leaf.size), output.shape, leaf.shape)
                for leaf in leaves]
    rows = [grad(output, leaves, grad_output=seed) for seed in _basis(output.shape, output.dtype)]
    return [_assembled([row[i] for row in rows], output.shape, leaf.shape)
            for i, leaf in enumerate(leaves)]


def _forward_jacobian(outputs: list[Value], leaves: list[Value]) -> list[list[Any]]:
    """The Jacobians of `outputs` by columns: one tangent pass per element of the inputs.
    Returns one list of blocks (one per leaf) for each output."""
    blocks: list[list[Any]] = [[] for _ in outputs]
    order = _graph_order(outputs)
    for leaf in leaves:
        columns: list[list[Any]] = [[] for _ in outputs]
        for unit in _basis(leaf.shape, leaf.dtype):
            moved = _carry(order, {leaf: unit})
            for k, output in enumerate(outputs):
                column = moved.get(output)
                columns[k].append(zeros_like(output.data) if column is None else column)
        for k, output in enumerate(outputs):
            # columns are stacked along the first axis: move the input's axes to the end
            stacked = np.asarray(columns[k]).reshape(leaf.shape + output.shape)
            axes = tuple(range(leaf.ndim, leaf.ndim + output.ndim)) + tuple(range(leaf.ndim))
            blocks[k].append(_assembled(np.transpose(stacked, axes), output.shape, leaf.shape))
    return blocks


def hessian(f: Callable[..., Value], inputs: Any) -> Any:
    """The Hessian of a scalar `f` at `inputs`: ∂²f/∂x[i…]∂x[j…], of shape x.shape + x.shape.

    Forward over reverse: the gradient is recorded as a graph (create_graph=True), then
    one tangent pass per input element gives a column of its Jacobian. A list or tuple of
    inputs gives the blocks H[i][j] = ∂²f/∂xᵢ∂xⱼ as a list of lists.
    """
    inputs, single = _as_sequence(inputs)
    leaves = _leaves(inputs)
    output = _call(f, leaves, "hessian")
    if output.size != 1:
        raise ShapeError(f"hessian: f must return a scalar, it returned shape {output.shape}; "
                         "use ts.jacobian for the first derivatives of a vector")
    if not output.requires_grad:
        blocks = [[_assembled(np.zeros(a.size * b.size), a.shape, b.shape) for b in leaves]
                  for a in leaves]
    else:
        gradients = grad(output, leaves, create_graph=True)
        blocks = _forward_jacobian(gradients, leaves)
    return blocks[0][0] if single else blocks

