"""`explain(root, wrt)`: ∂root/∂wrt spelled out as the chain rule, path by path.

The result holds the paths, their factors and products, and the total, checked against
backpropagation; `str()` writes the derivation a teacher would write on a forum.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

from ..autograd import grad
from ..value import Value, describe
from .factor import DIGITS, Factor, number
from .naming import Names
from .paths import NodeGradient, Path, PathGraph
from .terms import Contribution, batch_like, term_names, terms

WIDTH = 88
"""Prose in explanations is wrapped to this many characters."""

MAX_PATHS = 8
"""Above this many paths an explanation groups them by node instead of listing them."""

SHOWN_TERMS = 12
"""A sum of more terms (a big batch) lists the first ones and says how many it left out."""


@dataclass(frozen=True, eq=False)
class Explanation:
    """∂root/∂wrt as the sum over paths of products of local derivatives.

    `paths` lists every path (root first) unless there are more than `max_paths`; then
    `grouped` is True, `paths` is empty and `node_gradients` carries the explanation.
    `total` is the explanation's own sum; `backward_grad` is what backpropagation gives.
    When the root adds up several terms (a batch mean of per-example losses),
    `contributions` holds each term's share of the total.
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


def explain(
    root: Value,
    wrt: Value,
    max_paths: int = MAX_PATHS,
    digits: int = DIGITS,
    *,
    names: Names | None = None,
) -> Explanation:
    """Explain ∂root/∂wrt: every path from `root` down to `wrt` and its chain-rule factors.

    Both must be scalars (explain a tensor model through its scalar twin). With more than
    `max_paths` paths, the explanation groups them by node rather than listing them.
    `names` names the nodes (by default `Names(root)`: labels, and short names such as u1
    for unlabeled results when their generated names would be unreadable).
    """
    for node, role in ((root, "root"), (wrt, "wrt")):
        if not isinstance(node, Value):
            raise TypeError(f"explain: {role} must be a Value, not {type(node).__name__}")
        if node.shape:
            raise ValueError(
                f"explain: {role} {describe(node)} has shape {node.shape}; the explainer "
                "works on scalars (for a tensor model, explain its scalar twin "
                "model.to_scalar() on one example)"
            )
    if not wrt.requires_grad:
        raise ValueError(
            f"explain: {describe(wrt)} is a constant (requires_grad=False), so backward "
            f"computes no gradient for it; create it with Value(data, requires_grad=True) "
            f"to explain ∂{describe(root)}/∂{describe(wrt)}"
        )
    if names is None:
        names = Names(root)
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
    shown = {*graph.order, *(parent for node in graph.order for parent in node.parents)}
    legend = tuple(names.definition(node) for node in names.short if node in shown)
    # Grouped, the total is wrt's own gradient, the last of the grouped view.
    total = node_gradients[-1].value if grouped else math.fsum(p.product for p in paths)
    magnitude = node_gradients[-1].magnitude if graph.path_count else 0.0
    return Explanation(root, wrt, paths, total, grouped, graph.path_count,
                       float(grad(root, wrt)), node_gradients, contributions, names, legend,
                       magnitude, max_paths, digits)


# ------------------------------------------------------------------------------ the text


def product_text(values: list[float], digits: int) -> str:
    """Numbers joined by ' · ', negative ones in parentheses: 1.2 · (−0.3)."""
    return " · ".join(_operand(value, digits) for value in values) or "1"


def sum_text(values: list[float], digits: int) -> str:
    """Numbers joined by ' + ', negative ones in parentheses."""
    return " + ".join(_operand(value, digits) for value in values)


def _operand(value: float, digits: int) -> str:
    text = number(value, digits)
    return f"({text})" if value < 0 else text


def factor_lines(factors: tuple[Factor, ...], digits: int, indent: str = "  ") -> list[str]:
    """One line per factor, in columns: '∂z3/∂a1 = w5 = 0.73' (a number formula once)."""
    names = max((len(factor.name) for factor in factors), default=0)
    formulas = max((len(factor.formula) for factor in factors), default=0)
    lines = []
    for factor in factors:
        line = f"{indent}{factor.name:<{names}} = {factor.formula:<{formulas}}"
        if not factor.is_constant:
            line += f" = {number(factor.value, digits)}"
        lines.append(line.rstrip())
    return lines


def paragraph(text: str, indent: str = "") -> list[str]:
    """Prose wrapped to the width of a terminal."""
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False)


def derivation(explanation: Explanation) -> list[str]:
    """The readable derivation of `explanation`, line by line, checked against backward."""
    return [*legend_lines(explanation), *body(explanation), "", *_check_line(explanation)]


def legend_lines(e: Explanation) -> list[str]:
    """'Unlabeled intermediate results are named here: u1 = x1 × x2, …' (if any)."""
    if not e.legend:
        return []
    shown = list(e.legend[:SHOWN_TERMS])
    if len(e.legend) > SHOWN_TERMS:
        shown.append(f"… ({len(e.legend) - SHOWN_TERMS} more)")
    return [*paragraph("Unlabeled intermediate results get short names here: "
                       + "; ".join(shown) + "."), ""]


def body(e: Explanation) -> list[str]:
    """The derivation without its check line."""
    root, wrt = e.name_of(e.root), e.name_of(e.wrt)
    if e.root is e.wrt:
        lines = [f"{e.name} = 1: {root} is the node itself (a path with no edge)."]
    elif e.path_count == 0:
        lines = [f"{e.name} = 0: {root} does not depend on {wrt} (no path leads from {root} "
                 f"down to {wrt}), so changing {wrt} does not change {root}."]
    elif e.by_terms:
        lines = _contribution_lines(e)
    elif e.grouped:
        lines = _grouped_lines(e)
    elif e.path_count == 1:
        lines = _single_path_lines(e)
    else:
        lines = _several_paths_lines(e)
    return lines


def _contribution_lines(e: Explanation) -> list[str]:
    root, wrt = e.name_of(e.root), e.name_of(e.wrt)
    contributions = e.contributions
    names = [c.name for c in contributions]
    examples = names[0].startswith("example ")
    what = ", one per example (a batch loss)" if examples else ": " + ", ".join(names)
    weights = {number(c.weight, e.digits) for c in contributions}
    how = (f"the mean of {len(contributions)} terms" if weights == {number(
        1 / len(contributions), e.digits)} else f"a weighted sum of {len(contributions)} terms")
    if weights == {"1"}:
        how = f"the sum of {len(contributions)} terms"
    lines = paragraph(
        f"{e.name} by the chain rule. {root} is {how} that depend on {wrt}{what}. Every "
        f"path from {root} down to {wrt} goes through exactly one of them, so {e.name} is "
        "the sum of their contributions, each the term's weight in "
        f"{root} times the term's own derivative:"
    )
    lines.append("")
    shown = contributions[:SHOWN_TERMS]
    width = max(len(c.name) for c in shown)
    for c in shown:
        term = c.explanation.name
        lines.append(f"  {c.name + ':':<{width + 1}} {number(c.weight, e.digits)} · {term} = "
                     f"{product_text([c.weight, c.explanation.total], e.digits)} = "
                     f"{number(c.value, e.digits)}")
    if len(contributions) > len(shown):
        lines.append(f"  … and {len(contributions) - len(shown)} more terms")
    values = [c.value for c in contributions]
    summed = sum_text(values, e.digits) if len(values) <= SHOWN_TERMS else "the sum of all"
    lines += ["", f"  {e.name} = {summed} = {number(e.total, e.digits)}", ""]
    if e.grouped:
        lines += [*paragraph(f"({e.path_count:,} paths in all, more than max_paths = "
                             f"{e.max_paths}: here they are grouped by term.)"), ""]
    first = contributions[0]
    alike = all(_same_shape(c.explanation, first.explanation) for c in contributions)
    lines += paragraph(f"Each term's derivative is a chain rule of its own. {first.name} "
                       "in detail:" if len(contributions) > 1 else "In detail:")
    lines += ["", *("  " + line if line else "" for line in body(first.explanation))]
    if alike:
        lines += ["", *paragraph("The other terms follow the same chain, with their own "
                                 "numbers.")]
    return lines


def _same_shape(a: Explanation, b: Explanation) -> bool:
    """Same number of paths, of the same lengths."""
    return [len(p.factors) for p in a.paths] == [len(p.factors) for p in b.paths] and (
        a.path_count == b.path_count)


def _single_path_lines(e: Explanation) -> list[str]:
    (path,) = e.paths
    root, wrt = e.name_of(e.root), e.name_of(e.wrt)
    if len(path.factors) == 1:
        return [f"{e.name}: one edge leads from {root} down to {wrt}, so the derivative is "
                "its local derivative:", *factor_lines(path.factors, e.digits)]
    return [
        f"{e.name} by the chain rule. One path leads from {root} down to {wrt}:",
        f"  {path.route}",
        "so the derivative is the product of the local derivatives along it, one per edge:",
        "",
        f"  {e.name} = {path.chain}",
        "",
        "where each local derivative comes from its op (in the graph's own names):",
        *factor_lines(path.factors, e.digits),
        "",
        f"  {e.name} = {_numbers(path, e.digits)} = {number(e.total, e.digits)}",
    ]


def _several_paths_lines(e: Explanation) -> list[str]:
    root, wrt = e.name_of(e.root), e.name_of(e.wrt)
    lines = paragraph(
        f"{e.name} by the chain rule. {e.path_count} paths lead from {root} down to {wrt}; "
        f"each contributes the product of the local derivatives along it, and {e.name} is "
        "the sum of these contributions."
    )
    for number_, path in enumerate(e.paths, 1):
        lines += [
            "",
            f"Path {number_}: {path.route}",
            f"  {path.chain}",
            *factor_lines(path.factors, e.digits, indent="    "),
            f"  product = {_numbers(path, e.digits)} = {number(path.product, e.digits)}",
        ]
    products = [path.product for path in e.paths]
    lines += [
        "",
        f"Sum over the {e.path_count} paths: {e.name} = {sum_text(products, e.digits)} "
        f"= {number(e.total, e.digits)}",
    ]
    return lines


def _grouped_lines(e: Explanation) -> list[str]:
    root, wrt = e.name_of(e.root), e.name_of(e.wrt)
    paths = "1 path leads" if e.path_count == 1 else f"{e.path_count:,} paths lead"
    lines = paragraph(
        f"{e.name} by the chain rule. {paths} from {root} down to {wrt}, more than "
        f"max_paths = {e.max_paths}, so instead of listing them I group them by node: the "
        f"paths that reach a node, summed, give that node's gradient ∂{root}/∂node, which "
        f"is the sum over the edges from the node's children of ∂{root}/∂child · "
        f"∂child/∂node. From {root} down to {wrt}:"
    )
    for gradient in e.node_gradients[1:]:
        node = e.name_of(gradient.node)
        factors = tuple(factor for factor, _ in gradient.terms)
        if len(factors) == 1 and factors[0].child is e.root:  # ∂J/∂node is one local derivative
            lines += ["", *factor_lines(factors, e.digits)]
            continue
        symbols = " + ".join(_term(e, factor) for factor, _ in gradient.terms)
        numbers = " + ".join(
            product_text([factor.value] if factor.child is e.root else
                         [child_gradient, factor.value], e.digits)
            for factor, child_gradient in gradient.terms
        )
        lines += [
            "",
            f"  ∂{root}/∂{node} = {symbols}",
            f"    = {numbers} = {number(gradient.value, e.digits)}",
            *factor_lines(factors, e.digits, "      "),
        ]
    return lines


def _term(e: Explanation, factor: Factor) -> str:
    """∂J/∂child · ∂child/∂node, or just ∂J/∂node for an edge out of the root itself."""
    if factor.child is e.root:
        return factor.name
    return f"∂{e.name_of(e.root)}/∂{factor.child_name} · {factor.name}"


def _numbers(path: Path, digits: int) -> str:
    return product_text([factor.value for factor in path.factors], digits)


def _check_line(e: Explanation) -> list[str]:
    wrt = e.name_of(e.wrt)
    store = "accumulates it into" if not e.wrt.parents else "stores it in"
    where = f"backpropagation ({e.name_of(e.root)}.backward(), which {store} {wrt}.grad)"
    backward = number(e.backward_grad, e.digits)
    if e.agrees:
        return paragraph(f"Check: {where} gives {backward}, the same number.")
    return paragraph(f"Check FAILED: {where} gives {backward}, but the paths sum to "
                     f"{number(e.total, e.digits)} (difference {e.total - e.backward_grad:.3g}).")
