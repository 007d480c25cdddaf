"""Files written completely or not at all: the pictures `draw` writes, the explorer's pages,
the models `save` writes.

The content goes to a new hidden file in the target's directory, which then replaces the
target with one atomic `os.replace`: a reader sees the old file or the new one, never half
of one, and a failure (a full disk, an error while producing the content) leaves the
target as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_atomically(path: Path, content: bytes) -> None:
    """Create or replace `path` (and its folder) with `content`, complete or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = _new_file_beside(path)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _new_file_beside(path: Path) -> tuple[int, Path]:
    """A new, uniquely named hidden file in `path`'s directory, opened for writing, with
    the permissions any new file gets (0o666 less the umask, unlike tempfile's 0o600)."""
    while True:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temporary
        except FileExistsError:
            continue
