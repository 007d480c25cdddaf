"""`Page`: one self-contained HTML file (SVG, CSS, script and data inline) and its writing.

The page loads nothing: its Content-Security-Policy is `default-src 'none'`, with only
its own style and script allowed (by their SHA-256 hashes), so it works from `file://`,
offline, and cannot make a network request even by mistake. In Jupyter it shows itself
in a sandboxed iframe, so its styles and script never touch the notebook.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..atomic import write_atomically
from .document import dumps

NOTEBOOK_HEIGHT = 720
"""Pixels of height the page gets in a notebook's output cell."""


def _static(name: str) -> str:
    """A file of the page (HTML template, CSS, script), shipped as package data."""
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    """The CSP source that allows exactly this inline style or script."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class Page:
    """An explorer page (from `ts.explore` or `ts.film`): `.html` is the whole file,
    `.data` what its script reads, `.save(path)` writes it; Jupyter displays it inline."""

    def __init__(self, title: str, svg: str, data: dict[str, Any]) -> None:
        self.title, self.svg, self.data = title, svg, data
        self.html = _assemble(title, svg, data)

    def save(self, filename: str | os.PathLike) -> Path:
        """Write the page to `filename` (".html" added if it has no suffix), completely or
        not at all; returns the path. Open it in any browser: it needs no server."""
        path = Path(filename)
        if not path.suffix:
            path = path.with_name(path.name + ".html")
        write_atomically(path, self.html.encode("utf-8"))
        return path

    def _repr_html_(self) -> str:
        """The page in a sandboxed iframe, for Jupyter."""
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                f'title="{html.escape(self.title, quote=True)}" sandbox="allow-scripts" '
                f'style="width:100%;height:{NOTEBOOK_HEIGHT}px;border:1px solid #ddd">'
                "</iframe>")

    def __repr__(self) -> str:
        return f"Page({self.title!r}, {len(self.html):,} bytes)"


def _assemble(title: str, svg: str, data: dict[str, Any]) -> str:
    """The template filled in: policy, title, style, picture, data, script."""
    style, script = _static("explorer.css"), _static("explorer.js")
    policy = (f"default-src 'none'; style-src {_hash(style)}; script-src {_hash(script)}; "
              "img-src data:; base-uri 'none'; form-action 'none'")
    parts = {"policy": policy, "title": html.escape(title), "style": style, "svg": svg,
             "data": dumps(data), "script": script}
    # One pass over the template: nothing inserted (a label, the data) is read again.
    return re.sub(r"\{\{(\w+)\}\}", lambda match: parts[match[1]], _static("explorer.html"))
