"""Constants PyTorch did not save, recovered exactly from the result they produced.

An addition needs neither operand for its gradient, so for `pred - y` or `1 - p` PyTorch
keeps no copy of `y` or of 1. The node's result is known (a later node saved it, or it is
the loss itself), so the constant is out − a, up to rounding. Element by element, the
shortest decimal is taken that reproduces PyTorch's result bit for bit: 1.0 comes back as
1.0, not 0.9999999999999999. When the result is only estimated (from the output of a
later exp, sigmoid, tanh, sqrt or 1/x, inverted), "reproduces" means to within a few
units in the last place of the estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

MAX_DIGITS = 17
"""Significant digits that tell any two float64 numbers apart."""

ULPS = 4
"""How far (units in the last place) an estimated result may be from what a constant gives."""


def recover(candidate: Any, combine: Callable[[Any], Any], out: np.ndarray,
            exact: bool = True) -> Any:
    """The constant c with combine(c) == out, starting from the estimate `candidate`.

    Each element takes the shortest rounding of its estimate that reproduces `out` exactly
    (`exact=False`, for an estimated `out`: to within ULPS units in its last place), or the
    estimate itself where none does. A constant whose elements are all equal comes back
    as one Python number (numpy treats it as weakly typed: float32 stays float32).
    """
    estimate = np.broadcast_to(np.asarray(candidate, dtype=np.float64), out.shape)
    best = np.array(estimate, dtype=np.float64)
    open_ = np.ones(out.shape, dtype=bool)
    for digits in range(1, MAX_DIGITS + 1):
        rounded = _round_significant(estimate, digits)
        with np.errstate(all="ignore"):
            reproduced = np.broadcast_to(np.asarray(combine(rounded.astype(out.dtype))),
                                         out.shape)
        close = (reproduced == out) if exact else (
            np.abs(reproduced - out) <= ULPS * np.spacing(np.abs(out)))
        hits = open_ & close
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
