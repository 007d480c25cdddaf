"""The README's section "From the scalar picture to matrices" runs, and prints what it shows."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def section():
    text = README.read_text(encoding="utf-8")
    start = text.index("## From the scalar picture to matrices")
    return text[start:text.index("\n## ", start + 1)]


def test_the_section_runs_and_prints_every_line_it_shows():
    blocks = re.findall(r"```(\w*)\n(.*?)```", section(), flags=re.S)
    code = [body for kind, body in blocks if kind == "python"]
    shown = [body for kind, body in blocks if not kind]
    assert len(code) == 1 and len(shown) == 3
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code[0], "README.md", "exec"), {})
    output = printed.getvalue().splitlines()
    for block in shown:
        for line in block.splitlines():
            if line.strip():
                assert line.rstrip() in output, line
    assert "  L1: 0.25 · ∂L1/∂w3 = 0.25 · 0.04438 = 0.01109" in output
    for quoted in ("J → L1 → a4⁽¹⁾ → z4⁽¹⁾ → a2⁽¹⁾ → z2⁽¹⁾ → w3", "∂z4⁽¹⁾/∂a2⁽¹⁾ = w8",
                   "= 0.5621", "∂z2⁽¹⁾/∂w3    = x1⁽¹⁾", "= −0.8346"):
        assert any(quoted in line for line in output), quoted
