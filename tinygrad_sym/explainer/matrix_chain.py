"""The chain rule on whole matrices: ∂J/∂W for a tensor W, one gradient array per node.

Backpropagation from a scalar J down to a tensor parameter W hands one gradient array to
each node on the way. A node's gradient is the sum, over the children it feeds, of what
the child's op rule hands it. This module finds those nodes and writes each rule as a
matrix formula made from the op table's own derivative text: matmul's "· {b}ᵀ" makes
∂J/∂A = ∂J/∂Z · Bᵀ, an elementwise op's derivative becomes a factor ⊙ A1 ⊙ (1 − A1), a
mean's "1/n" spreads the scalar gradient over its n entries. The numbers are the rules'
own (`formulas.share`), so the text can never disagree with `backward()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..formulas import OperandNames, share
from ..ops import Op
from ..value import Value, needs_grad, op_of, topological_order
from .naming import PREFIXES, Names, _free, meaning, transpose_names

RIGHT, LEFT, ELEMENTWISE, SPREAD, ADDED, TRANSPOSED, OTHER = (
    "right product", "left product", "elementwise", "spread", "added", "transposed", "other")
"""How a child's gradient reaches its operand: G · Bᵀ, Aᵀ · G, G ⊙ f, a scalar's gradient
spread over every entry, an added (broadcast) operand, a transpose, any other rule."""

PLACING = frozenset({"getitem", "scatter", "reshape", "stack", "concatenate"})
"""Ops that only move entries around: their rule puts the gradient back in place (a
one-element result does not spread over its operand, it goes back to one entry)."""


def shape_text(shape: tuple[int, ...]) -> str:
    """'4×3' for a matrix, '3' for a vector, 'scalar' for ()."""
    return "×".join(map(str, shape)) if shape else "scalar"


def broadcast_axes(operand: tuple[int, ...], result: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of `result` along which numpy broadcast `operand`: the ones its gradient
    is summed over (leading axes it lacks, and its axes of length 1 that were stretched).
    None of them when `operand` does not broadcast to `result` (a reduction's operand)."""
    if not _fits(operand, result):
        return ()
    extra = len(result) - len(operand)
    stretched = [extra + i for i, n in enumerate(operand) if n == 1 != result[extra + i]]
    return (*range(extra), *stretched)


def _fits(operand: tuple[int, ...], result: tuple[int, ...]) -> bool:
    """True when numpy broadcasts `operand` to `result`'s shape."""
    try:
        return np.broadcast_shapes(operand, result) == result
    except ValueError:
        return False


def elementwise_text(formula: str) -> str:
    """A local derivative read element by element: its products written with ⊙ (a number
    times something keeps its ·): 'A1·(1 − A1)' → 'A1 ⊙ (1 − A1)', '2·u1' stays."""
    return re.sub(r"([\w.²)]*)·", lambda match: match.group(1) + (
        "·" if re.fullmatch(r"[\d.]+", match.group(1)) else " ⊙ "), formula)


def product_side(op_formula: Any) -> str | None:
    """RIGHT for a derivative template written as a right factor ('· {b}ᵀ': ∂J/∂A =
    ∂J/∂Z · Bᵀ), LEFT for a left one ('{a}ᵀ ·'), None for anything else."""
    if not isinstance(op_formula, str):
        return None
    text = op_formula.strip()
    if text.startswith("·"):
        return RIGHT
    if text.endswith("·"):
        return LEFT
    return None


class ChainNames:
    """The names a matrix-form explanation uses: the graph's own (`Names`), and u1, u2, …
    for the unlabeled results it has to mention (a per-example loss BCE(A2, y) is u1)."""

    def __init__(self, names: Names, root: Value, nodes: list[Value]) -> None:
        self.names = names
        taken = {node.label for node in topological_order(root) if node.label}
        prefix = _free(PREFIXES, taken | set(names.short.values()), numbered=True)
        self.nodes = list(dict.fromkeys(nodes))
        unnamed = [node for node in self.nodes
                   if node.op is not None and names.given(node) is None]
        self.transposes = transpose_names(unnamed, names.given)  # W2ᵀ: needs no definition
        self.short = {node: f"{prefix}{k}" for k, node in enumerate(
            [node for node in unnamed if node not in self.transposes], 1)}

    def __call__(self, node: Value) -> str:
        """The node's name: its short name here, or the graph's name for it."""
        return self.short.get(node) or self.transposes.get(node) or self.names(node)

    @property
    def definitions(self) -> list[str]:
        """What the short names of the nodes mentioned stand for: 'u1 =
        binary_cross_entropy(A2, y)' (the graph's own short names included)."""
        return [f"{self(node)} = {meaning(node, self)}" for node in self.nodes
                if node in self.short or node in self.names.short]


@dataclass(frozen=True, eq=False)
class Term:
    """One child's share of ∂J/∂node: the child's op rule applied to ∂J/∂child.

    `kind` says how the share is formed (RIGHT: ∂J/∂child · factor, LEFT: factor ·
    ∂J/∂child, ELEMENTWISE: ∂J/∂child ⊙ factor, …); `formula` is the op table's local
    derivative in the graph's names, `factor` the same read as a matrix ('W2ᵀ',
    'A1 ⊙ (1 − A1)', '1/n'); `summed` lists the axes summed to undo broadcasting; `value`
    is the share itself, computed by the op's rule.
    """

    child: Value
    index: int
    kind: str
    formula: str
    factor: str
    summed: tuple[int, ...]
    value: Any

    @property
    def parent(self) -> Value:
        """The node this term is a share of the gradient of."""
        return self.child.parents[self.index]

    def involves(self) -> list[Value]:
        """The nodes the factor's formula is written in (the op's result and operands it
        names), found by writing the formula over markers: sigmoid's names its result,
        relu's its operand, matmul's the other operand."""
        child = self.child
        markers = [f"⟨{k}⟩" for k in range(len(child.parents))]
        text = op_of(child).derivative(self.index, markers, "⟨out⟩")
        found = [child] if "⟨out⟩" in text else []
        return found + [parent for marker, parent in zip(markers, child.parents, strict=True)
                        if marker in text]


@dataclass(frozen=True, eq=False)
class Step:
    """∂J/∂node as the sum of its terms, one per edge to a child on the way to J (the root
    has none: ∂J/∂J = 1)."""

    node: Value
    terms: tuple[Term, ...]
    value: Any


class MatrixChain:
    """The nodes between a scalar `root` and a tensor `wrt`, and the gradient of each.

    `steps` runs from the root down to `wrt` (each node after every child it feeds on the
    way), each with its terms and value; `total` is ∂root/∂wrt by these steps, zeros when
    no path leads from the root down to `wrt`.
    """

    def __init__(self, root: Value, wrt: Value, names: Names) -> None:
        self.root, self.wrt = root, wrt
        order = topological_order(root, follow=needs_grad)
        leads: set[Value] = set()
        for node in order:  # parents first: a node leads to wrt through a parent that does
            if node is wrt or any(parent in leads for parent in node.parents):
                leads.add(node)
        chain = [node for node in order if node in leads]
        operands = [parent for node in chain for parent in node.parents]
        self.names = ChainNames(names, root, chain + operands)
        self.steps: list[Step] = []
        self._by_node: dict[Value, Step] = {}
        if root not in leads:
            self.total = np.zeros_like(wrt.data)
            return
        users: dict[Value, list[tuple[Value, int]]] = {}
        for child in chain:
            for index, parent in enumerate(child.parents):
                if parent in leads:
                    users.setdefault(parent, []).append((child, index))
        # ∂J/∂J = 1 in J's own dtype (float32 stays float32), as backward seeds it
        gradients: dict[Value, Any] = {root: 1.0 if type(root.data) is float
                                       else np.ones_like(root.data)}
        self.steps.append(Step(root, (), gradients[root]))
        for node in reversed(chain[:-1]):
            terms = tuple(self._term(child, index, gradients[child])
                          for child, index in users[node])
            gradients[node] = sum(term.value for term in terms[1:]) + terms[0].value
            self.steps.append(Step(node, terms, gradients[node]))
        self.total = gradients[wrt]

    def _term(self, child: Value, index: int, gradient: Any) -> Term:
        """The share of ∂J/∂child that `child`'s op hands its operand `index`, as text."""
        op, parent = op_of(child), child.parents[index]
        formula = op.derivative(index, OperandNames(child.parents, self.names),
                                self.names(child))
        side = product_side(op.derivatives[index])
        summed = broadcast_axes(parent.shape, child.shape)
        if side is not None:  # a transposed name transposed again is the name: W2ᵀᵀ is W2
            kind, factor = side, formula.strip(" ·").replace("ᵀᵀ", "")
        elif op.elementwise:
            kind, factor = ELEMENTWISE, elementwise_text(formula)
        elif op.name == "transpose":
            kind, factor = TRANSPOSED, "ᵀ"
        elif formula == "1" and (op.name == "broadcast_to" or _added_to_product(op, child)):
            kind, factor = ADDED, "1"
        elif child.size == 1 and op.name not in PLACING:
            kind, factor = SPREAD, elementwise_text(formula)
        else:
            kind, factor = OTHER, formula
        value = share(child, index, gradient)
        return Term(child, index, kind, formula, factor, summed, value)

    def symbol(self, node: Value) -> str:
        """∂J/∂node in this chain's names."""
        return f"∂{self.names(self.root)}/∂{self.names(node)}"

    def step_of(self, node: Value) -> Step:
        """The step that computes ∂J/∂node."""
        if len(self._by_node) != len(self.steps):
            self._by_node = {step.node: step for step in self.steps}
        return self._by_node[node]

    def users(self, node: Value) -> list[Term]:
        """The terms that use ∂J/∂node (one per edge from `node` down the chain)."""
        return [term for step in self.steps for term in step.terms if term.child is node]


def _added_to_product(op: Op, child: Value) -> bool:
    """True for an op that adds this operand to a product of the others (affine's bias)."""
    return any(product_side(op.derivatives[i]) for i in range(len(child.parents)))
