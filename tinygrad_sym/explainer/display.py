"""How an explanation shows itself: in Jupyter and IPython as the text `print()` writes,
and in a plain Python prompt as a one-line summary (instead of a dump of its fields)."""

from __future__ import annotations

import html
from typing import Any

EMPHASIZED = ("DIFFERENT", "Verdict:")
"""Words the HTML display sets in bold: where the reader's eye should land."""

PRE = ('<pre style="font-family: ui-monospace, Menlo, Consolas, \'DejaVu Sans Mono\', '
       'monospace; white-space: pre; overflow-x: auto">')
"""A fixed-width block that keeps the tables' columns, whatever the notebook's own styles
(nbconvert's set HTML outputs' <pre> in a proportional font)."""


class ShowsAsText:
    """Mixin for objects whose `str()` is their readable text: a notebook cell or IPython
    prompt ending with one shows that text (fixed-width, so tables keep their columns); a
    plain Python prompt shows the one-line `summary()`.

    IPython takes the first class in the MRO that defines `_repr_pretty_` or `__repr__`, so
    subclasses define `summary`, not `__repr__`.
    """

    def summary(self) -> str:
        """One line saying what this is (the repr)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.summary()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's display (and a notebook's plain-text output): the printed text."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        """Jupyter's display: the printed text in a fixed-width block, key words in bold."""
        text = html.escape(str(self))
        for word in EMPHASIZED:
            text = text.replace(word, f"<b>{word}</b>")
        return f"{PRE}{text}</pre>"
