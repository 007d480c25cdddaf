"""Tools to check gradients: `gradcheck`, `gradgradcheck`, and hypothesis `strategies`.

`strategies` needs hypothesis (the `test` extra: `pip install tinygrad_sym[test]`) and is
imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import GradcheckError
from .gradcheck import gradcheck, gradgradcheck

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck", "strategies"]


def __getattr__(name: str) -> Any:
    """`strategies`, imported on first use (it needs hypothesis)."""
    if name == "strategies":
        return importlib.import_module(".strategies", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
