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
    """Switches shared by every thread (like PyTorch's anomaly mode). They are set on the
    instance, not the class: every recorded op reads them, and an instance's own
    attribute is the faster read."""

    detect_anomaly: bool
    """Whether an op that produces NaN or inf raises `AnomalyError` at once."""

    no_grad_blocks: int
    """How many `set_grad_enabled(False)` blocks are open now, in all threads. While there
    are none, every thread records, and recording an op skips reading its thread's own
    switch (a thread-local read costs more than the rest of the check; turn grad mode off
    with `no_grad()` or `set_grad_enabled`, never by writing `local.grad_enabled`)."""

    def __init__(self) -> None:
        self.detect_anomaly = False
        self.no_grad_blocks = 0


local = ThreadModes()
shared = ProcessModes()


_counting = threading.Lock()  # held while `shared.no_grad_blocks` changes


@contextmanager
def set_grad_enabled(enabled: bool) -> Iterator[None]:
    """Inside this block (in this thread) ops record the graph if `enabled`, else not."""
    if not enabled:
        with _counting:
            shared.no_grad_blocks += 1
    previous, local.grad_enabled = local.grad_enabled, enabled
    try:
        yield
    finally:
        local.grad_enabled = previous
        if not enabled:
            with _counting:
                shared.no_grad_blocks -= 1


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
