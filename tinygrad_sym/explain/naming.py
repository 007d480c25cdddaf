"""Short names for unlabeled intermediate results, as a teacher would introduce them.

An unlabeled node is named by `describe` after its op and operands, tanh((x1 × x2)); deep
in a graph that name is elided (…) and two nodes can end up with the same one. Then the
explainer labels the unlabeled results u1, u2, … (the root f) for the time it builds its
factors — the formulas come from `local_derivative`, in these names — and restores the
labels afterwards; the text opens with a legend, u1 = x1 × x2.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..value import Value, describe, topological_order

PREFIXES = ("u", "v", "h", "t")
ROOT_NAMES = ("f", "F", "L")


def _needs_names(nodes: list[Value]) -> bool:
    """True when some unlabeled result's generated name is elided or not unique."""
    names: dict[str, Value] = {}
    ambiguous = False
    for node in nodes:
        name = describe(node)
        if node.op is not None and not node.label and "…" in name:
            return True
        if name in names and node.op is not None and not node.label:
            ambiguous = True
        names.setdefault(name, node)
    return ambiguous


def _free(candidates: tuple[str, ...], taken: set[str], numbered: bool) -> str:
    for candidate in candidates:
        if not numbered and candidate not in taken:
            return candidate
        if numbered and not any(label.startswith(candidate) and label[len(candidate):].isdigit()
                                for label in taken):
            return candidate
    return candidates[-1] + "_"


@contextmanager
def readable_names(root: Value) -> Iterator[dict[Value, str]]:
    """Within the block, unlabeled results of `root`'s graph carry short labels if needed.

    Yields {node: its definition in the short names} for the nodes it labeled, in
    graph order (empty when the generated names were readable as they are).
    """
    nodes = topological_order(root)
    if not _needs_names(nodes):
        yield {}
        return
    taken = {node.label for node in nodes if node.label}
    prefix = _free(PREFIXES, taken, numbered=True)
    unlabeled = [node for node in nodes if node.op is not None and not node.label]
    try:
        count = 0
        for node in unlabeled:
            if node is root:
                node.label = _free(ROOT_NAMES, taken, numbered=False)
            else:
                count += 1
                node.label = f"{prefix}{count}"
        definitions = {}
        for node in unlabeled:
            label, node.label = node.label, None
            definitions[node] = f"{label} = {_strip(describe(node, depth=1))}"
            node.label = label
        yield definitions
    finally:
        for node in unlabeled:
            node.label = None


def _strip(text: str) -> str:
    """x1 × x2 rather than (x1 × x2)."""
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text
