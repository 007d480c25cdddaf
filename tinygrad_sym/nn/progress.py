"""A one-line progress bar for training loops, drawn only on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """`epoch 120/500 [#####.........] J 0.1234`, redrawn at most ten times a second.

    Silent when `enabled` is False or the stream is not a terminal (logs, pipes, notebooks
    that capture output), so scripts and tests print nothing extra.
    """

    def __init__(self, total: int, enabled: bool = True, stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.total, self.width = total, width
        self.last_draw = 0.0

    def update(self, count: int, text: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last_draw < 0.1 and count < self.total:
            return
        self.last_draw = now
        filled = self.width * count // max(self.total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\repoch {count}/{self.total} [{bar}] {text}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
