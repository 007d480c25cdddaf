"""A part of a tensor, named the way a learner writes it: W1[0, 1], W1[:, 0].

`W1[:, 0]` builds a new node that the loss never used; given to `explain` or `compare`, it
means "this part of W1": one entry (the twin's w1), or one unit's column of weights.
"""

from __future__ import annotations

from typing import Any

from ..value import Value, topological_order


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
