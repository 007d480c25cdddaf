"""Condensing a graph too big to read (more than `max_nodes` nodes) into a few boxes.

A root that averages one loss per example (nn.cost on a scalar net) has a copy of the net
per example: the first `max_examples` are drawn in full, the others together as one box
(their losses listed), with a note saying so.

A picture of 10,000 nodes is neither readable nor quick to lay out, so a bigger graph is
summarised:

- ungrouped nodes that play the same role (leaves with the same label, or the same op at
  the same height above the leaves) become one box: the copies of a step across the
  examples of a batch (x1 ×200, the loss of each example ×200);
- the clusters of an `nn` model (nodes sharing a `group` such as ("layer 1", "unit 2"))
  become one box each: per unit if that fits, else per layer;
- if that is still too many (a graph that is not a batch), only the nodes nearest the
  root are drawn, units still collapsed, and everything earlier becomes one last box.

The root and the nodes on highlighted paths are always drawn one by one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from ..value import Value

CONDENSED_BOXES = 60
"""A condensed picture has at most this many boxes: beyond that it is no longer readable
(and Graphviz's layout, superlinear in the number of boxes, no longer quick)."""


@dataclass(eq=False)
class Summary:
    """One box standing for several nodes: a cluster, a role in a batch, or the rest."""

    title: tuple[str, ...]  # the group, e.g. ("layer 1", "unit 2"), or a description
    kind: str  # "group", "role", "examples" or "rest"
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
    """Each node's height: 0 for leaves, else one more than its highest parent (a parent
    not in `order`, drawn elsewhere, counts as a leaf)."""
    heights: dict[Value, int] = {}
    for node in order:
        heights[node] = 1 + max((heights.get(p, 0) for p in node.parents), default=-1)
    return heights


def _roles(order: Sequence[Value], pinned: set[Value]) -> dict[Value, Hashable]:
    """What each ungrouped node does, independent of which example it belongs to.

    An op's role is its name and height; a named leaf's, its label (x1 of every example);
    an unnamed leaf (a constant like the 1 in 1 − a) takes the role of the step that uses
    it, so it joins that step's box rather than linking boxes all over the picture.
    """
    heights = _heights(order)
    consumer: dict[Value, Value] = {}
    for node in order:
        for parent in node.parents:
            consumer.setdefault(parent, node)
    roles: dict[Value, Hashable] = {}
    for node in order:
        if node.op is not None:
            roles[node] = ("op", node.op.name, heights[node])
    for node in order:
        if node.op is None:
            kind = "parameter" if node.requires_grad else "constant"
            user = None if node.label else consumer.get(node)
            roles[node] = ("leaf", kind, node.label, None if user is None else roles.get(user))
    return {node: role for node, role in roles.items() if not node.group and node not in pinned}


def _role_title(node: Value) -> tuple[str, ...]:
    if node.op is None:
        return (node.label or ("parameters" if node.requires_grad else "constants"),)
    return (node.op.name,)


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
    order: Sequence[Value], root: Value, max_nodes: int, keep: Iterable[Value] = (),
    examples: dict[Value, int] | None = None, max_examples: int | None = None,
) -> Plan:
    """Every node of `order` (topological, parents first) if there are at most `max_nodes`;
    else a condensed plan of at most min(max_nodes, CONDENSED_BOXES) boxes.

    `examples` maps the nodes of a batch's per-example copies to their example (1, 2, …):
    those of the examples after the first `max_examples` (None: all drawn) become one box.
    The root and `keep` are always drawn as they are, even when they alone exceed that.
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    if max_examples is not None and max_examples < 1:
        raise ValueError(f"max_examples must be at least 1 (or None: all), got {max_examples}")
    titles: dict[Hashable, tuple[str, ...]] = {}
    kinds: dict[Hashable, str] = {}
    hidden: dict[Value, Hashable] = {}
    count = max((examples or {}).values(), default=0)
    examples_note = ""
    if max_examples is not None and count > max_examples:  # so at least one example hidden
        first = max_examples + 1
        key: Hashable = ("examples",)
        titles[key] = (f"example {first}" if first == count else f"examples {first}–{count}",)
        kinds[key] = "examples"
        hidden = {node: key for node, k in (examples or {}).items() if k > max_examples}
        drawn = "example 1" if max_examples == 1 else f"examples 1–{max_examples}"
        examples_note = (f"{root_name(root)} adds up {count:,} examples: {drawn} drawn in "
                         f"full, the other{'s' if count - max_examples > 1 else ''} as one "
                         "box (draw with max_examples=None to see every example).")
    rest = [node for node in order if node not in hidden]
    if len(rest) <= max_nodes:
        plan = _plan(order, hidden, titles, kinds)
        plan.note = examples_note or None
        return plan
    target = min(max_nodes, CONDENSED_BOXES) - (1 if hidden else 0)
    pinned = (set(keep) - set(hidden)) | {root}
    # Roles: the copies of one computation across the examples of a batch (x1 of every
    # example, the loss of every example…) become one box each.
    roles = _roles(rest, pinned)
    for node, key in roles.items():
        titles.setdefault(key, _role_title(node))
        kinds[key] = "role"
    # Clusters: one box per unit if that fits, else per layer (the group's first part).
    depth = max((len(node.group) for node in rest if node.group), default=0)
    keys = dict(roles)
    for level in range(depth, 0, -1):
        keys = dict(roles)
        for node in rest:
            if node.group and node not in pinned:
                key = keys[node] = ("group", *node.group[:level])
                titles[key] = tuple(node.group[:level])
                kinds[key] = "group"
        if _count(rest, keys) <= target:
            break
    if _count(rest, keys) <= target:
        return _finish(_plan(order, {**keys, **hidden}, titles, kinds), len(order), "summary",
                       examples_note)
    # Still too many: the boxes nearest the root, everything earlier in one box. Roles are
    # dropped here: in a graph that is not a batch they would tie far-apart steps together.
    clusters = {node: key for node, key in keys.items() if node not in roles}
    nearest = _nearest(rest, root, target, pinned, clusters, titles, kinds)
    return _finish(_plan(order, {**nearest, **hidden}, titles, kinds), len(order), "nearest",
                   examples_note)


def root_name(root: Value) -> str:
    """The root's label, or 'the output'."""
    return root.label or "the output"


def _nearest(
    order: Sequence[Value], root: Value, max_nodes: int, pinned: set[Value],
    keys: dict[Value, Hashable], titles: dict[Hashable, tuple[str, ...]],
    kinds: dict[Hashable, str],
) -> dict[Value, Hashable]:
    """The box of each node of `order` summarised: breadth-first from the root over boxes
    until `max_nodes - 1` are taken, everything else in one last box."""

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
    return final


def _finish(plan: Plan, total: int, how: str, examples_note: str = "") -> Plan:
    """`plan` with its note: how it was condensed (and which examples are in one box)."""
    explanation = {
        "summary": "each cluster, and each step repeated across examples, drawn as one box",
        "nearest": "only the steps nearest the output drawn one by one; earlier ones in one box",
    }[how]
    plan.note = (
        f"Condensed view: {total:,} nodes drawn as {plan.size:,} boxes ({explanation}). "
        "Draw a smaller graph, or raise max_nodes, to see every node."
        + (" " + examples_note if examples_note else "")
    )
    return plan
