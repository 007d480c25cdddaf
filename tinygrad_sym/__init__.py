"""tinygrad_sym: an autodiff engine that makes backpropagation visible and checkable.

    import tinygrad_sym as ts
    w = ts.Value(0.5, label="w1")
    loss = (w * 3.0 - 1.0) ** 2
    loss.backward()
    w.grad  # 3.0
"""

from . import bridge, datasets, functions, nn, ops, testing
from .autograd import backward, grad
from .bridge import from_torch
from .custom import CustomOp, custom_op
from .errors import AnomalyError, GradcheckError, ModelFileError, ShapeError, StaleGraphError
from .explainer import compare, explain, nudge
from .explorer import explore, film, to_json
from .formulas import local_derivative
from .forward import hessian, jacobian, jvp, tangents
from .modes import detect_anomaly, no_grad
from .seeding import manual_seed
from .value import Value, affine, concatenate, stack, topological_order, weighted_sum
from .viz import draw

__all__ = [
    "AnomalyError",
    "CustomOp",
    "GradcheckError",
    "ModelFileError",
    "ShapeError",
    "StaleGraphError",
    "Value",
    "affine",
    "backward",
    "bridge",
    "compare",
    "concatenate",
    "custom_op",
    "datasets",
    "detect_anomaly",
    "draw",
    "explain",
    "explore",
    "film",
    "from_torch",
    "functions",
    "grad",
    "hessian",
    "jacobian",
    "jvp",
    "local_derivative",
    "manual_seed",
    "nn",
    "no_grad",
    "nudge",
    "ops",
    "stack",
    "tangents",
    "testing",
    "to_json",
    "topological_order",
    "weighted_sum",
]
