"""The chain-rule explainer: ∂J/∂w as a sum over paths of products of local derivatives.

    explanation = ts.explain(J, w1)       # paths, factors, products, total
    print(explanation)                    # the derivation, checked against backward
    print(ts.compare(J, w1, w3))          # which factors make ∂J/∂w1 and ∂J/∂w3 differ
    print(ts.nudge(J, w1))                # forward mode: nudge w1 by ε, follow it up to J

For a tensor net, the same calls speak matrices: `ts.explain(J, W1)` gives the matrix form
(∂J/∂W1 = Xᵀ · δ1, …), `ts.explain(J, W1, entry=(0, 1))` ties one entry to the scalar
twin's w3, and `ts.compare(J, W1[:, 0], W1[:, 1])` compares two units column by column.
"""

from .alignment import FactorPair, PathPair, align
from .comparison import Comparison, compare
from .entry import EntryExplanation
from .explanation import Explanation, explain
from .factor import Factor
from .matrix_explanation import MatrixExplanation
from .naming import Names
from .nudging import Nudge, nudge
from .part_comparison import PartComparison
from .paths import NodeGradient, Path

__all__ = [
    "Comparison",
    "EntryExplanation",
    "Explanation",
    "Factor",
    "FactorPair",
    "MatrixExplanation",
    "Names",
    "NodeGradient",
    "Nudge",
    "PartComparison",
    "Path",
    "PathPair",
    "align",
    "compare",
    "explain",
    "nudge",
]
