"""Ctrl-C held back for a moment, so that an update of several parameters happens whole.

A KeyboardInterrupt can arrive between any two Python instructions. Inside
`deferred_interrupts()` a SIGINT is only noted; it is raised when the block ends, so an
optimizer step or a `load_state_dict` never leaves one layer a step ahead of another.
"""

from __future__ import annotations

# The C functions under the `signal` module: its wrappers turn every handler into an enum
# (an exception raised and caught each time), ten times the cost, paid on every optimizer step.
import _signal  # type: ignore[import-not-found]  # (no stubs for the C module)
from signal import SIGINT
from types import FrameType
from typing import Any


class _Deferral:
    """The context of `deferred_interrupts()`: installs a handler that notes SIGINT, puts
    the previous handler back on leaving and calls it with the signal noted, if any."""

    __slots__ = ("previous", "received")

    def __init__(self) -> None:
        self.previous: Any = None
        self.received: list[tuple[int, FrameType | None]] = []

    def note(self, number: int, frame: FrameType | None) -> None:
        self.received.append((number, frame))

    def __enter__(self) -> None:
        # A SIGINT ignored or left to the system (not a Python callable) is not ours to hold
        # back; only the main thread receives signals (elsewhere signal() says so: ValueError).
        previous = _signal.getsignal(SIGINT)
        if callable(previous):
            try:
                _signal.signal(SIGINT, self.note)
            except ValueError:  # not the main thread
                return
            self.previous = previous

    def __exit__(self, *exception: object) -> None:
        previous = self.previous
        if previous is None:
            return
        _signal.signal(SIGINT, previous)
        if self.received:
            previous(*self.received[0])


def deferred_interrupts() -> _Deferral:
    """Hold back SIGINT (Ctrl-C) until the `with` block ends, then deliver it to the handler
    that was installed before (by default: raise KeyboardInterrupt).

    Only the main thread receives signals, so elsewhere (and when SIGINT is ignored or left
    to the system) the block runs as it is.
    """
    return _Deferral()
