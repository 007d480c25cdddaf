"""Redraw the README's gradient graphs in docs/images (`make images`): each README code
block that draws one shown there (`ts.draw(..., filename="….png")`) runs in a temporary
folder and its picture is copied in, so each picture is what its block draws
(w1_vs_w3.png; torch_w1_vs_w3.png, which needs the torch extra and is skipped, with a
note, without it)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
PICTURE = "w1_vs_w3.png"


def pictures(readme: Path = ROOT / "README.md") -> dict[str, str]:
    """Each picture of docs/images that a README code block draws, with that block."""
    text = readme.read_text(encoding="utf-8")
    found = {}
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        for name in re.findall(r'filename="([\w.-]+\.png)"', block):
            if f"docs/images/{name}" in text:
                found[name] = block
    return found


def readme_block(name: str = PICTURE) -> str:
    """The README's code block that draws `name`."""
    return pictures()[name]


def run_block(folder: Path, name: str = PICTURE) -> str:
    """Run the block that draws `name` with `folder` as the working directory; return what
    it printed."""
    printed = io.StringIO()
    here = Path.cwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(readme_block(name), "README.md", "exec"), {})
    finally:
        os.chdir(here)
    return printed.getvalue()


if __name__ == "__main__":
    IMAGES.mkdir(parents=True, exist_ok=True)
    for picture in pictures():
        with tempfile.TemporaryDirectory() as folder:
            try:
                run_block(Path(folder), picture)
            except ModuleNotFoundError as error:
                print(f"skipped {picture}: {error} (pip install -e '.[torch]')")
                continue
            shutil.copyfile(Path(folder) / picture, IMAGES / picture)
        print(f"wrote {IMAGES / picture}")
