"""The chain rule of one entry, through the entries of the matrices on the way.

Each entry of a matrix on the chain is a scalar of the twin: A1[k, 1] is example k's a2.
An edge of the matrix chain joins entries in a pattern its kind fixes — an elementwise op
joins the same entry (after broadcasting), Z = A · W joins Z[k, m] to A[k, j] through
W[j, m] and to W[j, m] through A[k, j], a mean joins J to every entry — so the paths from
J down to W1[0, 1] are the twin's paths from J down to w3, one per example and route, and
their factors are the same numbers. This module finds those paths (counting them first, so
a wide net never hangs), with each factor's formula from the op table in entry names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..formulas import OperandNames, share
from ..value import Value
from .factor import Factor
from .matrix_chain import (
    ADDED,
    ELEMENTWISE,
    LEFT,
    RIGHT,
    SPREAD,
    TRANSPOSED,
    MatrixChain,
    Term,
)

Index = tuple[int, ...]
Entry = tuple[Value, Index]

MAX_ENTRIES = 200_000
"""Above this many entries on the chain the paths are not traced entry by entry."""


class Untraceable(Exception):
    """The chain holds an edge whose entries this module cannot follow (the reason)."""


def broadcast_index(index: Index, shape: tuple[int, ...]) -> Index:
    """The entry of an operand of `shape` that numpy broadcast to the result's entry
    `index`: leading axes dropped, axes of length 1 pinned to 0."""
    index = index[len(index) - len(shape):] if shape else ()
    return tuple(0 if n == 1 else i for i, n in zip(index, shape, strict=True))


def _value_at(node: Value, index: Index) -> Any:
    """The number at `index` of a node's data (a scalar's own number), as numpy float."""
    data = node.data
    return np.float64(data) if type(data) is float else data[index]


def entry_name(node: Value, index: Index, name: Callable[[Value], str]) -> str:
    """'A1[0, 1]', or the node's name alone for a scalar."""
    return f"{name(node)}[{', '.join(map(str, index))}]" if index else name(node)


@dataclass(frozen=True, eq=False)
class EntryPath:
    """One route from the root's entry down to the wanted entry: the entries passed and the
    factor of each edge between them (formulas in the names the explanation gives)."""

    entries: tuple[Entry, ...]
    factors: tuple[Factor, ...]

    @property
    def product(self) -> float:
        """The product of the factors: this route's share of the entry's gradient."""
        return math.prod(factor.value for factor in self.factors)


class EntryGraph:
    """The entries of a matrix chain that lie between the root and one entry of `wrt`.

    `depends[node]` holds the entries of `node` that the wanted entry influences; `edges`
    follow them down from the root. `name(node, index)` names an entry (the twin's name
    where it has one), as factor formulas and routes use it. The `batch` nodes hold one row
    per example (Z1, A1, …): asked for one example, the paths keep to its rows.
    """

    def __init__(self, chain: MatrixChain, entry: Index, name: Callable[[Value, Index], str],
                 batch: Iterable[Value] = ()) -> None:
        self.chain, self.entry, self.name = chain, entry, name
        self.batch = set(batch)
        if sum(step.node.size for step in chain.steps) > MAX_ENTRIES:
            raise Untraceable(f"the chain holds more than {MAX_ENTRIES:,} entries")
        self.depends: dict[Value, set[Index]] = {chain.wrt: {entry}}
        self.down: dict[Value, list[Term]] = {}
        for step in chain.steps:
            for term in step.terms:
                self.down.setdefault(term.child, []).append(term)
        for step in reversed(chain.steps[:-1]):  # parents before children, wrt excluded
            node = step.node
            found: set[Index] = set()
            for term in self.down.get(node, ()):
                found |= self._up(term, self.depends.get(term.parent, set()))
            self.depends[node] = found
        self._locals: dict[Term, Any] = {}

    # ------------------------------------------------ following an edge, both ways
    def _up(self, term: Term, entries: set[Index]) -> set[Index]:
        """The entries of term's child that depend on these entries of its parent."""
        child, parent = term.child, term.parent
        if not entries:
            return set()
        if term.kind in (ELEMENTWISE, ADDED):
            if parent.shape == child.shape:
                return set(entries)
            return {index for index in np.ndindex(child.shape)
                    if broadcast_index(index, parent.shape) in entries}
        if term.kind == SPREAD:
            return {()}
        if term.kind == TRANSPOSED and child.ndim == 2:
            return {(j, i) for (i, j) in entries}
        if term.kind not in (LEFT, RIGHT):
            raise Untraceable(f"the paths cross {child.op.name}, whose rule moves or mixes the "
                              "entries of its operand")
        _check_matrices(term)
        rows, columns = child.shape
        if term.kind == LEFT:  # parent is B in Z = A · B: Z[k, m] for every k
            return {(k, m) for (_, m) in entries for k in range(rows)}
        # parent is A in Z = A · B: Z[k, m] for every m
        return {(k, m) for (k, _) in entries for m in range(columns)}

    def factors_below(self, term: Term, index: Index) -> list[tuple[Index, Factor]]:
        """The edges from entry `index` of term's child down to the parent's entries that
        lead to the wanted entry, each with its factor."""
        return [(below, self._factor(term, index, below)) for below in self._below(term, index)]

    def _factor(self, term: Term, index: Index, below: Index) -> Factor:
        """The local derivative ∂child[index]/∂parent[below], as formula and number."""
        child, parent = term.child, term.parent
        if term.kind == ELEMENTWISE:
            value, formula = self._elementwise(term, index)
        elif term.kind == SPREAD:
            value = float(np.asarray(self._local(term))[below])
            formula = self._formula(term, index, below)
        elif term.kind in (LEFT, RIGHT):
            a, b = child.parents[:2]
            k, m = index
            # Z[k, m] → B[j, m] through A[k, j]; Z[k, m] → A[k, j] through B[j, m]
            other, at = (a, (k, below[0])) if term.kind == LEFT else (b, (below[1], m))
            value, formula = float(other.data[at]), self.name(other, at)
        else:  # an added bias, a transpose: the entry itself
            value, formula = 1.0, "1"
        return Factor(child, parent, term.index, formula, value, self.name(child, index),
                      self.name(parent, below))

    def _elementwise(self, term: Term, index: Index) -> tuple[float, str]:
        """The local derivative of an elementwise edge at one entry: the op's rule run on
        that entry's numbers (numpy scalars, so 1/0 is inf as in arrays)."""
        child = term.child
        operands = [_value_at(parent, broadcast_index(index, parent.shape))
                    for parent in child.parents]
        with np.errstate(all="ignore"):
            value = child.op.rules[term.index](np.float64(1.0), _value_at(child, index),
                                               *operands, **(child.attrs or {}))
        return float(value), self._formula(term, index, index)

    def _formula(self, term: Term, index: Index, operand_index: Index) -> str:
        """The op table's local derivative written with the entries' names."""
        child = term.child
        parents = child.parents

        def name(parent: Value) -> str:
            """The operand's entry that the result's entry reads (after broadcasting)."""
            return self.name(parent, broadcast_index(operand_index, parent.shape))

        names = OperandNames(parents, name)
        return child.op.derivative(term.index, names, self.name(child, index))

    def _local(self, term: Term) -> Any:
        """The local derivatives of a spread (a scalar child) for every parent entry."""
        if term not in self._locals:
            self._locals[term] = share(term.child, term.index, 1.0)
        return self._locals[term]

    # ------------------------------------------------------------------ the paths
    def count(self, example: int | None = None, limit: int = 10**6) -> int:
        """How many paths lead from the root down to the wanted entry (through `example`'s
        row of the per-example tensor under the root, when given): dynamic programming over
        the entries, so counting never enumerates."""
        memo: dict[Entry, int] = {}
        for node, index in self._post_order(example):
            if node is self.chain.wrt:
                memo[(node, index)] = 1
                continue
            memo[(node, index)] = min(limit, sum(
                memo[(term.parent, below)] for below, term in self._edges(node, index, example)))
        return memo.get((self.chain.root, ()), 0)

    def paths(self, example: int | None = None) -> list[EntryPath]:
        """Every path from the root down to the wanted entry, depth first (iterative); for
        one example, those through its rows (not, say, through a penalty on the weights)."""
        root = self.chain.root
        found: list[EntryPath] = []
        stack: list[tuple[Entry, tuple[Entry, ...], tuple[Factor, ...]]] = [
            ((root, ()), ((root, ()),), ())]
        while stack:
            (node, index), entries, factors = stack.pop()
            if node is self.chain.wrt:
                if example is None or any(node in self.batch for node, _ in entries):
                    found.append(EntryPath(entries, factors))
                continue
            below = self._edges(node, index, example, with_factors=True)
            for parent_index, term, factor in reversed(below):
                entry = (term.parent, parent_index)
                stack.append((entry, (*entries, entry), (*factors, factor)))
        return found

    def _edges(self, node: Value, index: Index, example: int | None,
               with_factors: bool = False) -> list[Any]:
        """The edges from entry `index` of `node` down the chain: (entry below, term) or,
        `with_factors`, (entry below, term, factor)."""
        found: list[Any] = []
        for term in self.down.get(node, ()):
            if with_factors:
                pairs: Iterable = self.factors_below(term, index)
            else:
                pairs = ((below, None) for below in self._below(term, index))
            for below, factor in pairs:
                if not self._in_example(term.parent, below, example):
                    continue
                found.append((below, term, factor) if with_factors else (below, term))
        return found

    def _below(self, term: Term, index: Index) -> list[Index]:
        """The parent entries an edge joins to the child's entry `index` (no factors)."""
        child, parent = term.child, term.parent
        wanted = self.depends.get(parent, set())
        if term.kind in (ELEMENTWISE, ADDED):
            below = broadcast_index(index, parent.shape)
            return [below] if below in wanted else []
        if term.kind == SPREAD:
            return sorted(wanted)
        if term.kind == TRANSPOSED:
            return [index[::-1]] if index[::-1] in wanted else []
        k, m = index
        if term.kind == LEFT:
            return [(j, m) for j in range(child.parents[1].shape[0]) if (j, m) in wanted]
        return [(k, j) for j in range(child.parents[0].shape[1]) if (k, j) in wanted]

    def _in_example(self, node: Value, index: Index, example: int | None) -> bool:
        """True unless an example is asked for and this is another example's entry."""
        return example is None or node not in self.batch or index[0] == example

    def _post_order(self, example: int | None) -> list[Entry]:
        """The entries between the root and the wanted entry, each after every entry below
        it (iterative depth-first search)."""
        root = (self.chain.root, ())
        order: list[Entry] = []
        seen = {root}
        stack = [(root, iter(self._edges(root[0], root[1], example)))]
        while stack:
            (node, index), edges = stack[-1]
            for below, term in edges:
                entry = (term.parent, below)
                if entry not in seen:
                    seen.add(entry)
                    stack.append((entry, iter(self._edges(term.parent, below, example))))
                    break
            else:
                stack.pop()
                order.append((node, index))
        return order


def _check_matrices(term: Term) -> None:
    """Products are followed entry by entry for matrices (2-d operands) only."""
    operands = term.child.parents[:2]
    if term.child.ndim != 2 or any(operand.ndim != 2 for operand in operands):
        shapes = " and ".join(str(operand.shape) for operand in operands)
        raise Untraceable(f"the product of shapes {shapes} is not one of two matrices")

