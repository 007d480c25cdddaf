"""Condensing a graph too big to read into at most `max_nodes` boxes.

A picture of 10,000 nodes is neither readable nor quick to lay out, so bigger graphs are
summarised, coarsest only where needed, each step tried in turn until the picture fits:

1. the clusters of an `nn` model (nodes sharing a `group` such as ("layer 1", "unit 2"))
   become one box each, first per unit, then per layer;
2. ungrouped nodes that play the same role (same op, or same label for leaves, at the same
   height above the leaves) merge into one box: the per-example copies of a batch;
3. if that is still too many, only the boxes nearest the root are kept and everything
   earlier becomes one last box.

The root and the nodes on highlighted paths are always drawn one by one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from ...value import Value


@dataclass(eq=False)
class Summary:
    """One box standing for several nodes: a cluster, a role in a batch, or the rest."""

    title: tuple[str, ...]  # the group, e.g. ("layer 1", "unit 2"), or a description
    kind: str  # "group", "role" or "rest"
    members: list[Value] = field(default_factory=list)


@dataclass
class Plan:
    """What to draw: nodes one by one (`shown`, parents first) and `summaries` for the rest.

    `owner` maps each summarised node to its summary; `note` says how the graph was
    condensed, or is None when every node is drawn.
    """

    shown: list[Value]
    summaries: list[Summary]
    owner: dict[Value, Summary]
    note: str | None = None

    @property
    def size(self) -> int:
        """How many boxes the picture has."""
        return len(self.shown) + len(self.summaries)


def _heights(order: Sequence[Value]) -> dict[Value, int]:
    """Each node's height: 0 for leaves, else one more than its highest parent."""
    heights: dict[Value, int] = {}
    for node in order:
        heights[node] = 1 + max((heights[p] for p in node.parents), default=-1)
    return heights


def _role(node: Value, height: int) -> Hashable:
    """What a node does, independent of which example it belongs to."""
    if node.op is None:
        kind = "parameter" if node.requires_grad else "constant"
        return ("leaf", kind, node.label if node.label else None)
    return ("op", node.op.name, node.label, height)


def _role_title(node: Value) -> tuple[str, ...]:
    if node.op is None:
        name = node.label or "constants"
        return (name if node.requires_grad or node.label else "constants",)
    return (f"{node.label} ({node.op.symbol})" if node.label else node.op.name,)


def _plan(
    order: Sequence[Value], keys: dict[Value, Hashable], titles: dict[Hashable, tuple[str, ...]],
    kinds: dict[Hashable, str],
) -> Plan:
    """A plan where nodes sharing a key (not None) are summarised together."""
    shown: list[Value] = []
    summaries: dict[Hashable, Summary] = {}
    owner: dict[Value, Summary] = {}
    for node in order:
        key = keys.get(node)
        if key is None:
            shown.append(node)
            continue
        summary = summaries.get(key)
        if summary is None:
            summary = summaries[key] = Summary(titles[key], kinds[key])
        summary.members.append(node)
        owner[node] = summary
    # A box standing for a single node is just that node.
    for key, summary in list(summaries.items()):
        if len(summary.members) == 1:
            del summaries[key], owner[summary.members[0]]
    shown = [node for node in order if node not in owner]
    return Plan(shown, list(summaries.values()), owner)


def _count(order: Sequence[Value], keys: dict[Value, Hashable]) -> int:
    """How many boxes summarising by `keys` gives (without building the plan)."""
    members: dict[Hashable, int] = {}
    loose = 0
    for node in order:
        key = keys.get(node)
        if key is None:
            loose += 1
        else:
            members[key] = members.get(key, 0) + 1
    return loose + len(members)


def condense(
    order: Sequence[Value], root: Value, max_nodes: int, keep: Iterable[Value] = ()
) -> Plan:
    """A plan with at most `max_nodes` boxes (the root and `keep` always drawn as they are).

    `order` is the graph in topological order (parents first). The budget is a target:
    the nodes to keep are drawn even when they alone exceed it.
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    if len(order) <= max_nodes:
        return Plan(list(order), [], {})
    pinned = set(keep) | {root}
    keys: dict[Value, Hashable] = {}
    titles: dict[Hashable, tuple[str, ...]] = {}
    kinds: dict[Hashable, str] = {}

    # 1. Clusters: per unit, then per layer (the finest level that fits, else the coarsest).
    depth = max((len(node.group) for node in order if node.group), default=0)
    for level in range(depth, 0, -1):
        keys = {}
        for node in order:
            if node.group and node not in pinned:
                key = ("group", *node.group[:level])
                keys[node] = key
                titles[key] = tuple(node.group[:level])
                kinds[key] = "group"
        if _count(order, keys) <= max_nodes:
            return _finish(_plan(order, keys, titles, kinds), len(order), "cluster")

    # 2. Roles: the copies of one computation across the examples of a batch.
    heights = _heights(order)
    for node in order:
        if node not in keys and node not in pinned:
            key = _role(node, heights[node])
            keys[node] = key
            titles.setdefault(key, _role_title(node))
            kinds[key] = "role"
    if _count(order, keys) <= max_nodes:
        return _finish(_plan(order, keys, titles, kinds), len(order), "role")

    # 3. Keep the boxes nearest the root; everything earlier becomes one box.
    return _finish(_nearest(order, root, max_nodes, pinned, keys, titles, kinds), len(order),
                   "nearest")


def _nearest(
    order: Sequence[Value], root: Value, max_nodes: int, pinned: set[Value],
    keys: dict[Value, Hashable], titles: dict[Hashable, tuple[str, ...]],
    kinds: dict[Hashable, str],
) -> Plan:
    """Breadth-first from the root over boxes, until `max_nodes - 1` boxes are taken."""

    def box(node: Value) -> Hashable:
        key = keys.get(node)
        return ("node", id(node)) if key is None else key

    boxes = {box(node) for node in pinned}
    budget = max(max_nodes - 1, len(boxes))
    visited = {root}
    frontier = [root]
    while frontier and len(boxes) < budget:
        following: list[Value] = []
        for node in frontier:
            for parent in node.parents:
                if parent in visited:
                    continue
                visited.add(parent)
                if box(parent) not in boxes:
                    if len(boxes) >= budget:
                        continue
                    boxes.add(box(parent))
                following.append(parent)
        frontier = following
    rest = ("rest",)
    titles[rest] = ("earlier computation",)
    kinds[rest] = "rest"
    final: dict[Value, Hashable] = {}
    for node in order:
        if box(node) not in boxes:
            final[node] = rest
        elif node in keys:
            final[node] = keys[node]
    return _plan(order, final, titles, kinds)


def _finish(plan: Plan, total: int, how: str) -> Plan:
    explanations = {
        "cluster": "each cluster drawn as one box",
        "role": "clusters, and the copies of each step across examples, drawn as one box each",
        "nearest": "only the steps nearest the output drawn; earlier ones summarised",
    }
    plan.note = (
        f"Condensed view: {total:,} nodes shown as {plan.size:,} boxes "
        f"({explanations[how]}). Draw a smaller graph or raise max_nodes to see every node."
    )
    return plan
