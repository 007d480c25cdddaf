"""`explain(J, W1)` for a tensor W1: the chain rule in matrix form, checked against backward.

The scalar explainer lists paths of scalars; a tensor net has one node per layer, so its
explanation is the course's vectorised one: ∂J/∂W1 = Xᵀ · δ1, δ1 = (δ2 · W2ᵀ) ⊙ A1 ⊙
(1 − A1), δ2 = (A2 − y)/n, each step with the shapes of its factors and its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..autograd import grad
from ..value import Value
from .display import ShowsAsText
from .factor import DIGITS
from .matrix_chain import MatrixChain
from .matrix_form import MatrixForm
from .matrix_text import derivation
from .naming import Names

REL_TOL = 1e-9
"""The matrix form agrees with backward when every entry does to this relative tolerance
(of the gradient's largest entry), or to 64 roundings of a lower precision (float32)."""


def tolerance(values: np.ndarray) -> float:
    """The relative tolerance of a comparison of numbers of `values`' dtype."""
    return max(REL_TOL, 64 * float(np.finfo(np.result_type(values, np.float16)).eps)
               if np.result_type(values).kind == "f" else REL_TOL)


@dataclass(frozen=True, eq=False, repr=False)
class MatrixExplanation(ShowsAsText):
    """∂root/∂wrt for a tensor `wrt`, as the matrix-form chain rule.

    `chain` holds every node between the root and `wrt` with its gradient, term by term
    (`chain.steps`); `form` writes them as equations, step by step (`form.steps`) and in
    the course's folded form (`form.folded`). `total` is ∂root/∂wrt by these steps,
    `backward_grad` what backpropagation gives.
    """

    root: Value
    wrt: Value
    chain: MatrixChain = field(repr=False)
    form: MatrixForm = field(repr=False)
    total: np.ndarray
    backward_grad: np.ndarray
    digits: int = DIGITS

    @property
    def name(self) -> str:
        """The derivative explained, e.g. ∂J/∂W1."""
        return self.chain.symbol(self.wrt)

    def name_of(self, node: Value) -> str:
        """The node's name in this explanation (unlabeled results may be called u1, u2…)."""
        return self.chain.names(node)

    @property
    def largest_difference(self) -> float:
        """The largest |entry of total − entry of backward's gradient|."""
        difference = np.abs(np.asarray(self.total) - np.asarray(self.backward_grad))
        return float(difference.max()) if difference.size else 0.0

    @property
    def agrees(self) -> bool:
        """True when the matrix form equals backpropagation's gradient (up to rounding)."""
        scale = float(np.abs(self.backward_grad).max()) if np.size(self.backward_grad) else 0.0
        return self.largest_difference <= tolerance(self.backward_grad) * scale + 1e-300

    @property
    def nodes(self) -> list[Value]:
        """Every node between the root and `wrt` (for highlighting), the root first."""
        return [step.node for step in self.chain.steps]

    @property
    def edges(self) -> list[tuple[Value, int]]:
        """Every graph edge (child, operand index) on the way from the root to `wrt`."""
        return [(term.child, term.index) for step in self.chain.steps for term in step.terms]

    def __str__(self) -> str:
        return "\n".join(derivation(self))

    def summary(self) -> str:
        """'<MatrixExplanation ∂J/∂W1 (2×3): 3 steps, agrees with backward; …>'."""
        shape = "×".join(map(str, np.shape(self.total))) or "scalar"
        steps = len(self.chain.steps)
        check = "agrees with backward" if self.agrees else "DISAGREES with backward"
        return (f"<MatrixExplanation {self.name} ({shape}): {steps} step"
                f"{'s' * (steps != 1)}, {check}; print() it for the matrix form>")


def explain_matrix(root: Value, wrt: Value, digits: int = DIGITS,
                   names: Names | None = None) -> MatrixExplanation:
    """Explain ∂root/∂wrt for a scalar root and a tensor `wrt` in matrix form."""
    chain = MatrixChain(root, wrt, names or Names(root))
    return MatrixExplanation(root, wrt, chain, MatrixForm(chain), chain.total,
                             np.asarray(grad(root, wrt)), digits)
