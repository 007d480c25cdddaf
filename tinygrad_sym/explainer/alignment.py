"""Aligning the chain-rule paths of two parameters, factor by factor.

The paths are paired by structure (the roles their edges play, whatever the names), then
their factors position by position from the root, so w1 and w3 in a 2→2→1 net line up as
∂z3/∂a1 = w5 against ∂z3/∂a2 = w6: the factors in the same role.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import zip_longest

from ..value import op_of
from .factor import DIGITS, Factor
from .paths import Path

REL_TOL = 1e-12
"""Two factors are equal when their values agree to this relative tolerance."""

def role(factor: Factor) -> tuple[str, str]:
    """The role an edge plays, whatever the names: ('weighted_sum', 'input'), ('sigmoid', '0'),
    as the op table declares it (commutative operands share one role)."""
    op = op_of(factor.child)
    return op.name, op.role(factor.index, len(factor.child.parents))


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
    matched: list[tuple[Path | None, Path | None]] = [
        (path, pairs.get(k) or next(leftover, None)) for k, path in enumerate(paths_a)]
    matched += [(None, path) for path in leftover]
    return [
        PathPair(x, y, tuple(FactorPair(f, g) for f, g in zip_longest(
            () if x is None else x.factors, () if y is None else y.factors)))
        for x, y in matched
    ]
