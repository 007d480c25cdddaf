"""Tools to check derivatives: `gradcheck`, `gradgradcheck`, `jvpcheck`, `check_op` (every
rule of an op), and hypothesis `strategies`.

`strategies` and `check_op` need hypothesis (a test dependency): imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import GradcheckError
from .gradcheck import gradcheck, gradgradcheck, jvpcheck

__all__ = ["GradcheckError", "check_op", "gradcheck", "gradgradcheck", "jvpcheck", "strategies"]


def __getattr__(name: str) -> Any:
    if name == "strategies":
        return importlib.import_module(".strategies", __name__)
    if name == "check_op":
        return importlib.import_module(".op_check", __name__).check_op
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
