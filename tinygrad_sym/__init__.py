"""tinygrad_sym: an autodiff engine that makes backpropagation visible and checkable.

    import tinygrad_sym as ts
    w = ts.Value(0.5, label="w1")
    loss = (w * 3.0 - 1.0) ** 2
    loss.backward()
    w.grad  # 3.0
"""

import importlib
from typing import Any

from . import datasets, nn, ops, testing
from .autograd import backward, grad
from .errors import AnomalyError, GradcheckError, ShapeError
from .explainer import compare, explain
from .explorer import explore, film, to_json
from .formulas import local_derivative
from .modes import detect_anomaly, no_grad
from .seeding import manual_seed
from .value import Value, affine, concatenate, stack, topological_order, weighted_sum
from .version import __version__


def __getattr__(name: str) -> Any:
    """`ts.draw` and `ts.viz`, imported on first use: the engine, nn and the explainer work
    without the graphviz package; only drawing needs it."""
    if name not in ("draw", "viz"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        viz = importlib.import_module(".viz", __name__)
    except ModuleNotFoundError as error:
        if error.name != "graphviz":
            raise
        raise ImportError("ts.draw needs the graphviz Python package (a dependency of "
                          "tinygrad_sym): pip install graphviz") from error
    globals()["draw"] = viz.draw  # later look-ups find it directly
    return viz.draw if name == "draw" else viz


__all__ = [
    "AnomalyError",
    "GradcheckError",
    "ShapeError",
    "Value",
    "__version__",
    "affine",
    "backward",
    "compare",
    "concatenate",
    "datasets",
    "detect_anomaly",
    "draw",
    "explain",
    "explore",
    "film",
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
