"""`compare(root, a, b)`: which chain-rule factors make ∂root/∂a and ∂root/∂b differ.

The two parameters' paths are aligned factor by factor (see `alignment`); the comparison
names each pair of unequal factors once and says in one sentence why the gradients differ,
or why they are equal (symmetry).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..value import Value, describe
from .alignment import FactorPair, PathPair, align, role
from .comparison_text import comparison_text, verdict
from .display import ShowsAsText
from .explanation import Explanation, check_arguments, explain
from .factor import DIGITS, number
from .naming import Names
from .part_comparison import PartComparison, compare_parts
from .parts import part_of

MAX_PATHS = 256
"""compare() aligns up to this many paths per parameter (its tables show the first few)."""


@dataclass(frozen=True, eq=False, repr=False)
class Comparison(ShowsAsText):
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
        both = all(p.a is not None and p.b is not None for p in self.path_pairs)
        same_roles = all(pair.a is not None and pair.b is not None and role(pair.a) == role(pair.b)
                         for pair in self.pairs)
        return bool(self.path_pairs) and both and same_roles

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

    def summary(self) -> str:
        """'<Comparison ∂J/∂w1 = −0.03531 vs ∂J/∂w3 = 0.02518: 2 factor pairs differ; …>'."""
        a, b = self.explanation_a, self.explanation_b
        found = ("identical updates" if self.symmetric
                 else f"{len(self.differing)} factor pair{'s' * (len(self.differing) != 1)} "
                      "differ")
        return (f"<Comparison {a.name} = {number(a.total, self.digits)} vs {b.name} = "
                f"{number(b.total, self.digits)}: {found}; print() it for the table>")


def compare(
    root: Value, a: Value, b: Value, max_paths: int = MAX_PATHS, digits: int = DIGITS
) -> Comparison | PartComparison:
    """Align the chain-rule paths of ∂root/∂a and ∂root/∂b and name the differing factors.

    For two parts of one tensor, written W1[:, 0] and W1[:, 1] (two units' weights), the
    result compares them in matrix form (`PartComparison`)."""
    check_arguments("compare", root, {"a": a, "b": b}, max_paths, digits)
    part_a, part_b = part_of(root, a), part_of(root, b)
    if part_a is not None and part_b is not None and part_a[0] is part_b[0]:
        return compare_parts(root, part_a[0], part_a[1], part_b[1], digits)
    if part_a is not None or part_b is not None or a.shape or b.shape:
        tensor = describe(next((x for x in (a, b) if x.ndim == 2), a)) if a.shape else "W1"
        raise ValueError(
            f"compare: {describe(a)} and {describe(b)} are not two scalars nor two parts of one "
            "tensor; compare two weights of a scalar net, or two units of a tensor net as "
            f"two columns of its weight matrix: ts.compare(J, {tensor}[:, 0], {tensor}[:, 1])")
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
