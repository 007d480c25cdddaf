"""What every implementation of a workload provides to the runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Implementation:
    """One library's version of a workload, built on the problem's starting weights.

    `gradients()` runs forward and backward from the current weights without changing them
    and returns {"loss": …, "W1": …, …} as floats and numpy arrays; `step()` is the timed
    unit of work (a training step: forward, backward, SGD update; for the deep chain,
    forward and backward). `nodes()`, when given, counts the nodes of one step's graph.
    `explain_failure(error)`, when given, adds what is known about an expected failure.
    `traced_memory` is False for a library whose memory tracemalloc does not see.
    """

    gradients: Callable[[], dict[str, Any]]
    step: Callable[[], object]
    nodes: Callable[[], int] | None = None
    explain_failure: Callable[[Exception], str] | None = None
    traced_memory: bool = True
