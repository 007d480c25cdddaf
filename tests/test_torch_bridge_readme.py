"""The README's PyTorch section runs, and prints what the README shows."""

import contextlib
import io
import re
from pathlib import Path

from torch_support import import_torch

import_torch()

README = Path(__file__).parent.parent / "README.md"


def section_blocks(heading):
    """The first python block after `heading` and the output block that follows it."""
    text = README.read_text()
    section = text[text.index(heading):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    after = section[section.index(code) + len(code) + 3:]
    shown = re.search(r"```\n(.*?)```", after, re.S).group(1)
    return code, shown


def test_the_pytorch_section_prints_what_it_shows(tmp_path, monkeypatch):
    code, shown = section_blocks("## From PyTorch and back")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})
    output = printed.getvalue()
    position = 0
    for line in shown.splitlines():
        if line == "...":
            continue
        found = output.find(line + "\n", position)
        assert found >= 0, f"the README shows {line!r}, the code printed:\n{output}"
        position = found + len(line)
    assert (tmp_path / "torch_graph.png").stat().st_size > 0
    assert (tmp_path / "torch_w1_vs_w3.png").stat().st_size > 0
    assert (README.parent / "docs/images/torch_w1_vs_w3.png").exists()
