"""tinygrad_sym: an autodiff engine that makes backpropagation visible and checkable.

    import tinygrad_sym as ts
    w = ts.Value(0.5, label="w1")
    loss = (w * 3.0 - 1.0) ** 2
    loss.backward()
    w.grad  # 3.0
"""

import importlib
from typing import Any

from . import bridge, datasets, functions, nn, ops, testing
from .autograd import backward, grad
from .bridge import from_torch
from .custom import CustomOp, custom_op
from .errors import AnomalyError, GradcheckError, ModelFileError, ShapeError, StaleGraphError
from .explainer import compare, explain, nudge
from .formulas import local_derivative
from .forward import hessian, jacobian, jvp, tangents
from .modes import detect_anomaly, no_grad
from .seeding import manual_seed
from .value import Value, affine, concatenate, stack, topological_order, weighted_sum
from .version import __version__

LAZY = {"draw": ".viz", "viz": ".viz", "explore": ".explorer", "film": ".explorer",
        "to_json": ".explorer", "explorer": ".explorer"}
"""Names imported on first use: the renderer and the page need the graphviz package, the
engine, `nn` and the explainer do not."""


def __getattr__(name: str) -> Any:
    """`ts.draw`, `ts.explore`, `ts.film`, `ts.to_json` (and their modules), imported on
    first use, so `import tinygrad_sym` works without the graphviz package."""
    if name not in LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        module = importlib.import_module(LAZY[name], __name__)
    except ModuleNotFoundError as error:
        if error.name != "graphviz":
            raise
        raise ImportError(f"ts.{name} needs the graphviz Python package (a dependency of "
                          "tinygrad_sym): pip install graphviz") from error
    value = module if name in ("viz", "explorer") else getattr(module, name)
    globals()[name] = value  # later look-ups find it directly
    return value


__all__ = [
    "AnomalyError",
    "CustomOp",
    "GradcheckError",
    "ModelFileError",
    "ShapeError",
    "StaleGraphError",
    "Value",
    "__version__",
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
