"""The numbers of a training film: each recorded step's values, gradients and local
derivatives of one graph, from the engine.

A film shows the graph of J (on a few examples, through the model's scalar twin) at every
recorded step: the same nodes and edges, other numbers. `Steps.graph(k)` runs the twin at
step k. `record` gets the numbers of all the steps at once where it can: when every node
is a scalar and every op elementwise, the graph is recorded once more with each parameter
holding its values over the steps (one per step), so one forward and one backward pass of
the engine compute every step side by side, numpy doing the looping. (The engine's array
path may differ from its scalar path in the last bit, e.g. numpy's exp against math's; a
few steps are checked against the twin.) Otherwise it runs the twin step by step.

The film reads the model only through `to_scalar()`, `load_state_dict` and `zero_grad`,
so the explorer never imports `nn`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..formulas import local_derivative, share
from ..value import Value, topological_order
from .document import edge_numbers


class Model(Protocol):
    """What the film asks of a model: a scalar twin it can load each recorded state into."""

    def to_scalar(self) -> Any:
        """The model with one scalar Value per weight, holding the same numbers (a copy)."""


Cost = Callable[[Any, Any, Any], Value]
"""cost(model, X, y) -> J, the number the film differentiates."""


def shape_of_graph(order: list[Value]) -> list[tuple[Any, ...]]:
    """What must stay the same from step to step: each node's op, label and operand count."""
    return [(node.op.name if node.op else None, node.label, len(node.parents))
            for node in order]


class Steps:
    """The model's scalar twin at any recorded step (its own copy: the model is not
    touched)."""

    def __init__(self, model: Model, states: Sequence[dict[str, Any]], cost: Cost, X: Any,
                 y: Any) -> None:
        self.twin, self.states, self.cost, self.X, self.y = (model.to_scalar(), states, cost,
                                                             X, y)
        self.shape: list[tuple[Any, ...]] | None = None

    def __len__(self) -> int:
        return len(self.states)

    def graph(self, step: int) -> Value:
        """J at `step`: that step's parameters loaded, J computed, backward run. (The graph
        of the step before is stale from then on.) Refuses a graph of another shape than
        step 0's: the film draws one graph."""
        self.twin.load_state_dict(self.states[step])
        self.twin.zero_grad()
        J = self.cost(self.twin, self.X, self.y)
        J.backward()
        shape = shape_of_graph(topological_order(J))
        if self.shape is None:
            self.shape = shape
        elif shape != self.shape:
            raise ValueError(f"film: step {step} computed a graph of another shape than "
                             "step 0; the film needs the same graph at every step")
        return J

    def parameter_columns(self, parameters: list[Value]) -> dict[Value, np.ndarray] | None:
        """Each parameter leaf of the twin's graph with its value at every step, or None
        when some leaf is not found in the states. A probe state (every entry numbered:
        −1, −2, …) is loaded once, so each leaf shows which entry of a state it holds."""
        first = self.states[0]
        shapes = {key: np.shape(value) for key, value in first.items()}
        probe, entry, code = {}, {}, 1
        for key, shape in shapes.items():
            size = int(np.prod(shape))
            probe[key] = -np.arange(code, code + size, dtype=float).reshape(shape)
            for flat in range(size):
                entry[-float(code + flat)] = (key, flat)
            code += size
        self.twin.load_state_dict(probe)
        found = [entry.get(float(leaf.data)) for leaf in parameters]
        self.twin.load_state_dict(first)
        located = [where for where in found if where is not None]
        if len(located) < len(found):
            return None
        stacked = {key: np.stack([np.asarray(state[key], dtype=float).reshape(-1)
                                  for state in self.states])
                   for key in {key for key, _ in located}}
        return {leaf: stacked[key][:, flat]
                for leaf, (key, flat) in zip(parameters, located, strict=True)}


@dataclass
class Frames:
    """Per step (first index) and per node or edge (second, in the graph document's
    order): `values`, `gradients` (None for a constant) and `derivatives` (the local
    derivative's value; None where it is a Jacobian). `replayed`: all steps in one pass."""

    values: list[list[Any]]
    gradients: list[list[Any]]
    derivatives: list[list[float | None]]
    replayed: bool


CHECKED_STEPS = 3
"""A replay is checked against the twin at this many steps (first, middle, last)."""


def record(steps: Steps, root: Value) -> Frames:
    """The numbers of every step of the graph of `root` (J at step 0): replayed in one
    pass where the graph allows it and the check agrees, else step by step."""
    order = topological_order(root)
    frames = replayed(steps, order)
    if frames is not None and _agrees(frames, steps):
        return frames
    return scanned(steps)


def replayed(steps: Steps, order: list[Value]) -> Frames | None:
    """Every step at once: the graph recorded anew with one column of numbers (a value per
    step) per node; None unless every node is a scalar and every op elementwise (then
    each step's numbers only meet their own step's)."""
    if any(node.shape or (node.op is not None and (not node.op.elementwise or node.attrs))
           for node in order):
        return None
    columns = steps.parameter_columns([node for node in order
                                       if node.op is None and node.requires_grad])
    if columns is None:
        return None
    count = len(steps)
    copies: dict[Value, Value] = {}
    for node in order:
        if node.op is None:
            column = columns.get(node)
            data = np.full(count, float(node.data)) if column is None else column
            copies[node] = Value(data, requires_grad=node.requires_grad)
        else:
            copies[node] = Value.record(node.op, *(copies[parent] for parent in node.parents))
    copies[order[-1]].backward(np.ones(count))
    ones = np.ones(count)
    values = np.array([copies[node].data for node in order]).T.tolist()
    gradients = [[None] * count if copies[node].grad is None else copies[node].grad.tolist()
                 for node in order]
    derivatives = [np.broadcast_to(share(copies[child], k, ones), (count,)).tolist()
                   for child, k in edge_numbers(order)]
    return Frames(values, [list(row) for row in zip(*gradients, strict=True)],
                  [list(row) for row in zip(*derivatives, strict=True)] if derivatives
                  else [[] for _ in range(count)], True)


def scanned(steps: Steps) -> Frames:
    """Every step in turn, through the twin."""
    values, gradients, derivatives = [], [], []
    for step in range(len(steps)):
        order = topological_order(steps.graph(step))
        values.append([_copy(node.data) for node in order])
        gradients.append([_copy(node.grad) for node in order])
        derivatives.append([local_derivative(child, k).value
                            for child, k in edge_numbers(order)])
    return Frames(values, gradients, derivatives, False)


def _agrees(frames: Frames, steps: Steps) -> bool:
    """The replay holds the twin's numbers (to rounding) at the first, middle and last
    step."""
    count = len(steps)
    for step in sorted({0, count // 2, count - 1})[:CHECKED_STEPS]:
        order = topological_order(steps.graph(step))
        twin = [[node.data for node in order],
                [np.nan if node.grad is None else node.grad for node in order],
                [local_derivative(child, k).value for child, k in edge_numbers(order)]]
        replay = [frames.values[step], [np.nan if g is None else g
                                        for g in frames.gradients[step]],
                  frames.derivatives[step]]
        for found, expected in zip(replay, twin, strict=True):
            if not np.allclose(np.array(found, dtype=float), np.array(expected, dtype=float),
                               rtol=1e-9, atol=1e-12, equal_nan=True):
                return False
    return True


def _copy(data: Any) -> Any:
    """A float as it is, an array copied (a later step may write into it)."""
    return np.array(data) if isinstance(data, np.ndarray) else data
