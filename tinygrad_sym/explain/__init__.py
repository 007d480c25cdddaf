"""The chain-rule explainer: ∂J/∂w as a sum over paths of products of local derivatives.

    explanation = ts.explain(J, w1)       # paths, factors, products, total
    print(explanation)                    # the derivation, checked against backward
    print(ts.compare(J, w1, w3))          # which factors make ∂J/∂w1 and ∂J/∂w3 differ
"""

from .alignment import FactorPair, PathPair
from .compare import Comparison, compare
from .demo import demo_net, explain_cli
from .explanation import Explanation, explain
from .factor import Factor
from .naming import Names
from .paths import NodeGradient, Path

__all__ = [
    "Comparison",
    "Explanation",
    "Factor",
    "FactorPair",
    "Names",
    "NodeGradient",
    "Path",
    "PathPair",
    "compare",
    "demo_net",
    "explain",
    "explain_cli",
]
