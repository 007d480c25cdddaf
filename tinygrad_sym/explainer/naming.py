"""Short names for unlabeled intermediate results, as a teacher would introduce them.

An unlabeled node is named by `describe` after its op and operands, tanh((x1 × x2)); deep
in a graph that name is elided (…) and two nodes can end up with the same one. Then every
unlabeled result gets a short name, u1, u2, … (the root f), and the text opens with a
legend, u1 = x1 × x2. The names live in a `Names` object, the naming function that the
explainer and the renderer hand to `local_derivative`: the user's nodes are never touched.

A root that averages one loss per example (nn.cost on a scalar net: J = mean(L1, L2, …))
has a copy of x1, z1, a1, … per example, all with the same label. Each copy is then named
with its example's number as a superscript, as the course writes x⁽ⁱ⁾: x1⁽²⁾, z1⁽²⁾.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from ..value import Value, describe, expression, op_of, topological_order

PREFIXES = ("u", "v", "h", "t")
ROOT_NAMES = ("f", "F", "L")
ADDING = {"add", "sum", "mean", "stack", "concatenate", "reshape"}
"""Ops through which a root adds up its per-example terms (J = mean(stack(L1, L2, …)));
multiplying or dividing by a constant too."""
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


class Names:
    """The name of every node of `root`'s graph: its label, a short name, or `describe`'s.

    `short` maps the unlabeled results to their short names, in graph order (parents
    first); when the names `describe` makes up are readable as they are, it names only
    the stacks of numbered scalars (L = [L1, L2, L3]).
    Calling the object names a node: `names(node)`.
    """

    def __init__(self, root: Value) -> None:
        nodes = topological_order(root)
        made_up = {node: describe(node) for node in nodes}
        self.short: dict[Value, str] = (
            _short_names(root, nodes) if _needs_names(nodes, made_up) else _vectors(nodes))
        self.example: dict[Value, int] = {}  # the example (1, 2, …) a node's copy belongs to
        self.per_example: dict[Value, str] = {}  # x1⁽²⁾ for the copies of a shared label
        repeated = {label for label, count in
                    Counter(node.label for node in nodes if node.label).items() if count > 1}
        if repeated:
            self.example = examples(root, nodes, repeated)
            self.per_example = {node: node.label + superscript(k)
                                for node, k in self.example.items() if node.label in repeated}
        self.transposes = transpose_names(nodes, lambda node: node.label or self.short.get(node))
        self._names = {**made_up, **self.short, **self.transposes, **self.per_example}

    def __call__(self, node: Value) -> str:
        """The node's name: its label, its short name, or the one `describe` makes up."""
        name = self._names.get(node)
        return describe(node) if name is None else name

    def given(self, node: Value) -> str | None:
        """The node's label (with its example's number when other examples have a node of
        that label) or short name; None when only `describe` can name it."""
        return (self.per_example.get(node) or node.label or self.short.get(node)
                or self.transposes.get(node))

    def meaning(self, node: Value) -> str:
        """What a result is, in these names (see `meaning`)."""
        return meaning(node, self)

    def definition(self, node: Value) -> str:
        """What a short name stands for: 'u1 = x1 × x2', 'z = [z1, z2, z3]'."""
        return f"{self(node)} = {self.meaning(node)}"


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
    with a prefix no label of the graph uses already; a stack of z1, z2, z3 is the vector z
    (when no label is z)."""
    taken = {node.label for node in nodes if node.label}
    prefix = _free(PREFIXES, taken, numbered=True)
    names: dict[Value, str] = {}
    count = 0
    for node in nodes:
        if node.op is None or node.label or _is_transpose(node):
            continue
        vector = _vector_name(node)
        if node is root:
            names[node] = _free(ROOT_NAMES, taken, numbered=False)
        elif vector and vector not in taken:
            names[node] = vector
            taken.add(vector)
        else:
            count += 1
            names[node] = f"{prefix}{count}"
    return names


def _vectors(nodes: list[Value]) -> dict[Value, str]:
    """Short names for the stacks of numbered scalars only (L = [L1, L2, L3]), when the
    other names are readable as they are."""
    taken = {node.label for node in nodes if node.label}
    names: dict[Value, str] = {}
    for node in nodes:
        vector = _vector_name(node) if node.op is not None and not node.label else None
        if vector and vector not in taken:
            names[node] = vector
            taken.add(vector)
    return names


def _vector_name(node: Value) -> str | None:
    """'z' for a stack of z1, z2, z3 (one stem, distinct numbers); else None."""
    if op_of(node).name != "stack" or len(node.parents) < 2:
        return None
    labels = [parent.label for parent in node.parents if parent.label]
    if len(set(labels)) != len(node.parents):  # unlabeled or repeated
        return None
    stems = {label.rstrip("0123456789") for label in labels}
    stem = stems.pop() if len(stems) == 1 else ""
    numbered = all(label[len(stem):].isdigit() for label in labels)
    return stem if stem and numbered else None


def _is_transpose(node: Value) -> bool:
    """True for a matrix transposed (named after it: W1ᵀ, by `transpose_names`)."""
    return node.op is not None and node.op.name == "transpose" and node.ndim == 2


def transpose_names(nodes: list[Value], given: Callable[[Value], str | None]) -> dict[Value, str]:
    """W1ᵀ for an unlabeled transpose of a matrix that has a name (`given`): a name that
    says what it is, so it needs no definition; parents come before their results."""
    names: dict[Value, str] = {}
    for node in nodes:
        if not node.label and _is_transpose(node):
            parent = given(node.parents[0]) or names.get(node.parents[0])
            if parent:
                names[node] = f"{parent}ᵀ"
    return names


def meaning(node: Value, name: Callable[[Value], str]) -> str:
    """What a result is, its operands called by `name`: 'x1 × x2', 'log_softmax(z)', a stack
    of scalars as '[z1, z2, z3]', an element as 'u2[0]', a neuron as 'w1·x1 + w2·x2 + b1',
    a negation as '−u2'."""
    if node.op is not None and node.op.name == "stack" and len(node.parents) > 1:
        return "[" + ", ".join(name(parent) for parent in node.parents) + "]"
    if node.op is not None and node.op.name == "weighted_sum":
        *pairs, bias = [name(parent) for parent in node.parents]
        terms = [f"{w}·{x}" for w, x in zip(pairs[::2], pairs[1::2], strict=True)]
        return " + ".join([*terms, bias])
    if node.op is not None and node.op.name == "getitem":
        return f"{name(node.parents[0])}[{index_text((node.attrs or {})['index'])}]"
    if node.op is not None and node.op.name == "neg":
        operand = name(node.parents[0])
        return f"−{operand}" if " " not in operand else f"−({operand})"
    return expression(node, name)


def index_text(index: object) -> str:
    """An index as numpy's brackets hold it: '0', '1:3', '0, 2'; an integer array in full
    when short ('[0, 1, 2]'), else by its first two entries and its last ('[0, 1, …, 99]')."""
    if isinstance(index, tuple):
        return ", ".join(index_text(part) for part in index)
    if isinstance(index, slice):
        parts = ["" if part is None else str(part) for part in (index.start, index.stop)]
        return ":".join(parts + ([str(index.step)] if index.step is not None else []))
    if index is Ellipsis:
        return "..."
    if isinstance(index, np.ndarray | list):
        entries = np.asarray(index).ravel().tolist()
        if np.asarray(index).ndim != 1 or np.asarray(index).dtype.kind == "b":
            return "…"  # a mask or a grid of indices: too much to write
        shown = entries if len(entries) <= 6 else [*entries[:2], "…", entries[-1]]
        return "[" + ", ".join(map(str, shown)) + "]"
    return str(index)


def _free(candidates: tuple[str, ...], taken: set[str], numbered: bool) -> str:
    """The first candidate no label uses (as itself, or numbered: u1, u2 … when `numbered`)."""
    for candidate in candidates:
        if not numbered and candidate not in taken:
            return candidate
        if numbered and not any(label.startswith(candidate) and label[len(candidate):].isdigit()
                                for label in taken):
            return candidate
    return candidates[-1] + "_"


def superscript(k: int) -> str:
    """The example number `k` as the course writes it after a name: ⁽²⁾."""
    return f"⁽{str(k).translate(_SUPERSCRIPT)}⁾"


def examples(root: Value, nodes: list[Value], repeated: set[str]) -> dict[Value, int]:
    """The examples of a batch: the nodes that belong to exactly one of the terms `root`
    adds up, among the terms with a node whose label is `repeated` (x1 in every example),
    each with its term's number (1, 2, … in graph order); empty for fewer than two. Terms
    are found going down from the root through adding, averaging and constant scaling; a
    node below several terms (a weight) belongs to none."""
    terms: list[Value] = []
    waiting, seen = [root], {root}
    while waiting:
        node = waiting.pop()
        if (node is root or not node.label) and _adds_up(node):
            for parent in node.parents:
                if parent.requires_grad and parent not in seen:
                    seen.add(parent)
                    waiting.append(parent)
        elif node is not root:
            terms.append(node)
    position = {node: k for k, node in enumerate(nodes)}
    owner: dict[Value, Value] = {}
    shared: set[Value] = set()
    for term in terms:
        for node in topological_order(term):
            if node in shared:
                continue
            if owner.setdefault(node, term) is not term:
                del owner[node]
                shared.add(node)
    batch = sorted({term for node, term in owner.items() if node.label in repeated},
                   key=position.__getitem__)
    if len(batch) < 2:
        return {}
    number = {term: k for k, term in enumerate(batch, 1)}
    return {node: number[term] for node, term in owner.items() if term in number}


def _adds_up(node: Value) -> bool:
    """A node that adds up, rearranges or scales by a constant: a sum, a mean, a stack."""
    if node.op is None:
        return False
    if node.op.name in ADDING:
        return True
    varying = [i for i, parent in enumerate(node.parents) if parent.requires_grad]
    return node.op.name in ("mul", "div") and len(varying) == 1 and (
        node.op.name == "mul" or varying == [0])
