"""Short names for unlabeled intermediate results, as a teacher would introduce them.

An unlabeled node is named by `describe` after its op and operands, tanh((x1 × x2)); deep
in a graph that name is elided (…) and two nodes can end up with the same one. Then every
unlabeled result gets a short name, u1, u2, … (the root f), and the text opens with a
legend, u1 = x1 × x2. The names live in a `Names` object, the naming function that the
explainer and the renderer hand to `local_derivative`: the user's nodes are never touched.
"""

from __future__ import annotations

from ..value import Value, describe, expression, topological_order

PREFIXES = ("u", "v", "h", "t")
ROOT_NAMES = ("f", "F", "L")


class Names:
    """The name of every node of `root`'s graph: its label, a short name, or `describe`'s.

    `short` maps the unlabeled results to their short names, in graph order (parents
    first); it is empty when the names `describe` makes up are readable as they are.
    Calling the object names a node: `names(node)`.
    """

    def __init__(self, root: Value) -> None:
        nodes = topological_order(root)
        made_up = {node: describe(node) for node in nodes}
        self.short: dict[Value, str] = (
            _short_names(root, nodes) if _needs_names(nodes, made_up) else {})
        self._names = {**made_up, **self.short}

    def __call__(self, node: Value) -> str:
        """The node's name: its label, its short name, or the one `describe` makes up."""
        name = self._names.get(node)
        return describe(node) if name is None else name

    def given(self, node: Value) -> str | None:
        """The node's label or short name; None when only `describe` can name it."""
        return node.label or self.short.get(node)

    def definition(self, node: Value) -> str:
        """What a short name stands for: 'u1 = x1 × x2'."""
        return f"{self(node)} = {expression(node, self)}"


def _needs_names(nodes: list[Value], made_up: dict[Value, str]) -> bool:
    """True when some unlabeled result's generated name is elided or not unique."""
    seen: set[str] = set()
    ambiguous = False
    for node in nodes:
        name = made_up[node]
        if node.op is not None and not node.label:
            if "…" in name:
                return True
            ambiguous = ambiguous or name in seen
        seen.add(name)
    return ambiguous


def _short_names(root: Value, nodes: list[Value]) -> dict[Value, str]:
    """u1, u2, … for the unlabeled results in graph order, f (or F, L) for the root, each
    with a prefix no label of the graph uses already."""
    taken = {node.label for node in nodes if node.label}
    prefix = _free(PREFIXES, taken, numbered=True)
    names: dict[Value, str] = {}
    for node in nodes:
        if node.op is None or node.label:
            continue
        if node is root:
            names[node] = _free(ROOT_NAMES, taken, numbered=False)
        else:
            names[node] = f"{prefix}{len(names) + 1}"
    return names


def _free(candidates: tuple[str, ...], taken: set[str], numbered: bool) -> str:
    """The first candidate no label uses (as itself, or numbered: u1, u2 … when `numbered`)."""
    for candidate in candidates:
        if not numbered and candidate not in taken:
            return candidate
        if numbered and not any(label.startswith(candidate) and label[len(candidate):].isdigit()
                                for label in taken):
            return candidate
    return candidates[-1] + "_"
