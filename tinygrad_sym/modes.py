"""The engine's switches, in one place: grad mode (per thread) and anomaly mode (per process).

    with ts.no_grad():          # record no graph in this thread: updates, evaluation
        ...
    with ts.detect_anomaly():   # raise at the first op that produces NaN or inf
        ...

Grad mode is thread-local, as in PyTorch: a thread evaluating a model under `no_grad()`
never stops another thread's training from recording its graph.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class ThreadModes(threading.local):
    """Switches each thread sets for itself; every thread starts with the class defaults."""

    grad_enabled = True
    """Whether ops record the graph (off inside `no_grad()`)."""


class ProcessModes:
    """Switches shared by every thread (like PyTorch's anomaly mode)."""

    detect_anomaly = False
    """Whether an op that produces NaN or inf raises `AnomalyError` at once."""


local = ThreadModes()
shared = ProcessModes()


@contextmanager
def set_grad_enabled(enabled: bool) -> Iterator[None]:
    """Inside this block (in this thread) ops record the graph if `enabled`, else not."""
    previous, local.grad_enabled = local.grad_enabled, enabled
    try:
        yield
    finally:
        local.grad_enabled = previous


def no_grad() -> Any:
    """Inside this block (in this thread) ops record no graph: for updates, evaluation,
    inference. Also usable as a decorator."""
    return set_grad_enabled(False)


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside this block an op that produces NaN or inf raises `AnomalyError` at once,
    naming the op and its inputs, instead of letting the NaN spread silently.

    Process-wide (as PyTorch's anomaly mode): it applies to every thread while it is on.
    """
    previous, shared.detect_anomaly = shared.detect_anomaly, True
    try:
        yield
    finally:
        shared.detect_anomaly = previous
