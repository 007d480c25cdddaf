"""Constants PyTorch did not save, recovered exactly from the result they produced.

An addition needs neither operand for its gradient, so for `pred - y` or `1 - p` PyTorch
keeps no copy of `y` or of 1. The node's result is known (a later node saved it, or it is
the loss itself), so the constant is out − a, up to rounding. Among the numbers that
round-trip, the shortest decimal is taken, element by element, when it reproduces
PyTorch's result bit for bit: 1.0 comes back as 1.0, not 0.9999999999999999.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

MAX_DIGITS = 17
"""Significant digits that tell any two float64 numbers apart."""


def recover(candidate: Any, combine: Callable[[Any], Any], out: np.ndarray) -> Any:
    """The constant c with combine(c) == out, starting from the estimate `candidate`.

    Each element takes the shortest rounding of its estimate that reproduces `out` exactly
    (the estimate itself where none does). A constant whose elements are all equal comes
    back as one Python number (numpy treats it as weakly typed: float32 stays float32).
    """
    estimate = np.broadcast_to(np.asarray(candidate, dtype=np.float64), out.shape)
    best = np.array(estimate, dtype=np.float64)
    open_ = np.ones(out.shape, dtype=bool)
    for digits in range(1, MAX_DIGITS + 1):
        rounded = _round_significant(estimate, digits)
        with np.errstate(all="ignore"):
            reproduced = np.broadcast_to(np.asarray(combine(rounded.astype(out.dtype))),
                                         out.shape)
        hits = open_ & (reproduced == out)
        best[hits] = rounded[hits]
        open_ &= ~hits
        if not open_.any():
            break
    result = best.astype(out.dtype)
    if result.size and np.all(result == result.flat[0]):
        return float(result.flat[0])
    return result


def _round_significant(x: np.ndarray, digits: int) -> np.ndarray:
    """Every element rounded to `digits` significant decimal digits."""
    values, positions = np.unique(x, return_inverse=True)
    rounded = np.array([float(f"{value:.{digits - 1}e}") if np.isfinite(value) else value
                        for value in values])
    return rounded[positions].reshape(x.shape)
