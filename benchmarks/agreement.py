"""Before anything is timed: does an implementation compute the same gradients as ours?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Agreement:
    """Whether two sets of gradients agree, and the worst relative difference found."""

    agrees: bool
    worst: float
    detail: str


ROUND_OFF_FLOOR = 1e-3


def tolerance(dtype: np.dtype) -> float:
    """Relative tolerance: float32 sums of ~1,000 terms differ by order of operations."""
    return 2e-3 if np.dtype(dtype) == np.float32 else 1e-6


def compare(ours: dict[str, Any], theirs: dict[str, Any], rtol: float) -> Agreement:
    """Compare every entry (loss and each parameter's gradient) of two results.

    An entry agrees when |theirs − ours| ≤ rtol · (|ours| + scale): relative, with an
    absolute floor `scale`, the largest |ours| over the entry (or, for an entry that is
    zero up to round-off, such as a sum that cancels, `ROUND_OFF_FLOOR` times the largest
    gradient of all), so that round-off alone never fails the check.
    """
    missing = sorted(set(ours) ^ set(theirs))
    if missing:
        return Agreement(False, float("inf"), f"different entries: {', '.join(missing)}")
    worst, worst_name = 0.0, ""
    overall = max(float(np.max(np.abs(v), initial=0.0)) for n, v in ours.items() if n != "loss")
    for name, expected in ours.items():
        expected = np.asarray(expected, dtype=np.float64)
        actual = np.asarray(theirs[name], dtype=np.float64)
        if actual.shape != expected.shape:
            return Agreement(
                False, float("inf"), f"{name}: shape {actual.shape}, ours {expected.shape}"
            )
        floor = 0.0 if name == "loss" else ROUND_OFF_FLOOR * overall
        scale = max(float(np.max(np.abs(expected), initial=0.0)), floor)
        error = np.abs(actual - expected) / (np.abs(expected) + scale + 1e-300)
        finite = np.all(np.isfinite(actual)) and np.all(np.isfinite(expected))
        error_max = float(np.max(error, initial=0.0)) if finite else float("inf")
        if error_max > worst or not worst_name:
            worst, worst_name = error_max, name
    agrees = worst <= rtol
    verdict = "agrees" if agrees else "DISAGREES"
    detail = f"{verdict}: worst relative difference {worst:.1e} ({worst_name})"
    return Agreement(agrees, worst, detail)
