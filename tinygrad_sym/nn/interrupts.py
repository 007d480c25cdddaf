"""Ctrl-C held back for a moment, so that an update of several parameters happens whole.

A KeyboardInterrupt can arrive between any two Python instructions. Inside
`deferred_interrupts()` a SIGINT is only noted; it is raised when the block ends, so an
optimizer step or a `load_state_dict` never leaves one layer a step ahead of another.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold back SIGINT (Ctrl-C) until the block ends, then deliver it to the handler that
    was installed before (by default: raise KeyboardInterrupt).

    Only the main thread receives signals, so elsewhere (and when SIGINT is ignored or left
    to the system) the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        yield
        return
    received: list[tuple[int, FrameType | None]] = []
    signal.signal(signal.SIGINT, lambda number, frame: received.append((number, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            previous(*received[0])
