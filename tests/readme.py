"""The README's examples, section by section: each python block with the output block
shown after it (if any), so a test can run the block and compare what it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def section(title: str) -> str:
    """The text of the README section headed `## {title}`, up to the next `## `."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def examples(title: str) -> list[tuple[str, str | None]]:
    """(code, shown output or None) for every python block of the section, in order."""
    blocks = re.findall(r"```(\w*)\n(.*?)```", section(title), re.S)
    found = []
    for i, (language, code) in enumerate(blocks):
        if language == "python":
            follows = blocks[i + 1] if i + 1 < len(blocks) else None
            found.append((code, follows[1] if follows and follows[0] == "" else None))
    return found


def run(code: str, namespace: dict) -> str:
    """Run a README block in `namespace` (shared by a section's blocks); what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), namespace)
    return printed.getvalue()


def check_section(title: str) -> dict:
    """Run every block of the section in order, asserting each prints what the README shows;
    the namespace the blocks ran in."""
    namespace: dict = {}
    for code, shown in examples(title):
        printed = run(code, namespace)
        if shown is not None:
            assert printed == shown, f"{title!r} shows\n{shown}\nbut prints\n{printed}"
    return namespace
