"""Work that runs beside the tests, in processes of their own started as soon as the tests
are collected (conftest.py): the notebooks, the stories, and commands (commands.py: the
README's blocks, the command line's demo, the examples run as scripts).

Each such process writes one file per result into a folder of its own (<name>.<suffix>
when done, <name>.error with what stopped it, each atomically), and a test reads its file,
waiting for it if needed. The processes run at a lower priority than the test process:
the test process is the suite's critical path (its tests run one after another), and the
work beside it fills the other core, and the first one whenever the tests wait.

    python tests/beside.py SCRIPT ARGUMENT…     (SCRIPT run as __main__, at lower priority)
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NICENESS = 10
"""How much lower the work beside the tests runs (Unix niceness; a no-op elsewhere)."""


class Beside:
    """A script running beside the tests, at a lower priority; its results are files in
    `folder`, its output goes to folder/run.log."""

    def __init__(self, what: str, script: Path, arguments: list[str],
                 files: dict[str, str] | None = None) -> None:
        """Start `script` with `arguments`, in which "{folder}" is the results' folder,
        once `files` (name → text) are written there."""
        self.what = what
        self.folder = Path(tempfile.mkdtemp(prefix=f"tinygrad_sym-{what}-"))
        for name, text in (files or {}).items():
            (self.folder / name).write_text(text, encoding="utf-8")
        self.log = (self.folder / "run.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), str(script),
             *(argument.replace("{folder}", str(self.folder)) for argument in arguments)],
            stdout=self.log, stderr=subprocess.STDOUT)

    def result(self, name: str, suffix: str) -> Path:
        """folder/<name>.<suffix> once written; raise what stopped it (the .error file's
        text, or the log of a process that ended without it)."""
        done, error = self.folder / f"{name}.{suffix}", self.folder / f"{name}.error"
        while not (done.exists() or error.exists()):
            if self.process.poll() is not None and not (done.exists() or error.exists()):
                raise AssertionError(f"the {self.what} process ended without {name}: "
                                     f"{(self.folder / 'run.log').read_text()[-3000:]}")
            time.sleep(0.05)
        if error.exists():
            raise AssertionError(
                f"{self.what}: {name} failed:\n{error.read_text(encoding='utf-8')}")
        return done

    def stop(self) -> None:
        """End the process if it still runs; remove its files."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` so that a reader never sees it half written."""
    temporary = path.with_name(f".{path.name}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


if __name__ == "__main__":
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    sys.argv = sys.argv[1:]
    sys.path[0] = str(Path(sys.argv[0]).resolve().parent)  # as `python SCRIPT` would have it
    runpy.run_path(sys.argv[0], run_name="__main__")
