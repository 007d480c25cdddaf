"""`explain(root, wrt)`: ∂root/∂wrt spelled out as the chain rule, path by path.

The result holds the paths, their factors and products, and the total, checked against
backpropagation; `str()` writes the derivation a teacher would write on a forum.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..autograd import grad
from ..value import Value, check_current, describe, topological_order
from .display import ShowsAsText
from .entry import EntryExplanation, explain_entry
from .explanation_text import derivation
from .factor import DIGITS, Factor, number
from .matrix_explanation import MatrixExplanation, explain_matrix
from .naming import Names
from .parts import part_of
from .paths import NodeGradient, Path, PathGraph

MAX_PATHS = 8
"""Above this many paths an explanation groups them by node instead of listing them."""

# ------------------------------------------------ a loss that adds up terms
# A loss that adds up terms (a batch mean of per-example losses): one contribution per term.
#
# When the root is a sum, difference or constant multiple of several terms — J = (L1 + L2 +
# L3 + L4)/4 — every path from J down to w first crosses that aggregation, then enters one
# term. So ∂J/∂w = Σ (the term's weight in J) · ∂term/∂w: a sum of per-example
# contributions. The functions below find the terms and their weights from the graph alone.


@dataclass(frozen=True, eq=False)
class Contribution:
    """One term's share of ∂root/∂wrt: its `weight` in the root times ∂term/∂wrt."""

    term: Value
    name: str
    weight: float
    explanation: Explanation

    @property
    def value(self) -> float:
        """weight · ∂term/∂wrt, this term's contribution to the gradient."""
        return self.weight * self.explanation.total


def _adds_up(node: Value) -> bool:
    """True for an op that adds, rearranges, or scales by a constant (a mean, a sum), as the
    op table declares it: `adds_up`, or proportional to its only varying operand."""
    op = node.op
    if op.adds_up:
        return True
    varying = [i for i, parent in enumerate(node.parents) if parent.requires_grad]
    return len(varying) == 1 and varying[0] in op.proportional_to


def _aggregates(node: Value, graph: PathGraph) -> bool:
    """True for a node that only adds up or scales its terms, tensor stretches included."""
    return node.op is not None and _adds_up(node) and all(
        _adds_up(via) for factor in graph.edges[node] for via in factor.via)


def terms(graph: PathGraph) -> list[tuple[Value, float]]:
    """The terms the root adds up, each with its weight ∂root/∂term along the aggregation.

    Empty unless the root aggregates at least two terms that depend on `wrt`. The weight of
    a term is the sum over the routes from the root through adding and scaling nodes only,
    of the product of their factors, so Σ weight · ∂term/∂wrt is exactly ∂root/∂wrt.
    """
    root = graph.root
    if not graph.path_count or root is graph.wrt or not _aggregates(root, graph):
        return []
    weights: dict[Value, float] = {root: 1.0}
    found: list[Value] = []
    for node in reversed(graph.order):  # the root first, each node after all its children
        if node not in weights:
            continue  # below a term: not part of the aggregation
        if node is not root and (node is graph.wrt or not _aggregates(node, graph)):
            found.append(node)
            continue
        for factor in graph.edges[node]:
            weights[factor.parent] = weights.get(factor.parent, 0.0) + (
                weights[node] * factor.value)
    if len(found) < 2:
        return []
    position = {node: k for k, node in enumerate(graph.order)}
    return [(term, weights[term]) for term in sorted(found, key=position.__getitem__)]


def batch_like(found: list[Value]) -> bool:
    """True when the terms look like one loss per example: the same op, and labels that
    differ at most by a number (L1, L2, … or L, L, …)."""
    stems = {(term.op.name if term.op else None, (term.label or "").rstrip("0123456789"))
             for term in found}
    return len(found) > 1 and len(stems) == 1 and next(iter(stems))[1] != ""


def term_names(found: list[Value], name: Callable[[Value], str]) -> list[str]:
    """Each term's name, or 'example k' for all when two share a label (a batch of L, L,
    …, which the names tell apart only by their example's number: L⁽¹⁾, L⁽²⁾)."""
    labels = [term.label or name(term) for term in found]
    if len(set(labels)) == len(labels):
        return [name(term) for term in found]
    return [f"example {k}" for k in range(1, len(found) + 1)]



@dataclass(frozen=True, eq=False, repr=False)
class Explanation(ShowsAsText):
    """∂root/∂wrt as the sum over paths of products of local derivatives.

    `paths` lists every path (root first) unless there are more than `max_paths`; then
    `grouped` is True, `paths` is empty and `node_gradients` carries the explanation.
    `total` is the explanation's own sum; `backward_grad` is what backpropagation gives.
    When the root adds up several terms (a batch mean of per-example losses),
    `contributions` holds each term's share of the total. `names` names the nodes (see
    `Names`), and `legend` defines the short names the text uses ('u1 = x1 × x2').
    """

    root: Value
    wrt: Value
    paths: list[Path]
    total: float
    grouped: bool
    path_count: int
    backward_grad: float
    node_gradients: list[NodeGradient]
    contributions: list[Contribution]
    names: Names = field(repr=False)
    legend: tuple[str, ...] = field(repr=False)
    magnitude: float = field(repr=False)
    max_paths: int = MAX_PATHS
    digits: int = DIGITS

    @property
    def nodes(self) -> list[Value]:
        """Every node on some path from the root down to `wrt`, tensor stretches included
        (for highlighting)."""
        scalars = [gradient.node for gradient in self.node_gradients]
        crossed = dict.fromkeys(node for factor in self.factors for node in factor.via)
        return scalars + list(crossed)

    @property
    def edges(self) -> list[tuple[Value, int]]:
        """Every graph edge (child, parent index) on some path, those inside the tensor
        stretches that a factor crosses included (for highlighting)."""
        return list(dict.fromkeys(edge for factor in self.factors for edge in factor.edges))

    @property
    def factors(self) -> list[Factor]:
        """Every edge on some path, as its factor (for highlighting), the root's edges first."""
        return [factor for gradient in self.node_gradients for factor, _ in gradient.terms]

    @property
    def by_terms(self) -> bool:
        """Whether the text explains term by term: for a batch of per-example losses, or
        when there are too many paths to list."""
        terms = [c.term for c in self.contributions]
        return bool(terms) and (self.grouped or batch_like(terms))

    @property
    def agrees(self) -> bool:
        """True when the sum over paths equals backpropagation's gradient (up to rounding)."""
        tolerance = 1e-9 * self.magnitude + 1e-300
        return abs(self.total - self.backward_grad) <= tolerance

    @property
    def name(self) -> str:
        """The derivative explained, e.g. ∂J/∂w1."""
        return f"∂{self.name_of(self.root)}/∂{self.name_of(self.wrt)}"

    def name_of(self, node: Value) -> str:
        """The node's name in this explanation (unlabeled results may be called u1, u2…)."""
        return self.names(node)

    def __str__(self) -> str:
        return "\n".join(derivation(self))

    def summary(self) -> str:
        """'<Explanation ∂J/∂w1 = −0.03531: 1 path, agrees with backward; …>'."""
        paths = f"{self.path_count} path{'s' * (self.path_count != 1)}"
        check = "agrees with backward" if self.agrees else "DISAGREES with backward"
        return (f"<Explanation {self.name} = {number(self.total, self.digits)}: {paths}, "
                f"{check}; print() it for the derivation>")


def check_arguments(
    caller: str, root: Any, wrts: dict[str, Any], max_paths: Any, digits: Any
) -> None:
    """Refuse, before any work, what `caller` (explain, compare) cannot explain: arguments
    that are not Values, bad `max_paths` or `digits`, and a graph used after one of its
    Values changed (StaleGraphError)."""
    for node, role in ((root, "root"), *((wrt, role) for role, wrt in wrts.items())):
        if not isinstance(node, Value):
            raise TypeError(f"{caller}: {role} must be a Value, not {type(node).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"{caller}: digits must be an integer from 1 to 17, got {digits!r}")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 0:
        raise ValueError(f"{caller}: max_paths must be an integer ≥ 0 (0: always group the "
                         f"paths by node), got {max_paths!r}")
    check_current(topological_order(root), root, "Explaining")


def explain(
    root: Value,
    wrt: Value,
    max_paths: int = MAX_PATHS,
    digits: int = DIGITS,
    *,
    names: Names | None = None,
    entry: tuple[int, ...] | None = None,
) -> Explanation | MatrixExplanation | EntryExplanation:
    """Explain ∂root/∂wrt: every path from `root` down to `wrt` and its chain-rule factors.

    `root` must be a scalar (a loss). For a tensor `wrt` (a weight matrix W1) the result
    is the chain rule in matrix form (`MatrixExplanation`: ∂J/∂W1 = Xᵀ · δ1, …); with
    `entry=(0, 1)` (or wrt = W1[0, 1]) it is one entry tied back to the scalar twin
    (`EntryExplanation`: ∂J/∂W1[0, 1] is the twin's ∂J/∂w3, example by example). With more than
    `max_paths` paths, the explanation groups them by node rather than listing them.
    `names` names the nodes (by default `Names(root)`: labels, and short names such as u1
    for unlabeled results when their generated names would be unreadable).
    """
    check_arguments("explain", root, {"wrt": wrt}, max_paths, digits)
    part = part_of(root, wrt)
    if part is not None:  # W1[0, 1], made after the fact: that entry of W1
        if entry is not None:
            raise ValueError(f"explain: give either the entry {describe(wrt)} or entry=, "
                             "not both")
        wrt, entry = part
        if not all(isinstance(i, int) for i in (entry if isinstance(entry, tuple) else (entry,))):
            raise ValueError(
                f"explain: {describe(wrt)}[…] with a slice is several entries; explain the whole "
                f"{describe(wrt)}, one entry ({describe(wrt)}[0, 1] or entry=(0, 1)), or compare "
                f"two units with ts.compare(root, {describe(wrt)}[:, 0], {describe(wrt)}[:, 1])")
    if root.shape:
        raise ValueError(
            f"explain: root {describe(root)} has shape {root.shape}; the chain rule starts "
            f"from one number, such as a loss J: explain its .sum() or .mean() (what "
            f"backward() would need a seed for), or one element of it"
        )
    if not wrt.requires_grad:
        raise ValueError(
            f"explain: {describe(wrt)} is a constant (requires_grad=False), so backward "
            f"computes no gradient for it; create it with Value(data, requires_grad=True) "
            f"to explain ∂{describe(root)}/∂{describe(wrt)}"
        )
    if names is None:
        names = Names(root)
    if entry is not None:
        if not wrt.shape:
            raise ValueError(f"explain: entry={entry!r} picks an element of a tensor, but "
                             f"{describe(wrt)} is a scalar: leave entry out")
        return explain_entry(root, wrt, entry, digits, names)
    if wrt.shape:
        return explain_matrix(root, wrt, digits, names)
    graph = PathGraph(root, wrt, names)
    grouped = graph.path_count > max_paths
    paths = [] if grouped else graph.paths()
    node_gradients = graph.node_gradients()
    found = terms(graph)
    contributions = [
        Contribution(term, name, weight, explain(term, wrt, max_paths, digits, names=names))
        for (term, weight), name in zip(found, term_names([t for t, _ in found], names),
                                        strict=True)
    ]
    crossed = [via for factors in graph.edges.values() for factor in factors
               for via in factor.via]  # the tensor nodes a factor's formula may name
    shown = {*graph.order, *crossed,
             *(parent for node in [*graph.order, *crossed] for parent in node.parents)}
    legend = tuple(names.definition(node) for node in names.short if node in shown)
    # Grouped, the total is wrt's own gradient, the last of the grouped view.
    total = node_gradients[-1].value if grouped else math.fsum(p.product for p in paths)
    magnitude = node_gradients[-1].magnitude if graph.path_count else 0.0
    return Explanation(root, wrt, paths, total, grouped, graph.path_count,
                       float(grad(root, wrt)), node_gradients, contributions, names, legend,
                       magnitude, max_paths, digits)
