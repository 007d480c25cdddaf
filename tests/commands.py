"""Commands run beside the tests (beside.py), two at a time, each in a fresh interpreter
and a working folder of its own: the README's blocks, the command line's demo, the examples
run as scripts. A test module names its commands in `BESIDE` (name → Command) and reads
them with `finished`; conftest.py starts them as soon as the tests are collected.

    python tests/commands.py FOLDER      (runs FOLDER/commands.json; what `start` starts)
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from beside import Beside, write_atomically


class Command(NamedTuple):
    """`python ARGUMENTS…`, with `stdin` as its standard input."""

    arguments: list[str]
    stdin: str | None = None


def run_into(folder: Path) -> None:
    """Run folder/commands.json's commands, two at a time, the command `name` in
    folder/name, and write folder/name.json (its exit status, stdout and stderr)."""
    commands = json.loads((folder / "commands.json").read_text(encoding="utf-8"))

    def run(name: str) -> None:
        (folder / name).mkdir()
        arguments, stdin = commands[name]
        done = subprocess.run([sys.executable, *arguments], input=stdin, capture_output=True,
                              text=True, cwd=folder / name, timeout=300)
        write_atomically(folder / f"{name}.json", json.dumps(
            {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        ).encode())

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, commands))


class Commands(Beside):
    """A test module's commands, being run beside the tests by this module."""

    def __init__(self, module: str, commands: dict[str, Command]) -> None:
        super().__init__(module, Path(__file__), ["{folder}"],
                         files={"commands.json": json.dumps(commands)})
        self.commands = commands

    def finished(self, name: str) -> tuple[Path, subprocess.CompletedProcess]:
        """(the command's working folder, its finished process), waiting for it if needed."""
        done = json.loads(self.result(name, "json").read_text(encoding="utf-8"))
        return self.folder / name, subprocess.CompletedProcess(
            [sys.executable, *self.commands[name].arguments], done["returncode"],
            done["stdout"], done["stderr"])


_RUNNING: dict[str, Commands] = {}


def start(module: str, commands: dict[str, Command]) -> None:
    """Start running the test module's commands beside the tests (once per session)."""
    if module not in _RUNNING:
        _RUNNING[module] = Commands(module, commands)


def finished(module, name: str) -> tuple[Path, subprocess.CompletedProcess]:
    """The test module's command `name`, finished: (its working folder, its process). The
    module's commands start here if conftest.py did not start them."""
    start(module.__name__, module.BESIDE)
    return _RUNNING[module.__name__].finished(name)


def stop() -> None:
    """Stop and clean up what `start` started."""
    while _RUNNING:
        _RUNNING.popitem()[1].stop()


if __name__ == "__main__":
    run_into(Path(sys.argv[1]))
