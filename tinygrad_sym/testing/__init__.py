"""Tools to check derivatives: `gradcheck`, `gradgradcheck`, `jvpcheck`, `check_op` (every
rule of an op), and hypothesis `strategies`.

`strategies` and `check_op` need hypothesis (the `test` extra: `pip install
tinygrad_sym[test]`): imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import GradcheckError
from .gradcheck import gradcheck, gradgradcheck, jvpcheck

__all__ = ["GradcheckError", "check_op", "gradcheck", "gradgradcheck", "jvpcheck", "strategies"]


def __getattr__(name: str) -> Any:
    """`strategies` and `check_op`, imported on first use (they need hypothesis)."""
    modules = {"strategies": ".strategies", "check_op": ".op_check"}
    if name in modules:
        try:
            module = importlib.import_module(modules[name], __name__)
        except ModuleNotFoundError as error:
            if error.name != "hypothesis":
                raise
            raise ImportError(f"tinygrad_sym.testing.{name} needs hypothesis, which comes with "
                              "the test extra: pip install tinygrad_sym[test]",
                              name="hypothesis") from error
        return module if name == "strategies" else module.check_op
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
