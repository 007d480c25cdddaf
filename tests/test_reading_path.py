"""The README's "Read the engine" section stays true: every name it tells a reader to read
exists, and the lines they add up to are still about the number it states."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import tinygrad_sym.ops as ops

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = README.read_text(encoding="utf-8").split("### Read the engine")[1].split("\n## ")[0]


def _table_names() -> list[str]:
    """The `module.name`s in the section's table (its "read" column), in order."""
    rows = [line.split("|")[2] for line in SECTION.splitlines() if re.match(r"\| \d+ \|", line)]
    return [name for row in rows for name in re.findall(r"`(\w+\.\w+)`", row)]


def _lines(module_name: str, name: str) -> int:
    """How many source lines a reader reads for `module.name`: a function or class whole
    (Value up to the end of its __init__), a table entry from `NAME = Op(` to its `)`."""
    module = importlib.import_module(f"tinygrad_sym.{module_name}")
    thing = getattr(module, name)
    if isinstance(thing, ops.Op):
        source = inspect.getsource(module).splitlines()
        start = next(i for i, line in enumerate(source) if line.startswith(f"{name} = Op("))
        if source[start].rstrip().endswith(")"):
            return 1
        end = next(i for i in range(start + 1, len(source)) if source[i] == ")")
        return end - start + 1
    lines = inspect.getsourcelines(thing)[0]
    if name == "Value":
        body = "".join(lines)
        return body[: body.index("    def record")].count("\n")
    return len(lines)


def test_every_name_the_reading_path_names_exists():
    names = _table_names()
    assert len(names) >= 15, names
    for qualified in names:
        module_name, name = qualified.split(".")
        module = importlib.import_module(f"tinygrad_sym.{module_name}")
        assert hasattr(module, name), f"README's reading path names {qualified}, which is gone"


def test_the_reading_path_is_about_as_long_as_the_readme_says():
    stated = int(re.search(r"Backpropagation is about (\d+) lines", SECTION).group(1))
    docstrings = sum(len(importlib.import_module(f"tinygrad_sym.{m}").__doc__.splitlines())
                     for m in ("ops", "autograd"))
    counted = docstrings + sum(_lines(*qualified.split(".")) for qualified in _table_names())
    assert abs(counted - stated) <= 0.15 * stated, (
        f"the reading path is {counted} lines now; the README says about {stated}")
