"""`GradientGraph`: the Digraph `draw` returns, with safe file writing and a clear error
when Graphviz's `dot` program is missing.

Writing never leaves a partial file where the target was: the image is produced in memory
by `dot`, then written with `atomic.write_atomically` (a temporary file in the target's
directory, moved into place with an atomic `os.replace`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphviz

from ..atomic import write_atomically
from .legibility import Legibility

INSTALL_GRAPHVIZ = (
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "  other systems:  https://graphviz.org/download/"
)
"""How to install Graphviz, one line per system."""

INSTALL_HINT = (
    "Graphviz's `dot` program is needed to draw images, and it was not found on PATH.\n"
    f"Install Graphviz, then try again:\n{INSTALL_GRAPHVIZ}\n"
    "The DOT source is still available without it: `graph.source` (or `error.source`), "
    "or `graph.save('graph.dot')`."
)

FORMATS = ("png", "svg", "pdf")


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's `dot` binary is missing: says how to install it; `.source` has the DOT."""

    def __init__(self, source: str) -> None:
        RuntimeError.__init__(self, INSTALL_HINT)
        self.source = source

    def __str__(self) -> str:
        return INSTALL_HINT


@contextlib.contextmanager
def _needs_dot(source: str) -> Iterator[None]:
    """Turn graphviz's bare 'dot not found' into `GraphvizNotFoundError`, with help."""
    try:
        yield
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError(source) from None


class GradientGraph(graphviz.Digraph):
    """A `graphviz.Digraph` (shown by Jupyter as it is) that writes image files safely."""

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """As `graphviz.Digraph.pipe`, with installation help when `dot` is missing."""
        with _needs_dot(self.source):
            return super().pipe(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> Any:
        """As `graphviz.Digraph.render`, with installation help when `dot` is missing."""
        with _needs_dot(self.source):
            return super().render(*args, **kwargs)

    def _image(self, format: str) -> bytes:
        """The picture as bytes. The DOT text goes to `dot` in one piece, so a `dot` that
        dies early is reported by its own error message, not as a broken pipe."""
        with _needs_dot(self.source):
            return graphviz.pipe(self.engine, format, self.source.encode(self.encoding))

    def legibility(self) -> Legibility:
        """How large the picture's text appears when shown at a given width (read from
        `dot -Tsvg`): `.smallest(880)`, `.median(880)`, `.aspect`. Needs `dot`."""
        return Legibility.of_svg(self._image("svg"))

    def write(self, filename: str | os.PathLike, format: str | None = None) -> Path:
        """Draw the graph into `filename` (PNG, SVG or PDF) and return its path.

        The format is `format`, else the file's suffix, else PNG; a name without a
        suffix gets one. A suffix draw cannot write (.jpg) is refused unless `format` is
        given (then the format's suffix is added). The file appears complete or not at all.
        """
        if not isinstance(filename, str | os.PathLike):
            raise TypeError(f"draw: filename must be a path (str or pathlib.Path), not "
                            f"{type(filename).__name__}")
        path = Path(filename)
        if path.is_dir() or str(filename).endswith(("/", os.sep)):
            raise ValueError(f"draw: {str(filename)!r} is a directory; name the file, e.g. "
                             f"{str(path / 'graph.png')!r}")
        suffix = path.suffix.lower().lstrip(".")
        if format is None and suffix and suffix not in FORMATS:
            raise ValueError(
                f"draw: cannot write {path.name!r}: .{suffix} is not a format draw writes; "
                f"name the file .png, .svg or .pdf (or pass format='png' to keep the name, "
                f"which then gets .png added)"
            )
        if format is None:
            format = suffix or "png"
        format = format.lower()
        if format not in FORMATS:
            raise ValueError(f"draw: cannot write format {format!r}; choose one of {FORMATS}")
        if suffix in FORMATS and suffix != format:
            raise ValueError(
                f"draw: the file name {path.name!r} says {suffix} but format={format!r}; "
                "make them agree (or leave format out)"
            )
        if suffix != format:
            path = path.with_name(f"{path.name}.{format}")
        write_atomically(path, self._image(format))
        return path
