"""The text of an explanation: the derivation a teacher would write on a forum.

∂J/∂w1 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂a1 · ∂a1/∂z1 · ∂z1/∂w1, each factor with its formula and
number, the product, and a check against backpropagation; with several paths, each path
and their sum; with too many, the grouped view node by node; for a batch loss, the
per-example contributions and one example in detail.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .factor import Factor, number
from .paths import Path

if TYPE_CHECKING:
    from .explanation import Explanation

WIDTH = 88
"""Prose in explanations is wrapped to this many characters."""

SHOWN_TERMS = 12
"""A sum of more terms (a big batch) lists the first ones and says how many it left out."""


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


def more_terms(count: int) -> str:
    """'  … and 3 more terms' ('1 more term'): what a list of terms left out."""
    return f"  … and {count} more term{'s' if count > 1 else ''}"


def paragraph(text: str, indent: str = "") -> list[str]:
    """Prose wrapped to the width of a terminal."""
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False)


def derivation(explanation: Explanation) -> list[str]:
    """The readable derivation of `explanation`, line by line, checked against backward."""
    return [*legend_lines(explanation.legend), *body(explanation), "",
            *_check_line(explanation)]


def legend_lines(definitions: Sequence[str]) -> list[str]:
    """'Unlabeled intermediate results get short names here: u1 = x1 × x2; …' (if any)."""
    if not definitions:
        return []
    shown = list(definitions[:SHOWN_TERMS])
    if len(definitions) > SHOWN_TERMS:
        shown.append(f"… ({len(definitions) - SHOWN_TERMS} more)")
    return [*paragraph("Unlabeled intermediate results get short names here: "
                       + "; ".join(shown) + "."), ""]


def body(e: Explanation) -> list[str]:
    """The derivation without its check line."""
    root, wrt = e.name_of(e.root), e.name_of(e.wrt)
    if e.root is e.wrt:
        return [f"{e.name} = 1: {root} is the node itself (a path with no edge)."]
    if e.path_count == 0:
        return [f"{e.name} = 0: {root} does not depend on {wrt} (no path leads from {root} "
                f"down to {wrt}), so changing {wrt} does not change {root}."]
    if e.by_terms:
        return _contribution_lines(e)
    if e.grouped:
        return _grouped_lines(e)
    if e.path_count == 1:
        return _single_path_lines(e)
    return _several_paths_lines(e)


def _contribution_lines(e: Explanation) -> list[str]:
    root, wrt = e.name_of(e.root), e.name_of(e.wrt)
    contributions = e.contributions
    names = [c.name for c in contributions]
    examples = names[0].startswith("example ")
    what = ", one per example (a batch loss)" if examples else ": " + ", ".join(names)
    weights = {number(c.weight, e.digits) for c in contributions}
    if weights == {"1"}:
        how = "the sum"
    elif weights == {number(1 / len(contributions), e.digits)}:
        how = "the mean"
    else:
        how = "a weighted sum"
    how += f" of {len(contributions)} terms"
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
        lines.append(more_terms(len(contributions) - len(shown)))
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
        return [*paragraph(f"{e.name}: one edge leads from {root} down to {wrt}, so the "
                           "derivative is its local derivative:"),
                *factor_lines(path.factors, e.digits)]
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
