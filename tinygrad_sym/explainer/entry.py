"""`explain(J, W1, entry=(0, 1))`: one entry of a matrix gradient, tied back to the twin.

∂J/∂W1[0, 1] is the scalar twin's ∂J/∂w3 (W1[i, j] is unit j's weight on input i, named by
the course's numbering). In matrix form it is row 0 of Xᵀ times column 1 of δ1: a sum over
the examples. Each summand is what one example adds to ∂J/∂w3 in the twin (1/n · ∂Lk/∂w3),
and it is the product of the factors along w3's paths through that example's entries —
the numbers the twin's own explanation prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..formulas import share
from ..value import Value, topological_order
from .course_layers import CourseLayers
from .display import ShowsAsText
from .entry_paths import EntryGraph, EntryPath, Index, Untraceable, entry_name
from .entry_text import entry_derivation
from .factor import DIGITS, number
from .matrix_chain import ADDED, ELEMENTWISE, LEFT, Term
from .matrix_explanation import MatrixExplanation, explain_matrix, tolerance
from .naming import Names

MAX_PATHS = 8
"""Above this many paths through the detailed example, they are counted, not listed."""


@dataclass(frozen=True)
class Share:
    """One summand of the entry: example `example`'s share (counted from 0), and the
    numbers multiplied to make it (X[k, 0] and δ1[k, 1])."""

    example: int
    factors: tuple[float, ...]
    value: float


@dataclass(frozen=True, eq=False, repr=False)
class EntryExplanation(ShowsAsText):
    """∂root/∂wrt[entry] in matrix form, example by example, and as the twin's paths.

    `scalar_name` is the twin's name of the entry (w3), None where the graph is not a
    chain of layers (`layers.problem` says why). `shares` splits the entry into one summand
    per example, the factors named by `columns` (('X[k, 0]', 'δ1[k, 1]')); `weight` is
    each per-example loss's weight in J (1/n) when J averages them, so a share is
    weight · ∂Lk/∂w. `paths` traces example `detail`'s summand entry by entry (empty, with
    `untraced` saying why, when it cannot be or has more than `MAX_PATHS` paths).
    """

    root: Value
    wrt: Value
    entry: Index
    matrix: MatrixExplanation = field(repr=False)
    layers: CourseLayers = field(repr=False)
    scalar_name: str | None
    columns: tuple[str, ...]
    shares: list[Share]
    weight: float | None
    detail: int | None
    paths: list[EntryPath]
    path_count: int
    untraced: str
    total: float
    backward_grad: float
    digits: int = DIGITS

    @property
    def name(self) -> str:
        """'∂J/∂W1[0, 1]'."""
        return f"{self.matrix.name}[{', '.join(map(str, self.entry))}]"

    @property
    def agrees(self) -> bool:
        """True when the entry's sum equals backpropagation's (up to rounding)."""
        scale = max(abs(self.backward_grad), sum(abs(s.value) for s in self.shares))
        return abs(self.total - self.backward_grad) <= tolerance(
            self.matrix.backward_grad) * scale + 1e-300

    def entry_name(self, node: Value, index: Index) -> str:
        """An entry's name, the twin's where it has one: 'a2' for A1[k, 1]."""
        return name_in(self.layers, self.matrix)(node, index)

    def __str__(self) -> str:
        return "\n".join(entry_derivation(self))

    def summary(self) -> str:
        """'<EntryExplanation ∂J/∂W1[0, 1] (w3) = 0.01234: 200 examples, agrees with …>'."""
        twin = f" ({self.scalar_name})" if self.scalar_name else ""
        examples = f"{len(self.shares)} example{'s' * (len(self.shares) != 1)}"
        check = "agrees with backward" if self.agrees else "DISAGREES with backward"
        return (f"<EntryExplanation {self.name}{twin} = {number(self.total, self.digits)}: "
                f"{examples}, {check}; print() it for the derivation>")


def check_entry(wrt: Value, entry: object) -> Index:
    """`entry` as a tuple of non-negative ints indexing one element of `wrt`, or a clear
    error naming the shape."""
    index = entry if isinstance(entry, tuple) else (entry,)
    if not all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in index):
        raise TypeError(f"explain: entry must be a tuple of ints, one per axis of "
                        f"{wrt.label or 'wrt'} (shape {wrt.shape}), not {entry!r}")
    if len(index) != wrt.ndim or not all(-n <= i < n for i, n in zip(index, wrt.shape,
                                                                      strict=False)):
        raise IndexError(f"explain: entry {entry!r} is not an element of "
                         f"{wrt.label or 'wrt'}, of shape {wrt.shape}: give one index per "
                         f"axis, each within its length (e.g. entry={(0,) * wrt.ndim})")
    return tuple(int(i) % n for i, n in zip(index, wrt.shape, strict=True))


def explain_entry(root: Value, wrt: Value, entry: object, digits: int = DIGITS,
                  names: Names | None = None) -> EntryExplanation:
    """Explain ∂root/∂wrt[entry] for a tensor `wrt`: matrix form, examples, twin's paths."""
    index = check_entry(wrt, entry)
    matrix = explain_matrix(root, wrt, digits, names)
    layers = CourseLayers(root)
    scalar_name = layers.scalar_name(wrt, index) if layers.layer_of(wrt) else None
    columns, shares = _shares(matrix, index)
    weight = _weight(root, layers)
    backward_grad = float(np.asarray(matrix.backward_grad)[index])
    total = float(sum(s.value for s in shares)) if shares else float(matrix.total[index])
    name = name_in(layers, matrix)
    detail = 0 if shares and layers.layers else None
    paths: list[EntryPath] = []
    count, untraced = 0, ""
    if not matrix.chain.steps:
        untraced = "no path leads to it"
    else:
        try:
            graph = EntryGraph(matrix.chain, index, name, _batch(root, matrix, layers))
            count = graph.count(detail, limit=MAX_PATHS + 1)
            if count <= MAX_PATHS:
                paths = graph.paths(detail)
            else:
                untraced = f"more than {MAX_PATHS} paths lead through one example"
        except Untraceable as reason:
            untraced = str(reason)
    return EntryExplanation(root, wrt, index, matrix, layers, scalar_name, columns, shares,
                            weight, detail, paths, count, untraced, total, backward_grad,
                            digits)


def _shares(matrix: MatrixExplanation, index: Index) -> tuple[tuple[str, ...], list[Share]]:
    """The entry as a sum over the examples, from the last step of the matrix form: of
    Xᵀ · δ1, the entry [i, j] is Σₖ X[k, i] · δ1[k, j]; of a bias's sum(δ1, axis=0), Σₖ
    δ1[k, j]. Nothing when the last step is not one such term."""
    steps = matrix.chain.steps
    if not steps or len(steps[-1].terms) != 1:
        return (), []
    term: Term = steps[-1].terms[0]
    gradient = np.asarray(matrix.chain.step_of(term.child).value)
    symbol = matrix.form.gradient_symbol(term.child)
    if term.kind == LEFT and gradient.ndim == 2 and len(index) == 2:
        inputs = term.child.parents[0]
        i, j = index
        columns = (f"{matrix.name_of(inputs)}[k, {i}]", f"{symbol}[k, {j}]")
        return columns, [Share(k, (float(inputs.data[k, i]), float(gradient[k, j])),
                               float(inputs.data[k, i] * gradient[k, j]))
                         for k in range(gradient.shape[0])]
    if (term.kind in (ADDED, ELEMENTWISE) and term.factor == "1" and term.summed == (0,)
            and gradient.ndim == 2 and len(index) == 1):
        (j,) = index
        return (f"{symbol}[k, {j}]",), [Share(k, (float(gradient[k, j]),), float(gradient[k, j]))
                                        for k in range(gradient.shape[0])]
    return (), []


def _weight(root: Value, layers: CourseLayers) -> float | None:
    """The weight of each per-example loss in J (1/n for a mean), when J adds them up
    with one weight; None otherwise."""
    for index, parent in enumerate(root.parents):
        if layers.per_example_loss(parent):
            weights = np.unique(np.asarray(share(root, index, 1.0)))
            if weights.size == 1:
                return float(weights[0])
    return None


def _batch(root: Value, matrix: MatrixExplanation, layers: CourseLayers) -> list[Value]:
    """The nodes of the chain that hold one row per example: computed from the data X,
    with X's number of rows."""
    if not layers.layers:
        return []
    data = layers.layers[0].inputs
    fed: set[Value] = {data}
    for node in topological_order(root):
        if any(parent in fed for parent in node.parents):
            fed.add(node)
    rows = data.shape[:1]
    return [step.node for step in matrix.chain.steps
            if step.node in fed and step.node.shape[:1] == rows]


def name_in(layers: CourseLayers, matrix: MatrixExplanation) -> Callable[[Value, Index], str]:
    """The naming of entries an entry explanation uses: the twin's, else 'A1[0, 1]'."""
    return lambda node, at: layers.scalar_name(node, at) or entry_name(node, at, matrix.name_of)
