"""The matrix-form chain rule as equations: step by step, and folded into the course's form.

Step by step, every node's gradient is written in terms of its children's, one op rule per
term (∂J/∂A1 = δ2 · W2ᵀ). Folded, only the gradients a learner names keep a name — δk, the
gradient of a layer's product Zk (its error term), and any gradient used twice — and the
others are substituted in: ∂J/∂W1 = Xᵀ · δ1, δ1 = (δ2 · W2ᵀ) ⊙ A1 ⊙ (1 − A1),
δ2 = (A2 − y)/n. In a product of elementwise factors, a factor equal to another's
denominator cancels (binary cross-entropy after a sigmoid: (A2 − y)/(A2 ⊙ (1 − A2)) ⊙
A2 ⊙ (1 − A2) is A2 − y), and a 1/n moves to the end. The rewriting is of text only:
every number comes from the op rules (`matrix_chain`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..value import Value, op_of
from .matrix_chain import (
    ADDED,
    ELEMENTWISE,
    LEFT,
    OTHER,
    RIGHT,
    SPREAD,
    TRANSPOSED,
    MatrixChain,
    Step,
    Term,
    product_side,
    shape_text,
)

LOWEST, TOTAL, HADAMARD, PRODUCT, ATOM = range(5)
"""How tightly an expression binds: a conditional, a sum, an elementwise product (or a
quotient), a matrix product, a name."""


def _top_level(text: str) -> list[tuple[int, str]]:
    """The characters of `text` outside any parentheses or brackets, with their positions."""
    depth, found = 0, []
    for position, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0:
            found.append((position, char))
    return found


def precedence(text: str) -> int:
    """How tightly a formula's text binds, from its operators outside parentheses."""
    outside = "".join(char for _, char in _top_level(text))
    if " if " in outside:
        return LOWEST
    if re.search(r" [+−] ", outside) or outside.startswith("−"):
        return TOTAL
    if " ⊙ " in outside or "/" in outside:
        return HADAMARD
    if " · " in outside:
        return PRODUCT
    return ATOM


def unwrapped(text: str) -> str:
    """`text` without parentheses around all of it: '(1 − A2)' → '1 − A2'."""
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1]
    return text


def _balanced(text: str) -> bool:
    """True when every parenthesis of `text` closes one opened before it."""
    depth = 0
    for char in text:
        depth += (char in "([") - (char in ")]")
        if depth < 0:
            return False
    return depth == 0


class Expr:
    """A matrix expression that writes itself with just the parentheses it needs, or, with
    `shapes=True`, with each name replaced by its shape (the dimension check a learner
    does: δ1 = (δ2 · W2ᵀ) ⊙ A1 ⊙ (1 − A1) is 4×3 = (4×1 · 1×3) ⊙ 4×3)."""

    binding: int = ATOM

    def render(self, shapes: bool = False) -> str:
        raise NotImplementedError

    def cancelled(self) -> list[str]:
        """The factors that cancelled anywhere inside (for a note under the equation)."""
        return []


def wrap(expr: Expr, kinds: tuple[int, ...], shapes: bool = False) -> str:
    """`expr` rendered, in parentheses unless it binds as one of `kinds`."""
    text = expr.render(shapes)
    binding = ATOM if shapes and isinstance(expr, Atom | Symbol) else expr.binding
    return text if binding in kinds else f"({text})"


def _shape(shape: tuple[int, ...] | None, text: str) -> str:
    """'4×3' for a known shape, else the text itself (a number)."""
    return text if shape is None else shape_text(shape)


@dataclass(frozen=True)
class Atom(Expr):
    """A name or a formula from the op table, as text, with the shape of its value."""

    text: str
    shape: tuple[int, ...] | None = None

    @property
    def binding(self) -> int:  # type: ignore[override]
        return precedence(self.text)

    def render(self, shapes: bool = False) -> str:
        return _shape(self.shape, self.text) if shapes else self.text


ONE = Atom("1")


@dataclass(frozen=True)
class Symbol(Expr):
    """The name of a gradient, δ1 or ∂J/∂A1: one unit, whatever characters it holds."""

    text: str
    shape: tuple[int, ...] | None = None
    binding = ATOM

    def render(self, shapes: bool = False) -> str:
        return _shape(self.shape, self.text) if shapes else self.text


@dataclass(frozen=True)
class Product(Expr):
    """left · right, the matrix product."""

    left: Expr
    right: Expr
    binding = PRODUCT

    def render(self, shapes: bool = False) -> str:
        kinds = (ATOM, PRODUCT)
        return f"{wrap(self.left, kinds, shapes)} · {wrap(self.right, kinds, shapes)}"

    def cancelled(self) -> list[str]:
        return self.left.cancelled() + self.right.cancelled()


@dataclass(frozen=True)
class Hadamard(Expr):
    """factor ⊙ factor ⊙ …, divided by the `divisors` (1/n written at the end), with the
    factors that cancelled on the way; `shape` is the result's."""

    factors: tuple[Expr, ...]
    divisors: tuple[str, ...] = ()
    gone: tuple[str, ...] = ()
    shape: tuple[int, ...] | None = None
    binding = HADAMARD

    def render(self, shapes: bool = False) -> str:
        if shapes:  # a scalar factor or divisor changes no shape
            texts = list(dict.fromkeys(
                wrap(factor, (ATOM, HADAMARD), True) for factor in self.factors
                if getattr(factor, "shape", None) != ()))
            return " ⊙ ".join(texts) or _shape(self.shape, "scalar")
        body = " ⊙ ".join(wrap(factor, (ATOM, HADAMARD)) for factor in self.factors)
        if not self.divisors:
            return body
        divisor = "·".join(self.divisors)
        if not self.factors:
            return f"1/{divisor}"
        if len(self.factors) == 1:
            single = self.factors[0]
            text = wrap(single, (ATOM,))
            if isinstance(single, Symbol) and "/" in text:
                text = f"({text})"  # ∂J/∂u6 divided: (∂J/∂u6)/n
            return f"{text}/{divisor}"
        return f"({body})/{divisor}"

    def cancelled(self) -> list[str]:
        return [*self.gone, *(text for factor in self.factors for text in factor.cancelled())]


@dataclass(frozen=True)
class Negated(Expr):
    """−inner."""

    inner: Expr
    binding = HADAMARD

    def render(self, shapes: bool = False) -> str:
        if shapes:
            return self.inner.render(True)
        return "−" + wrap(self.inner, (ATOM, PRODUCT, HADAMARD))

    def cancelled(self) -> list[str]:
        return self.inner.cancelled()


@dataclass(frozen=True)
class Applied(Expr):
    """inner put into a template: 'sum({}, axis=0)', '{}ᵀ', '{} through softmax'."""

    template: str
    inner: Expr
    binding: int = ATOM
    bare: bool = True  # the template encloses the inner text (no parentheses needed)

    def render(self, shapes: bool = False) -> str:
        if self.bare or (shapes and self.binding == LOWEST):  # 6×4 through log_softmax
            return self.template.format(self.inner.render(shapes))
        return self.template.format(wrap(self.inner, (ATOM,), shapes))

    def cancelled(self) -> list[str]:
        return self.inner.cancelled()


@dataclass(frozen=True)
class Total(Expr):
    """term + term + …"""

    terms: tuple[Expr, ...]
    binding = TOTAL

    def render(self, shapes: bool = False) -> str:
        text = ""
        for k, term in enumerate(self.terms):
            if isinstance(term, Negated) and not shapes:
                text += (" − " if k else "−") + wrap(term.inner, (ATOM, PRODUCT, HADAMARD))
            else:
                text += (" + " if k else "") + wrap(term, (ATOM, PRODUCT, HADAMARD, TOTAL),
                                                    shapes)
        return text

    def cancelled(self) -> list[str]:
        return [text for term in self.terms for text in term.cancelled()]


def _split_quotient(text: str) -> tuple[str, str] | None:
    """'(a − y)/(a ⊙ (1 − a))' → ('a − y', 'a ⊙ (1 − a)'): numerator and denominator of a
    formula that is one quotient (its last '/' outside parentheses), without parentheses."""
    slashes = [position for position, char in _top_level(text) if char == "/"]
    if len(slashes) != 1:
        return None
    numerator, denominator = text[: slashes[0]], text[slashes[0] + 1:]
    return unwrapped(numerator), unwrapped(denominator)


def hadamard(*items: Expr, shape: tuple[int, ...] | None = None) -> Expr:
    """The elementwise product of `items` (of `shape`), simplified: factors of 1 dropped, a
    factor equal to another's denominator cancelled, 1/n factors moved to the end."""
    factors: list[Expr] = []
    divisors: list[str] = []
    gone: list[str] = []
    for item in items:
        if isinstance(item, Hadamard):
            factors += item.factors
            divisors += item.divisors
            gone += item.gone
        elif isinstance(item, Atom) and re.fullmatch(r"1/(\w+)", item.text):
            divisors.append(item.text[2:])
        elif not (isinstance(item, Atom) and item.text == "1"):
            factors.append(item)
    for k, factor in enumerate(factors):
        if not isinstance(factor, Atom):
            continue
        quotient = _split_quotient(factor.text)
        if quotient is None:
            continue
        numerator, denominator = quotient
        match = next((other for other in factors if isinstance(other, Atom)
                      and unwrapped(other.text) == denominator and other is not factor), None)
        if match is not None:
            factors[k] = Atom(numerator, factor.shape)
            factors.remove(match)
            gone.append(denominator)
    if len(factors) == 1 and not divisors:
        return factors[0]
    return Hadamard(tuple(factors), tuple(divisors), tuple(gone), shape)


def _axes(axes: tuple[int, ...]) -> str:
    """numpy's axis argument as text: '0' or '(0, 1)'."""
    return str(axes[0]) if len(axes) == 1 else str(axes)


def term_expression(term: Term, gradient: Expr) -> Expr:
    """The term as a matrix expression of the child's gradient, by its kind."""
    child, parent = term.child, term.parent
    if term.kind in (RIGHT, LEFT):
        operand = child.parents[1 if term.kind == RIGHT else 0]
        factor = Atom(term.factor, _transposed(operand.shape))
        if gradient is ONE:
            return factor
        return Product(gradient, factor) if term.kind == RIGHT else Product(factor, gradient)
    if term.kind in (ELEMENTWISE, SPREAD, ADDED):
        if term.factor == "1":
            expr = gradient
        elif term.factor == "−1":
            expr = Negated(gradient)
        else:
            expr = hadamard(gradient, Atom(term.factor, parent.shape), shape=parent.shape)
        if term.summed and term.kind != SPREAD:
            keep = ", keepdims=True" if parent.ndim == child.ndim else ""
            expr = Applied(f"sum({{}}, axis={_axes(term.summed)}{keep})", expr)
        return expr
    if term.kind == TRANSPOSED:
        if isinstance(gradient, Symbol) and "/" in gradient.text:  # (∂J/∂W1ᵀ)ᵀ, not ∂J/∂W1ᵀᵀ
            return Applied("({})ᵀ", gradient)
        return Applied("{}ᵀ", gradient, bare=False)
    assert term.kind == OTHER
    return Applied(f"{{}} through {op_of(child).name}", gradient, LOWEST, bare=False)


def _transposed(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a transposed matrix (last two axes swapped)."""
    return shape[:-2] + shape[-2:][::-1] if len(shape) >= 2 else shape


@dataclass(frozen=True)
class Equation:
    """symbol = expression for one node's gradient (`also` names it the long way, ∂J/∂Z1,
    when the symbol is a δ)."""

    node: Value
    symbol: str
    expression: Expr
    also: str = ""
    where: str = ""  # what a name the expression brings in stands for (Y, the labels one-hot)

    @property
    def left(self) -> str:
        """'δ1' or 'δ1 = ∂J/∂Z1'."""
        return f"{self.symbol} = {self.also}" if self.also else self.symbol

    @property
    def right(self) -> str:
        """The expression: '(δ2 · W2ᵀ) ⊙ A1 ⊙ (1 − A1)'."""
        return self.expression.render()

    @property
    def shapes(self) -> str:
        """The equation's dimension check: '4×3 = (4×1 · 1×3) ⊙ 4×3'."""
        return f"{shape_text(self.node.shape)} = {self.expression.render(shapes=True)}"

    @property
    def notes(self) -> list[str]:
        """The factors that cancelled in this equation."""
        return list(dict.fromkeys(self.expression.cancelled()))

    @property
    def remark(self) -> str:
        """What to read beside the equation: what cancelled, what a new name stands for."""
        parts = ([f"{'; '.join(self.notes)} cancels"] if self.notes else []) + (
            [self.where] if self.where else [])
        return f"({'; '.join(parts)})" if parts else ""

    def __str__(self) -> str:
        return f"{self.left} = {self.right}"


class MatrixForm:
    """The equations of a `MatrixChain`: `steps` one per node (root excluded), `folded` the
    course's form (∂J/∂W first, then each δ from the bottom up)."""

    def __init__(self, chain: MatrixChain) -> None:
        self.chain = chain
        self.deltas, self.moved = _deltas(chain)
        users = {step.node: len(chain.users(step.node)) for step in chain.steps}
        self.kept = {chain.wrt, *self.deltas,
                     *(node for node, count in users.items() if count > 1)} - {chain.root}
        self.steps = [Equation(step.node, self.symbol(step.node),
                               self._expression(step, self._reference),
                               self._long(step.node))
                      for step in chain.steps[1:]]
        folded: dict[Value, Expr] = {}
        where: dict[Value, str] = {}
        for step in chain.steps[1:]:
            folded[step.node] = self._expression(
                step, lambda child: self._reference(child) if child in self.kept
                else folded.get(child, ONE))
            if _after_softmax_cross_entropy(chain, step):
                logits = chain.names(step.node)
                folded[step.node] = Hadamard((Atom(f"softmax({logits}) − Y", step.node.shape),),
                                             ("n",), shape=step.node.shape)
                where[step.node] = "Y: the labels one-hot, Y[i, label i] = 1"
        self.folded = [Equation(step.node, self.symbol(step.node), folded[step.node],
                                self._long(step.node), where.get(step.node, ""))
                       for step in reversed(chain.steps[1:]) if step.node in self.kept]

    def symbol(self, node: Value) -> str:
        """δk for a layer's product, ∂J/∂name for any other node (1 for the root)."""
        if node is self.chain.root:
            return "1"
        return self.deltas.get(node) or self.chain.symbol(node)

    def _reference(self, child: Value) -> Expr:
        """∂J/∂child by its symbol (δ2), with its shape."""
        return Symbol(self.symbol(child), child.shape)

    def gradient_symbol(self, node: Value) -> str:
        """The symbol of ∂J/∂node, or of the δ it equals (a product under an added bias
        has the gradient of the sum: ∂J/∂(X·W1) is δ1)."""
        return self.symbol(self.moved.get(node, node))

    def _long(self, node: Value) -> str:
        """∂J/∂Z1 for a δ (its long name), '' for any other node."""
        return self.chain.symbol(node) if node in self.deltas else ""

    def _expression(self, step: Step, reference: Callable[[Value], Expr]) -> Expr:
        """∂J/∂node as the sum of its terms, each child's gradient given by `reference`."""
        terms = [term_expression(term, ONE if term.child is self.chain.root
                                 else reference(term.child)) for term in step.terms]
        return terms[0] if len(terms) == 1 else Total(tuple(terms))


def _deltas(chain: MatrixChain) -> tuple[dict[Value, str], dict[Value, Value]]:
    """δ names for the gradients of the products on the chain (each moved up through an
    added bias, so δ1 is ∂J/∂Z1 with Z1 = X·W1 + b1), numbered by their labels' digits when
    those tell them apart (Z1 → δ1), else from the input up. Also: each product moved up,
    with the node it was moved to."""
    found: list[Value] = []
    moved: dict[Value, Value] = {}
    for step in reversed(chain.steps):  # from wrt up: parents before children
        for term in step.terms:
            if _is_product(term.child):
                node = term.child
                while True:
                    above = chain.step_of(node).terms if node is not chain.root else ()
                    if not (len(above) == 1 and _adds_a_bias(above[0], node)
                            and above[0].child is not chain.root):
                        break
                    node = above[0].child
                if node is not term.child:
                    moved[term.child] = node
                if node not in found:
                    found.append(node)
    digits = [match.group(1) for node in found if (match := re.search(r"(\d+)$", node.label or ""))]
    if len(set(digits)) == len(found):  # every label ends in a number, each its own
        names = {node: f"δ{number}" for node, number in zip(found, digits, strict=True)}
    else:
        names = {node: f"δ{k}" for k, node in enumerate(found, 1)}
    return names, moved


def _adds_a_bias(term: Term, node: Value) -> bool:
    """True for a term of an addition node + b, where b is a parameter (a bias) and the sum
    has the node's shape: the sum's gradient is the node's."""
    child = term.child
    others = [parent for parent in child.parents if parent is not node]
    return (term.kind == ELEMENTWISE and term.factor == "1" and child.shape == node.shape
            and op_of(child).adds_up and len(others) == 1 and not others[0].parents
            and others[0].requires_grad)


def _is_product(node: Value) -> bool:
    """True for a node whose op multiplies matrices (matmul, affine), by its derivatives,
    or that adds a bias to such a product (X @ W1 + b1)."""
    op = op_of(node)
    if any(product_side(op.derivatives[i]) for i in range(len(node.parents))):
        return True
    if not (op.elementwise and op.adds_up and len(node.parents) == 2):
        return False
    first, second = node.parents
    for product, bias in ((first, second), (second, first)):
        if product.op is not None and _is_product(product) and bias.op is None and (
                bias.requires_grad):
            return True
    return False


def _after_softmax_cross_entropy(chain: MatrixChain, step: Step) -> bool:
    """True for the logits Z of a softmax cross-entropy averaged over n examples: one edge
    into log_softmax over the last axis, whose gradient is −Y/n for a one-hot Y (what
    −log_softmax(Z)[range(n), labels], averaged, hands it), so ∂J/∂Z = (softmax(Z) − Y)/n,
    the course's form. Read from the numbers the op rules gave, so it is never claimed
    where it is not so."""
    if len(step.terms) != 1 or step.node.ndim != 2:
        return False
    child = step.terms[0].child
    if op_of(child).name != "log_softmax" or child is chain.root or (
            (child.attrs or {}).get("axis", -1) not in (-1, 1)):
        return False
    one_hot = -np.asarray(chain.step_of(child).value, dtype=float) * child.shape[0]
    rounded = np.round(one_hot)
    return bool(np.allclose(one_hot, rounded, rtol=0, atol=1e-9)
                and np.isin(rounded, (0, 1)).all() and (rounded.sum(axis=1) == 1).all())
