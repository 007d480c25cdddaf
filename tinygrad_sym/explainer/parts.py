"""A part of a tensor, named the way a learner writes it: W1[0, 1], W1[:, 0].

`W1[:, 0]` builds a new node that the loss never used; given to `explain` or `compare`, it
means "this part of W1": one entry (the twin's w1), or one unit's column of weights. A
`Selection` holds such a part as the index picked on some axes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import Value, describe, topological_order

Selection = dict[int, int]
"""A part of an array: the index picked on some axes ({1: 0} is [:, 0]); {} is all of it."""

SHARED, EQUAL, DIFFERENT, NOT_FOLLOWED = "shared", "equal", "DIFFERENT", "not followed"
"""How two parts' factors relate: the very same numbers, equal numbers, different ones, or
not followed (above an op whose rule mixes the entries of its operand)."""


def selection_of(tensor: Value, index: Any) -> Selection:
    """A part written as an index (W1[:, 0], W1[1], W1[0, 1]) as a `Selection`, or a clear
    error for what is not one entry, row or column."""
    parts = index if isinstance(index, tuple) else (index,)
    if len(parts) > tensor.ndim or any(
            not (isinstance(p, int) or p == slice(None)) for p in parts):
        raise ValueError(
            f"compare: {describe(tensor)}[{_index_text(parts)}] is not a part compare can "
            f"follow: pick whole rows or columns with ints and ':' (W[:, 0] is unit 1's "
            f"weights, W[0] the weights on input 1, W[0, 1] one weight)")
    return {axis: int(p) % tensor.shape[axis] for axis, p in enumerate(parts)
            if isinstance(p, int)}


def _index_text(parts: tuple[Any, ...]) -> str:
    """An index as written between brackets: ':, 0'."""
    return ", ".join(":" if p == slice(None) else str(p) for p in parts)


def selection_text(selection: Selection, ndim: int) -> str:
    """'[:, 0]', '[1, :]', '[0, 1]', '' for the whole array."""
    if not selection:
        return ""
    return "[" + ", ".join(str(selection[a]) if a in selection else ":" for a in range(ndim)) + "]"


def pick(array: Any, selection: Selection) -> Any:
    """The part of `array` a selection picks."""
    if not selection:
        return array
    return np.asarray(array)[tuple(selection.get(a, slice(None)) for a in range(np.ndim(array)))]


def part_of(root: Value, node: Value) -> tuple[Value, Any] | None:
    """(tensor, index) when `node` is `tensor[index]` for a tensor of `root`'s graph that
    `root` itself does not use (so it names a part of the tensor); None otherwise."""
    if node.op is None or node.op.name != "getitem" or not node.parents[0].shape:
        return None
    graph = set(topological_order(root))
    tensor = node.parents[0]
    if node in graph or tensor not in graph:
        return None
    return tensor, node.attrs["index"]
