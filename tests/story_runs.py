"""The stories, each run once per test session, in a process of their own beside the tests.

tests/test_stories.py re-checks every story's claims from its trained numbers. Training the
stories is the largest share of the test process's work, so they run in a process of their
own, started as soon as the tests are collected (conftest.py): each result is pickled into
a folder, and a story's fixture reads it (waiting for it if needed). The numbers are the
same as in the test process (a pickle keeps every float and array exactly). A story whose
process was not started (a test picked out with -p no:…, say) runs in the test process.

    python tests/story_runs.py FOLDER coffee symmetry …     (what conftest.py starts)
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

SWEEP_SEEDS = (0, 1, 6, 7, 17, 20, 31)
"""Seeds of the blobs sweep re-run for the tests: four-corner runs, both similar-lines runs
(17, 20) and shared-corner runs (6, 7, 31), as the full 40-seed story finds them."""

RUNS: dict[str, dict[str, Any]] = {
    "coffee": {}, "symmetry": {}, "zero_init": {}, "seeds": {}, "blobs": {}, "asymmetry": {},
    "minima": {}, "seed_vs_tie": {}, "blobs_seeds": {"seeds": SWEEP_SEEDS},
    "width": {"seeds": (0,)}, "init_scale": {"seeds": (0,)},
}
"""Each story the tests re-check, with the options it runs with (quietly, no figures)."""


def run(name: str) -> Any:
    """Run the story `name` here, quietly and without figures."""
    from tinygrad_sym import stories

    return getattr(stories, name).run(plots=False, verbose=False, **RUNS[name])


def run_into(folder: Path, names: list[str]) -> None:
    """Run the named stories in order, writing folder/<name>.pickle (the result) or
    folder/<name>.error (the traceback), each atomically."""
    for name in names:
        try:
            data, suffix = pickle.dumps(run(name)), "pickle"
        except Exception:  # the story's test reports it
            data, suffix = traceback.format_exc().encode(), "error"
        temporary = folder / f".{name}.{suffix}"
        temporary.write_bytes(data)
        os.replace(temporary, folder / f"{name}.{suffix}")


class StoryRuns:
    """The stories being run by this module, in a process of its own."""

    def __init__(self, names: list[str]) -> None:
        self.names = set(names)
        self.folder = Path(tempfile.mkdtemp(prefix="tinygrad_sym-stories-"))
        self.log = (self.folder / "run.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), str(self.folder), *names],
            stdout=self.log, stderr=subprocess.STDOUT)

    def result(self, name: str) -> Any:
        """The story's result, or raise what stopped it."""
        done, error = self.folder / f"{name}.pickle", self.folder / f"{name}.error"
        while not (done.exists() or error.exists()):
            if self.process.poll() is not None and not (done.exists() or error.exists()):
                raise AssertionError(f"the stories' process ended without {name}: "
                                     f"{(self.folder / 'run.log').read_text()[-3000:]}")
            time.sleep(0.05)
        if error.exists():
            raise AssertionError(f"the story {name} failed:\n{error.read_text()}")
        return pickle.loads(done.read_bytes())

    def stop(self) -> None:
        """End the process if it still runs; remove its files."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_RUNNING: list[StoryRuns] = []


def start(names: list[str]) -> None:
    """Start running the named stories beside the tests (conftest.py calls this as soon
    as the tests are collected), in the given order."""
    if not _RUNNING and names:
        _RUNNING.append(StoryRuns(names))


def result(name: str) -> Any:
    """The result of the story `name`: from the stories' process, or run here."""
    if _RUNNING and name in _RUNNING[0].names:
        return _RUNNING[0].result(name)
    return run(name)


def stop() -> None:
    """Stop and clean up what `start` started."""
    while _RUNNING:
        _RUNNING.pop().stop()


if __name__ == "__main__":
    run_into(Path(sys.argv[1]), sys.argv[2:])
