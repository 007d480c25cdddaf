"""The README runs as written: every ```python block in a fresh interpreter, and every output
it shows is what the block prints.

Two ways the README shows output, both checked here:
- an untagged ``` block right after a python block: an excerpt of what the block prints,
  verbatim, in order (a line "..." elides lines, a trailing "..." the rest), or in the
  sections of `EXACT` all of it;
- a comment made only of numbers after a statement, `print(a, b)  # −0.03531 0.02518`:
  the numbers that statement prints (or a bare expression's value), each rounded to the
  digits shown.
Each block runs once per session (here, two interpreters at a time); the checks of single
sections below (the files they write, the matrix section's output) read those runs too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tokenize
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tinygrad_sym.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
RUNNER = Path(__file__).with_name("run_block.py")
NUMBER = r"[−+-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?"
NUMBERS_ONLY = re.compile(rf"{NUMBER}(?:\s+{NUMBER})*")


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

FORWARD_MODE = "Forward mode: `ts.jvp`, `ts.jacobian`, `ts.hessian`, `ts.nudge`"
EXACT = {"Save and load a model", "When things go wrong", "Write your own op", FORWARD_MODE}
"""Sections whose blocks print exactly the output shown after them, not an excerpt."""

WRITES = {
    "Save and load a model": {"coffee.npz"},
    "Write your own op": {"softplus.png"},
    "Explore it in a browser: `ts.explore`, `ts.film`, `ts.to_json`": {"explore.html",
                                                                      "film.html"},
    "From PyTorch and back": {"torch_graph.png", "torch_w1_vs_w3.png"},
}
"""Files the blocks of a section write in their working folder, as the README says."""


def execute(block: Block, folder: Path) -> subprocess.CompletedProcess:
    """Run the block in a fresh interpreter in `folder` (statements.json: what each
    statement printed)."""
    return subprocess.run([sys.executable, str(RUNNER), str(folder / "statements.json"),
                           str(block.line)], input=block.code, capture_output=True, text=True,
                          cwd=folder, timeout=300)


def statements(block: Block, folder: Path, process: subprocess.CompletedProcess) -> list[dict]:
    """What each statement of the block printed, or a failure naming the README line."""
    if process.returncode and "GraphvizNotFoundError" in process.stderr and not shutil.which(
            "dot"):
        pytest.skip("this block draws a PNG, which needs Graphviz's dot")
    assert process.returncode == 0, (
        f"README block at line {block.line} failed:\n{process.stderr}")
    return json.loads((folder / "statements.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    """Every python block run, two interpreters at a time: line → (folder, process)."""
    def run(block):
        folder = tmp_path_factory.mktemp(f"line{block.line}")
        return block.line, (folder, execute(block, folder))

    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(run, PYTHON))


def output_mismatch(shown: str, printed: str) -> str | None:
    """Why the shown output is not an excerpt of what was printed (None when it is). A line
    that is just "..." elides lines there, and "..." ending the last line elides the rest;
    every other piece must be printed verbatim, in order."""
    lines = shown.rstrip("\n").split("\n")
    if lines[-1].endswith("...") and lines[-1].strip() != "...":
        lines[-1] = lines[-1].removesuffix("...").rstrip(" ")
    pieces, piece = [], []
    for line in lines:
        if line.strip() == "...":
            pieces.append(piece)
            piece = []
        else:
            piece.append(line)
    pieces.append(piece)
    start = 0
    for text in ("\n".join(piece) for piece in pieces if piece):
        found = printed.find(text, start)
        if found < 0:
            return (f"the README shows:\n{text}\nbut the block printed (from there on):\n"
                    f"{printed[start:]}")
        start = found + len(text)
    return None


def numbers_mismatch(comment: str, printed: str) -> str | None:
    """Why the numbers in `comment` are not those printed, each to the digits shown."""
    shown = comment.split()
    actual = re.findall(NUMBER, printed)
    if len(actual) != len(shown):
        return f"# {comment}: the statement printed {printed.strip()!r}"
    for text, value in zip(shown, actual, strict=True):
        digits = len(re.sub(r"^0*", "", re.sub(r"e.*|[^\d]", "", text.replace("−", "-")))) or 1
        number = float(value.replace("−", "-"))
        if float(f"{number:.{digits}g}") != float(text.replace("−", "-")):
            return f"# {comment}: printed {value}, which is not {text} to {digits} digits"
    return None


def number_comments(code: str) -> dict[int, str]:
    """Line number → comment, for the comments made only of numbers."""
    lines = iter(code.splitlines(keepends=True))
    comments = {}
    for token in tokenize.generate_tokens(lambda: next(lines, "")):
        if token.type == tokenize.COMMENT:
            text = token.string.lstrip("#").strip()
            if NUMBERS_ONLY.fullmatch(text):
                comments[token.start[0]] = text
    return comments


@pytest.mark.parametrize("block", PYTHON, ids=[f"line {block.line}" for block in PYTHON])
def test_readme_block_runs_and_prints_what_the_readme_shows(block, runs):
    done = statements(block, *runs[block.line])
    printed = "".join(statement["printed"] for statement in done)
    problems = []
    if block.output is not None and block.section in EXACT:
        if printed != block.output:
            problems.append(f"the README shows:\n{block.output}\nbut the block printed:\n"
                            f"{printed}")
    elif block.output is not None:
        problems.append(output_mismatch(block.output, printed))
    for line, comment in number_comments(block.code).items():
        line += block.line - 1  # the README's numbering, as the runner reports it
        statement = next(s for s in done if s["first"] <= line <= s["last"])
        problems.append(numbers_mismatch(comment, statement["printed"] or statement["value"]
                                         or ""))
    problems = [problem for problem in problems if problem]
    assert not problems, f"README block at line {block.line}:\n" + "\n".join(problems)


def printed_by(block: Block, runs) -> str:
    """What the block printed in its run."""
    return "".join(statement["printed"] for statement in statements(block, *runs[block.line]))


@pytest.mark.parametrize("title", sorted(WRITES))
def test_readme_sections_write_the_files_they_name(title, runs):
    blocks = [block for block in PYTHON if block.section == title]
    for block in blocks:
        printed_by(block, runs)  # ran to the end
    written = {path.name for block in blocks for path in runs[block.line][0].iterdir()
               if path.stat().st_size > 0}
    assert WRITES[title] <= written, f"{title}: wrote {sorted(written)}"


def test_the_explorer_block_prints_that_a_tied_film_never_parts(runs):
    block = next(block for block in PYTHON if "ts.film(" in block.code)
    assert printed_by(block, runs) == "None\n"


def test_the_matrix_section_prints_every_line_it_shows(runs):
    """The section shows its one block's output in three pieces, with prose between."""
    title = "From the scalar picture to matrices"
    (block,) = [block for block in PYTHON if block.section == title]
    shown = [b.code for b in BLOCKS if b.section == title and b.language == ""]
    assert len(shown) == 3
    output = printed_by(block, runs).splitlines()
    for piece in shown:
        for line in piece.splitlines():
            if line.strip():
                assert line.rstrip() in output, line
    assert "  L1: 0.25 · ∂L1/∂w3 = 0.25 · 0.04438 = 0.01109" in output
    for quoted in ("J → L1 → a4⁽¹⁾ → z4⁽¹⁾ → a2⁽¹⁾ → z2⁽¹⁾ → w3", "∂z4⁽¹⁾/∂a2⁽¹⁾ = w8",
                   "= 0.5621", "∂z2⁽¹⁾/∂w3    = x1⁽¹⁾", "= −0.8346"):
        assert any(quoted in line for line in output), quoted


def test_the_pictures_the_readme_shows_exist():
    text = README.read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    assert "docs/images/torch_w1_vs_w3.png" in pictures
    for picture in pictures:
        assert (README.parent / picture).is_file(), picture


def test_the_readme_shows_outputs_and_the_checks_can_fail():
    """The parser finds the README's outputs, and a wrong one is caught."""
    assert len(PYTHON) >= 3
    assert sum(block.output is not None for block in PYTHON) >= 2
    assert sum(len(number_comments(block.code)) for block in PYTHON) >= 2
    assert numbers_mismatch("−0.03531 0.02518", "-0.0353078 0.0251776\n") is None
    assert numbers_mismatch("−0.03531 0.02518", "-0.0353178 0.0251776\n")
    assert numbers_mismatch("1.0", "1.0 2.0\n")
    assert output_mismatch("a\nb ...\n", "x\na\nb c\n") is None
    assert output_mismatch("a\nc ...\n", "x\na\nb c\n")
    assert output_mismatch("a\n...\nc\n", "a\nb\nc\n") is None
    assert output_mismatch("c\n...\na\n", "a\nb\nc\n")  # out of order


def test_the_command_line_prints_the_readmes_comparison(runs, capsys):
    """`tinygrad-sym explain --weights w1 w3` ends with exactly the text the README's first
    block prints after its gradients: its net is the README's net."""
    first = PYTHON[0]
    assert "ts.compare(J, w[\"w1\"], w[\"w3\"])" in first.code
    printed = "".join(statement["printed"] for statement in
                      statements(first, *runs[first.line]))
    comparison = printed.split("\n", 1)[1]
    assert main(["explain", "--weights", "w1", "w3"]) == 0
    assert capsys.readouterr().out.endswith("\n\n" + comparison)
