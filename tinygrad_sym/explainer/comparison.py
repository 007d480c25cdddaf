"""`compare(root, a, b)`: which chain-rule factors make ∂root/∂a and ∂root/∂b differ.

The two parameters' paths are aligned factor by factor (see `alignment`); the comparison
names each pair of unequal factors once and says in one sentence why the gradients differ,
or why they are equal (symmetry).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..value import Value
from .alignment import FactorPair, PathPair, align, role
from .comparison_text import comparison_text, verdict
from .explanation import Explanation, check_arguments, explain
from .factor import DIGITS
from .naming import Names

MAX_PATHS = 256
"""compare() aligns up to this many paths per parameter (its tables show the first few)."""


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


def compare(
    root: Value, a: Value, b: Value, max_paths: int = MAX_PATHS, digits: int = DIGITS
) -> Comparison:
    """Align the chain-rule paths of ∂root/∂a and ∂root/∂b and name the differing factors."""
    check_arguments("compare", root, {"a": a, "b": b}, max_paths, digits)
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
