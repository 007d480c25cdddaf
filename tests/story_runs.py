"""The stories, each run once per test session, in two processes of their own beside the tests.

tests/test_stories.py re-checks every story's claims from its trained numbers. Training the
stories is the largest share of the test process's work, so they run in processes of their
own, started as soon as the tests are collected (conftest.py; see beside.py): each result
is pickled into a folder, and a story's fixture reads it (waiting for it if needed). The
numbers are the same as in the test process (a pickle keeps every float and array
exactly). A story whose process was not started (a test picked out with -p no:…, say) runs
in the test process.

    python tests/story_runs.py FOLDER coffee symmetry …     (what conftest.py starts)
"""

from __future__ import annotations

import pickle
import sys
import traceback
from pathlib import Path
from typing import Any

from beside import Beside, write_atomically

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
        write_atomically(folder / f"{name}.{suffix}", data)


class StoryRuns(Beside):
    """The stories being run by this module, in a process of its own beside the tests."""

    def __init__(self, names: list[str]) -> None:
        super().__init__("stories", Path(__file__), ["{folder}", *names])
        self.names = set(names)


_RUNNING: list[StoryRuns] = []

PROCESSES = 2
"""The stories are dealt to this many processes (in turn, in the given order), so that the
last ones to finish run side by side, not one after another on one core."""


def start(names: list[str]) -> None:
    """Start running the named stories beside the tests (conftest.py calls this as soon
    as the tests are collected), in the given order."""
    if not _RUNNING and names:
        _RUNNING.extend(StoryRuns(names[first::PROCESSES])
                        for first in range(min(PROCESSES, len(names))))


def result(name: str) -> Any:
    """The result of the story `name`: from the stories' processes, or run here."""
    for runs in _RUNNING:
        if name in runs.names:
            return pickle.loads(runs.result(name, "pickle").read_bytes())
    return run(name)


def stop() -> None:
    """Stop and clean up what `start` started."""
    while _RUNNING:
        _RUNNING.pop().stop()


if __name__ == "__main__":
    run_into(Path(sys.argv[1]), sys.argv[2:])
