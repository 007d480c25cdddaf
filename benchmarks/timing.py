"""Side-by-side timing: warm up, then interleave the candidates round after round.

Each round times every candidate once (in a rotating order), so a burst of load from
another process on this shared machine hits all of them alike; the median over rounds
is reported, with the interquartile spread as a measure of the noise.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Timing:
    """Seconds per call: every round's figure, their median and relative spread."""

    samples: list[float]
    calls_per_sample: int

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """The interquartile range over the median: 0.05 means the middle half lie within 5 %."""
        if len(self.samples) < 4:
            return (max(self.samples) - min(self.samples)) / self.median
        quartiles = statistics.quantiles(self.samples, n=4)
        return (quartiles[2] - quartiles[0]) / self.median


def _time_calls(function: Callable[[], object], calls: int) -> float:
    """Seconds per call over `calls` back-to-back calls, after collecting old garbage."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def time_side_by_side(
    candidates: dict[str, Callable[[], object]],
    rounds: int,
    min_sample_seconds: float = 0.05,
    warmup_seconds: float = 0.1,
) -> dict[str, Timing]:
    """Median seconds per call of each candidate, measured in interleaved rounds.

    Fast candidates are called several times per sample (at least `min_sample_seconds`
    of work), so timer resolution does not matter. Objects alive before timing (every
    library's modules, the problems) are frozen out of the garbage collector's scans
    (`gc.freeze`), so that a collection triggered by one library's allocations does not
    walk the other libraries' objects, as it would not if each ran in its own process.
    """
    gc.collect()
    gc.freeze()
    try:
        return _interleaved(candidates, rounds, min_sample_seconds, warmup_seconds)
    finally:
        gc.unfreeze()


def _interleaved(
    candidates: dict[str, Callable[[], object]],
    rounds: int,
    min_sample_seconds: float,
    warmup_seconds: float,
) -> dict[str, Timing]:
    calls: dict[str, int] = {}
    for name, function in candidates.items():
        per_call = _time_calls(function, 1)  # the first call warms up caches and allocators
        if per_call < warmup_seconds:
            per_call = _time_calls(function, min(1000, int(warmup_seconds / max(per_call, 1e-9))))
        calls[name] = max(1, math.ceil(min_sample_seconds / max(per_call, 1e-9)))
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    names = list(candidates)
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_time_calls(candidates[name], calls[name]))
    return {name: Timing(samples[name], calls[name]) for name in names}


def without_gc(function: Callable[[], object]) -> Callable[[], object]:
    """`function` run with the garbage collector off (as `timeit` runs everything)."""

    def call() -> object:
        gc.disable()
        try:
            return function()
        finally:
            gc.enable()

    return call


def peak_memory(function: Callable[[], object]) -> int:
    """Peak bytes allocated by one call, as tracemalloc sees them (numpy arrays included;
    memory a library allocates outside Python's and numpy's allocators is not seen)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
