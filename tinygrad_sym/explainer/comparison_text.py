"""The text of a comparison: aligned factors side by side, a verdict, and a check.

For w1 against w3 in a 2→2→1 net: a table per pair of aligned paths, each factor against
the one in the same position (shared edges written once), the one-sentence verdict naming
the factors that differ (w5 vs w6), and for tied units why every factor is equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .alignment import FactorPair, PathPair, align, equal_values
from .explanation_text import SHOWN_TERMS, legend_lines, more_terms, paragraph
from .factor import number

if TYPE_CHECKING:
    from .comparison import Comparison
    from .explanation import Contribution

SHOWN_PATH_PAIRS = 4
"""The comparison draws the tables of this many aligned path pairs at most."""


def _names(c: Comparison) -> tuple[str, str, str, str]:
    """'∂J/∂w1', '∂J/∂w3', 'w1', 'w3'."""
    return (c.explanation_a.name, c.explanation_b.name, c.explanation_a.name_of(c.a),
            c.explanation_b.name_of(c.b))


def _root(c: Comparison) -> str:
    """The root's name, 'J'."""
    return c.explanation_a.name_of(c.root)


def listing(items: list[str]) -> str:
    """'A', 'A and B', 'A; B; and C' (factor texts hold commas of their own)."""
    if len(items) <= 2:
        return " and ".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def differences(pairs: list[FactorPair], digits: int) -> str:
    """The unequal factors, those with the same formulas across paths said once."""
    groups: dict[tuple[str, ...], list[FactorPair]] = {}
    for pair in pairs:
        key = tuple("" if f is None else f"{f.name} = {f.formula}" for f in (pair.a, pair.b))
        groups.setdefault(key, []).append(pair)
    texts = []
    for key, group in groups.items():
        values = {(None if p.a is None else p.a.value, None if p.b is None else p.b.value)
                  for p in group}
        if len(values) == 1:
            texts.append(group[0].format(digits))
        else:
            texts.append(" vs ".join(k or "(no factor)" for k in key)
                         + f" (in {len(group)} paths, each with its own numbers)")
    return listing(texts)


def verdict(comparison: Comparison) -> str:
    """One sentence: why ∂root/∂a and ∂root/∂b differ, or why they are equal."""
    c, digits = comparison, comparison.digits
    name_a, name_b, a, b = _names(c)
    grad_a, grad_b = c.explanation_a.total, c.explanation_b.total
    numbers = f"({number(grad_a, digits)} vs {number(grad_b, digits)})"
    if c.explanation_a.grouped or c.explanation_b.grouped:
        relation = "=" if equal_values(grad_a, grad_b) else "≠"
        return (f"{name_a} {relation} {name_b} {numbers}; too many paths to compare factor "
                f"by factor (raise max_paths to try).")
    if not c.path_pairs:
        return f"Neither {a} nor {b} influences {_root(c)}: both gradients are 0."
    if c.symmetric:
        return (f"{name_a} = {name_b} = {number(grad_a, digits)}: every factor on their paths "
                f"is equal, so {a} and {b} get identical updates (symmetry).")
    if _same_terms(c):
        return _batch_verdict(c, numbers)
    unequal = differences(c.differing, digits)
    if not c.same_structure:
        relation = "=" if equal_values(grad_a, grad_b) else "≠"
        return (f"{name_a} {relation} {name_b} {numbers}: {a} and {b} play different roles "
                f"in {_root(c)} (their paths differ in number, length or kind of edges); "
                f"aligned from {_root(c)}, the unequal factors are: {unequal}.")
    if equal_values(grad_a, grad_b):
        return (f"{name_a} = {name_b} = {number(grad_a, digits)} although factors differ "
                f"({unequal}): their products happen to coincide.")
    only = "only " if len(c.differing) == 1 else ""
    return (f"{name_a} ≠ {name_b} {numbers} {only}because {unequal}; {_the_rest(c)}.")


def _batch_verdict(c: Comparison, numbers: str) -> str:
    """A batch: the factors that differ, said for the term that differs most."""
    name_a, name_b, _, _ = _names(c)
    relation = "=" if equal_values(c.explanation_a.total, c.explanation_b.total) else "≠"
    k, (term_a, _) = detailed_term(c)
    unequal = [[pair for path_pair in align(x.explanation.paths, y.explanation.paths)
                for pair in path_pair.factors if not pair.equal]
               for x, y in zip(c.explanation_a.contributions, c.explanation_b.contributions,
                               strict=True)]
    pairs = unequal[k - 1]
    if not pairs:
        return (f"{name_a} {relation} {name_b} {numbers}: within each term every factor is "
                "equal; the terms' weights in the sum differ.")
    count, total = sum(1 for found in unequal if found), len(unequal)
    where = f"each of the {total} terms" if count == total else f"{count} of the {total} terms"
    return (f"{name_a} {relation} {name_b} {numbers}: factors differ in {where}; in "
            f"{_term_name(term_a.name, k)}, which differs most, "
            f"{differences(pairs, c.digits)}.")


def _the_rest(c: Comparison) -> str:
    """What the equal factors are: shared edges, and equal ones in the same role (x1 vs x1)."""
    equal = dict.fromkeys(f"{pair.a.formula} vs {pair.b.formula}" for pair in c.pairs
                          if pair.a and pair.b and pair.equal and not pair.same_edge)
    shared = ["the shared edges"] if any(pair.same_edge for pair in c.pairs) else []
    kinds = [*equal, *shared]
    return "the other factors are equal" + (f" ({listing(kinds)})" if kinds else "")


def comparison_text(comparison: Comparison) -> list[str]:
    """The comparison as tables of aligned factors, the verdict, and the check."""
    c, digits = comparison, comparison.digits
    name_a, name_b, _, _ = _names(c)
    root = _root(c)
    lines = legend_lines(list(dict.fromkeys((*c.explanation_a.legend, *c.explanation_b.legend))))
    if _same_terms(c):
        lines += _batch_lines(c)
    else:
        lines += paragraph(f"{name_a} vs {name_b}, factor by factor: the paths are aligned by "
                          f"structure, each factor against the one in the same position from "
                          f"{root}.")
        if not (c.explanation_a.grouped or c.explanation_b.grouped):
            lines += _tables(c.path_pairs, name_a, name_b, digits)
    lines += ["", *paragraph("Verdict: " + c.verdict)]
    if c.symmetric:
        lines += ["", *paragraph(_symmetry_reason(c))]
    lines += ["", *paragraph(
        f"Check: backpropagation gives {name_a} = {number(c.explanation_a.backward_grad, digits)}"
        f" and {name_b} = {number(c.explanation_b.backward_grad, digits)}."
    )]
    return lines


def _same_terms(c: Comparison) -> bool:
    """Both gradients are sums over the same terms (a batch): compare term by term."""
    if not (c.explanation_a.by_terms and c.explanation_b.by_terms):
        return False
    terms_a = [contribution.term for contribution in c.explanation_a.contributions]
    terms_b = [contribution.term for contribution in c.explanation_b.contributions]
    return bool(terms_a) and len(terms_a) == len(terms_b) and all(
        x is y for x, y in zip(terms_a, terms_b, strict=True))


def _batch_lines(c: Comparison) -> list[str]:
    """A batch: the per-term contributions side by side, then in detail the term whose
    contributions differ most (the one that explains most of the difference)."""
    name_a, name_b, _, _ = _names(c)
    contributions = list(zip(c.explanation_a.contributions, c.explanation_b.contributions,
                             strict=True))
    lines = paragraph(f"{name_a} vs {name_b}: {_root(c)} adds up "
                      f"{len(contributions)} terms, so each gradient is a sum of per-term "
                      "contributions (weight · the term's own derivative), compared here "
                      "term by term:")
    lines.append("")
    width = max(len(x.name) for x, _ in contributions)
    for x, y in contributions[:SHOWN_TERMS]:
        lines.append(f"  {x.name + ':':<{width + 1}} {number(x.value, c.digits)} vs "
                     f"{number(y.value, c.digits)}")
    if len(contributions) > SHOWN_TERMS:
        lines.append(more_terms(len(contributions) - SHOWN_TERMS))
    k, (term_a, term_b) = detailed_term(c)
    sub_a, sub_b = term_a.explanation, term_b.explanation
    lines += ["", *paragraph(
        f"The largest difference is in {_term_name(term_a.name, k)}: "
        f"{number(term_a.value, c.digits)} vs {number(term_b.value, c.digits)}. Within it, "
        f"factor by factor ({sub_a.name} vs {sub_b.name}, aligned by structure):")]
    lines += _tables(align(sub_a.paths, sub_b.paths), sub_a.name, sub_b.name, c.digits)
    if len(contributions) > 1:
        lines += ["", *paragraph("The other terms align the same way, with their own "
                                 "numbers.")]
    return lines


def detailed_term(c: Comparison) -> tuple[int, tuple[Contribution, Contribution]]:
    """The term (counted from 1) whose two contributions differ most, and those two."""
    pairs = list(zip(c.explanation_a.contributions, c.explanation_b.contributions, strict=True))
    k = max(range(len(pairs)), key=lambda i: abs(pairs[i][0].value - pairs[i][1].value))
    return k + 1, pairs[k]


def _term_name(name: str, k: int) -> str:
    """'L3 (example 3)', or 'example 3' when that is the term's name already."""
    return name if name == f"example {k}" else f"{name} (example {k})"


def _tables(path_pairs: list[PathPair], name_a: str, name_b: str, digits: int) -> list[str]:
    lines: list[str] = []
    for number_, path_pair in enumerate(path_pairs[:SHOWN_PATH_PAIRS], 1):
        lines += ["", *_path_pair_lines(path_pair, number_, len(path_pairs), name_a, name_b,
                                        digits)]
    if len(path_pairs) > SHOWN_PATH_PAIRS:
        lines += ["", f"… and {len(path_pairs) - SHOWN_PATH_PAIRS} more pairs of paths."]
    return lines


def _path_pair_lines(
    path_pair: PathPair, number_: int, count: int, name_a: str, name_b: str, digits: int
) -> list[str]:
    """A table: one row per aligned factor, the shared edges written once."""
    rows: list[tuple[str, str, str]] = []
    for pair in path_pair.factors:
        left = "(no factor)" if pair.a is None else pair.a.format(digits)
        right = "(no factor)" if pair.b is None else pair.b.format(digits)
        if pair.same_edge:
            rows.append((left, "(the same edge)", "shared"))
        elif pair.a is None or pair.b is None:
            rows.append((left, right, "one side only"))
        else:
            rows.append((left, right, "equal" if pair.equal else "DIFFERENT"))
    products = [("(no path)" if path is None else f"product = {number(path.product, digits)}")
                for path in (path_pair.a, path_pair.b)]
    rows.append((products[0], products[1], ""))
    width_left = max(len(name_a), *(len(row[0]) for row in rows))
    width_right = max(len(name_b), *(len(row[1]) for row in rows))
    heading = [f"Path {number_} of {count}, aligned:"] if count > 1 else []
    routes = [path.route if path else "(no path)" for path in (path_pair.a, path_pair.b)]
    return [
        *heading,
        f"  {name_a}: {routes[0]}",
        f"  {name_b}: {routes[1]}",
        "",
        f"  {name_a:<{width_left}}   {name_b}",
        *(f"  {left:<{width_left}}   {right:<{width_right}}   {status}".rstrip()
          for left, right, status in rows),
    ]


def _symmetry_reason(c: Comparison) -> str:
    """Why every factor is equal, and what that means for training."""
    _, _, a, b = _names(c)
    mirrored = dict.fromkeys(
        (pair.a.formula, pair.b.formula) for pair in c.pairs
        if not pair.same_edge and pair.a is not None and pair.b is not None
        and pair.a.formula != pair.b.formula
    )
    if mirrored:
        equalities = ", ".join(f"{x} = {y}" for x, y in mirrored)
        because = (f"the factors in the same roles have equal values ({equalities}), and the "
                   "rest are shared edges or the same expression")
    else:
        because = "the factors in the same roles are the same expressions or shared edges"
    return (f"Why: {a} and {b} sit in mirror positions of the graph and {because}. So a "
            f"gradient step changes {a} and {b} by the same amount. If the net started tied "
            "(mirror weights equal), that stays true at every step however long you train: "
            "the units never differentiate. Only different starting values (random "
            "initialization) break the symmetry.")
