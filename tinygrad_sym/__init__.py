"""tinygrad_sym: an autodiff engine that makes backpropagation visible and checkable.

    import tinygrad_sym as ts
    w = ts.Value(0.5, label="w1")
    loss = (w * 3.0 - 1.0) ** 2
    loss.backward()
    w.grad  # 3.0
"""

from . import bridge, datasets, nn, ops, testing
from .autograd import backward, grad
from .bridge import from_torch
from .errors import AnomalyError, GradcheckError, ShapeError
from .explainer import compare, explain
from .explorer import explore, film, to_json
from .formulas import local_derivative
from .modes import detect_anomaly, no_grad
from .seeding import manual_seed
from .value import Value, affine, concatenate, stack, topological_order, weighted_sum
from .viz import draw

__all__ = [
    "AnomalyError",
    "GradcheckError",
    "ShapeError",
    "Value",
    "affine",
    "backward",
    "bridge",
    "compare",
    "concatenate",
    "datasets",
    "detect_anomaly",
    "draw",
    "explain",
    "explore",
    "film",
    "from_torch",
    "grad",
    "local_derivative",
    "manual_seed",
    "nn",
    "no_grad",
    "ops",
    "stack",
    "testing",
    "to_json",
    "topological_order",
    "weighted_sum",
]
