"""`compare(root, a, b)`: which chain-rule factors make ∂root/∂a and ∂root/∂b differ.

The two parameters' paths are aligned by structure (sorted by the roles their edges play,
then paired position by position from the root), so w1 and w3 in a 2→2→1 net line up as
∂z3/∂a1 = w5 against ∂z3/∂a2 = w6: the factors in the same role, whatever their names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import zip_longest

from ..value import Value
from .explanation import SHOWN_TERMS, Explanation, explain, paragraph
from .factor import DIGITS, Factor, number
from .naming import Names
from .paths import Path

REL_TOL = 1e-12
"""Two factors are equal when their values agree to this relative tolerance."""

COMMUTATIVE = {"add", "mul"}

MAX_PATHS = 256
"""compare() aligns up to this many paths per parameter (its tables show the first few)."""


def role(factor: Factor) -> tuple[str, str]:
    """The role an edge plays, whatever the names: ('linear', 'input'), ('sigmoid', '0').

    Commutative operands share one role; a linear node's operands are weights, inputs
    or the bias.
    """
    name = factor.child.op.name
    if name in COMMUTATIVE:
        return name, "operand"
    if name == "linear":
        if factor.index == len(factor.child.parents) - 1:
            return name, "bias"
        return name, ("weight", "input")[factor.index % 2]
    return name, str(factor.index)


def listing(items: list[str]) -> str:
    """'A', 'A and B', 'A; B; and C' (factor texts hold commas of their own)."""
    if len(items) <= 2:
        return " and ".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def equal_values(x: float, y: float) -> bool:
    """Equal to `REL_TOL` (exactly equal for zeros)."""
    return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=0.0)


@dataclass(frozen=True, eq=False)
class FactorPair:
    """The factors in the same position of two aligned paths (None where a path is shorter)."""

    a: Factor | None
    b: Factor | None

    @property
    def same_edge(self) -> bool:
        """Both are the very same edge of the graph (a shared stretch of the two paths)."""
        return self.a is not None and self.b is not None and self.a.same_edge(self.b)

    @property
    def equal(self) -> bool:
        """Both exist and have equal values."""
        return self.a is not None and self.b is not None and equal_values(self.a.value,
                                                                          self.b.value)

    def format(self, digits: int = DIGITS) -> str:
        """'∂z3/∂a1 = w5 = 0.73 vs ∂z3/∂a2 = w6 = −0.35'."""
        return " vs ".join("(no factor)" if f is None else f.format(digits)
                           for f in (self.a, self.b))


@dataclass(frozen=True, eq=False)
class PathPair:
    """Two aligned paths, one from each parameter (None when one has fewer paths)."""

    a: Path | None
    b: Path | None
    factors: tuple[FactorPair, ...]


@dataclass(frozen=True, eq=False)
class Comparison:
    """∂root/∂a against ∂root/∂b, factor by factor.

    `path_pairs` holds the aligned paths and their `FactorPair`s; `differing` lists each
    pair of unequal factors once; `verdict` says in one sentence why the gradients differ
    or why they are equal.
    """

    root: Value
    a: Value
    b: Value
    explanation_a: Explanation
    explanation_b: Explanation
    path_pairs: list[PathPair]
    differing: list[FactorPair]
    digits: int = DIGITS

    @property
    def pairs(self) -> list[FactorPair]:
        """Every aligned factor pair, path pair after path pair."""
        return [pair for path_pair in self.path_pairs for pair in path_pair.factors]

    @property
    def same_structure(self) -> bool:
        """Equally many paths, equally long, every aligned pair of edges in the same role."""
        return bool(self.path_pairs) and all(
            pair.a is not None and pair.b is not None and role(pair.a) == role(pair.b)
            for pair in self.pairs
        ) and all(p.a is not None and p.b is not None for p in self.path_pairs)

    @property
    def symmetric(self) -> bool:
        """Same structure and every factor equal: identical gradients, identical updates."""
        return self.same_structure and not self.differing

    @property
    def verdict(self) -> str:
        """One sentence: why the two gradients differ, or why they are equal."""
        return verdict(self)

    def __str__(self) -> str:
        return "\n".join(comparison_text(self))


def compare(
    root: Value, a: Value, b: Value, max_paths: int = MAX_PATHS, digits: int = DIGITS
) -> Comparison:
    """Align the chain-rule paths of ∂root/∂a and ∂root/∂b and name the differing factors."""
    names = Names(root)
    explanation_a = explain(root, a, max_paths, digits, names=names)
    explanation_b = explain(root, b, max_paths, digits, names=names)
    path_pairs = align(explanation_a.paths, explanation_b.paths)
    differing: list[FactorPair] = []
    seen: set[tuple[int, int]] = set()
    for path_pair in path_pairs:
        for pair in path_pair.factors:
            key = (id(pair.a), id(pair.b))
            if not pair.equal and key not in seen:
                seen.add(key)
                differing.append(pair)
    return Comparison(root, a, b, explanation_a, explanation_b, path_pairs, differing, digits)


def structure(path: Path) -> tuple[tuple[str, str], ...]:
    """The roles of a path's edges, root first: what must match for two paths to align."""
    return tuple(role(factor) for factor in path.factors)


def _equal_paths(a: Path, b: Path) -> bool:
    return all(equal_values(x.value, y.value) for x, y in zip(a.factors, b.factors, strict=True))


def align(paths_a: list[Path], paths_b: list[Path]) -> list[PathPair]:
    """Pair the paths of two parameters by structure, then factors by position.

    A path pairs with a path of the other parameter whose edges play the same roles,
    preferably one with equal factors (mirror images pair up even when listed in another
    order), else the first in graph order (in a batch, example k with example k). Paths
    left over pair in order; factors pair by their position from the root.
    """
    pairs: dict[int, Path | None] = {}
    unused = list(paths_b)
    for matching in (_equal_paths, lambda a, b: True):
        for k, path in enumerate(paths_a):
            if k in pairs:
                continue
            candidates = [other for other in unused if structure(other) == structure(path)]
            partner = next((other for other in candidates if matching(path, other)), None)
            if partner is not None:
                pairs[k] = partner
                unused.remove(partner)
    leftover = iter(unused)
    matched = [(path, pairs.get(k) or next(leftover, None)) for k, path in enumerate(paths_a)]
    matched += [(None, path) for path in leftover]
    return [
        PathPair(x, y, tuple(FactorPair(f, g) for f, g in zip_longest(
            () if x is None else x.factors, () if y is None else y.factors)))
        for x, y in matched
    ]


# ------------------------------------------------------------------------------ the text

SHOWN_PATH_PAIRS = 4
"""The comparison draws the tables of this many aligned path pairs at most."""


def _names(comparison: Comparison) -> tuple[str, str, str, str]:
    c = comparison
    return (c.explanation_a.name, c.explanation_b.name, c.explanation_a.name_of(c.a),
            c.explanation_b.name_of(c.b))


def _root(c: Comparison) -> str:
    return c.explanation_a.name_of(c.root)


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
    unequal = differences(c.differing, digits)
    if not c.same_structure:
        relation = "=" if equal_values(grad_a, grad_b) else "≠"
        return (f"{name_a} {relation} {name_b} {numbers}: {a} and {b} play different roles "
                f"in {_root(c)} (their paths differ in number, length or kind of "
                f"edges); aligned from "
                f"{_root(c)}, the unequal factors are: {unequal}.")
    if equal_values(grad_a, grad_b):
        return (f"{name_a} = {name_b} = {number(grad_a, digits)} although factors differ "
                f"({unequal}): their products happen to coincide.")
    only = "only " if len(c.differing) == 1 else ""
    return (f"{name_a} ≠ {name_b} {numbers} {only}because {unequal}; {_the_rest(c)}.")


def _the_rest(c: Comparison) -> str:
    """What the equal factors are: shared edges, and equal ones in the same role (x1 vs x1)."""
    shared = any(pair.same_edge for pair in c.pairs)
    equal = []
    for pair in c.pairs:
        text = f"{pair.a.formula} vs {pair.b.formula}" if pair.equal else ""
        if pair.equal and not pair.same_edge and text not in equal:
            equal.append(text)
    kinds = equal + (["the shared edges"] if shared else [])
    return "the other factors are equal" + (f" ({listing(kinds)})" if kinds else "")


def comparison_text(comparison: Comparison) -> list[str]:
    """The comparison as tables of aligned factors, the verdict, and the check."""
    c, digits = comparison, comparison.digits
    name_a, name_b, _, _ = _names(c)
    root = _root(c)
    legend = dict.fromkeys((*c.explanation_a.legend, *c.explanation_b.legend))
    lines = [*paragraph("Unlabeled intermediate results get short names here: "
                        + "; ".join(legend) + "."), ""] if legend else []
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
    """A batch: the per-term contributions side by side, then the first term in detail."""
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
        lines.append(f"  … and {len(contributions) - SHOWN_TERMS} more terms")
    first_a, first_b = contributions[0]
    sub_a, sub_b = first_a.explanation, first_b.explanation
    lines += ["", *paragraph(f"Within {first_a.name}, factor by factor ({sub_a.name} vs "
                             f"{sub_b.name}, aligned by structure):")]
    lines += _tables(align(sub_a.paths, sub_b.paths), sub_a.name, sub_b.name, c.digits)
    if len(contributions) > 1:
        lines += ["", *paragraph("The other terms align the same way, with their own "
                                 "numbers.")]
    return lines


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
