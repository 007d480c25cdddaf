"""The README's code blocks, and their runs: each python block in a fresh interpreter
(run_block.py), in a working folder of its own, two at a time, by a process beside the
tests (beside.py) that conftest.py starts as soon as the tests are collected.

    python tests/readme_blocks.py FOLDER     (what the tests start: every python block)
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from beside import Beside, write_atomically

README = Path(__file__).resolve().parents[1] / "README.md"
RUNNER = Path(__file__).with_name("run_block.py")


@dataclass
class Block:
    """A fenced code block: its language, its text, the README line its code starts on,
    the title of its section (## …), and the untagged block that follows it (its output),
    if any."""

    language: str
    code: str
    line: int
    section: str
    output: str | None = None


def fenced_blocks(text: str) -> list[Block]:
    """The README's fenced blocks in order; each python block carries the untagged block
    that follows it with nothing but blank lines between."""
    found: list[tuple[Block, int]] = []  # (block, the line after its closing fence)
    lines = text.splitlines()
    index, section = 0, ""
    while index < len(lines):
        opening = re.fullmatch(r"```(\w*)\s*", lines[index])
        if not opening:
            section = lines[index][3:] if lines[index].startswith("## ") else section
            index += 1
            continue
        end = next(k for k in range(index + 1, len(lines)) if lines[k].rstrip() == "```")
        block = Block(opening.group(1), "\n".join(lines[index + 1:end]) + "\n", index + 2,
                      section)
        if (found and block.language == "" and found[-1][0].language == "python"
                and all(not line.strip() for line in lines[found[-1][1]:index])):
            found[-1][0].output = block.code
        found.append((block, end + 1))
        index = end + 1
    return [block for block, _ in found]


BLOCKS = fenced_blocks(README.read_text(encoding="utf-8"))
PYTHON = [block for block in BLOCKS if block.language == "python"]


def execute(block: Block, folder: Path) -> subprocess.CompletedProcess:
    """Run the block in a fresh interpreter in `folder` (statements.json: what each
    statement printed)."""
    return subprocess.run([sys.executable, str(RUNNER), str(folder / "statements.json"),
                           str(block.line)], input=block.code, capture_output=True, text=True,
                          cwd=folder, timeout=300)


def run_into(folder: Path) -> None:
    """Run every python block, two at a time, block at line N in folder/lineN, and write
    folder/lineN.json (its exit status, what it printed on stdout and stderr) atomically."""
    def run(block: Block) -> None:
        (folder / f"line{block.line}").mkdir()
        done = execute(block, folder / f"line{block.line}")
        write_atomically(folder / f"line{block.line}.json", json.dumps(
            {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        ).encode())

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, PYTHON))


class BlockRuns(Beside):
    """Every python block of the README being run by this module, beside the tests."""

    def __init__(self) -> None:
        super().__init__("README-blocks", Path(__file__), ["{folder}"])

    def run_of(self, block: Block) -> tuple[Path, subprocess.CompletedProcess]:
        """(the block's working folder, its finished process), waiting for it if needed."""
        done = json.loads(self.result(f"line{block.line}", "json").read_text())
        return self.folder / f"line{block.line}", subprocess.CompletedProcess(
            [RUNNER.name, str(block.line)], done["returncode"], done["stdout"], done["stderr"])


_RUNNING: list[BlockRuns] = []


def start() -> None:
    """Start running the blocks beside the tests (once per session)."""
    if not _RUNNING:
        _RUNNING.append(BlockRuns())


def runs() -> dict[int, tuple[Path, subprocess.CompletedProcess]]:
    """Every python block's run, by the README line it starts on (started here if
    conftest.py did not)."""
    start()
    return {block.line: _RUNNING[0].run_of(block) for block in PYTHON}


def stop() -> None:
    """Stop and clean up what `start` started."""
    while _RUNNING:
        _RUNNING.pop().stop()


if __name__ == "__main__":
    run_into(Path(sys.argv[1]))
