"""The chain-rule explainer: ∂J/∂w as a sum over paths of products of local derivatives.

    explanation = ts.explain(J, w1)       # paths, factors, products, total
    print(explanation)                    # the derivation, checked against backward
    print(ts.compare(J, w1, w3))          # which factors make ∂J/∂w1 and ∂J/∂w3 differ
    print(ts.nudge(J, w1))                # forward mode: nudge w1 by ε, follow it up to J
"""

from .alignment import FactorPair, PathPair, align
from .comparison import Comparison, compare
from .explanation import Explanation, explain
from .factor import Factor
from .naming import Names
from .nudging import Nudge, nudge
from .paths import NodeGradient, Path

__all__ = [
    "Comparison",
    "Explanation",
    "Factor",
    "FactorPair",
    "Names",
    "NodeGradient",
    "Nudge",
    "Path",
    "PathPair",
    "align",
    "compare",
    "explain",
    "nudge",
]
