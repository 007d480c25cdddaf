"""Redraw docs/images/w1_vs_w3.png by running the README's first code block, the one that
writes it, inside docs/images (`make images`): the picture is what that code draws."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PICTURE = "w1_vs_w3.png"


def readme_block(readme: Path = ROOT / "README.md") -> str:
    """The README's Python code block that draws the picture (`filename="w1_vs_w3.png"`)."""
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    (block,) = [b for b in blocks if f'filename="{PICTURE}"' in b]
    return block


def run_block(folder: Path) -> str:
    """Run the block with `folder` as the working directory; return what it printed."""
    printed = io.StringIO()
    here = Path.cwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(readme_block(), "README.md", "exec"), {})
    finally:
        os.chdir(here)
    return printed.getvalue()


if __name__ == "__main__":
    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    run_block(images)
    print(f"wrote {images / PICTURE}")
