"""Text for the picture: numbers, names and escaping for Graphviz's HTML-like labels.

Everything a user wrote (labels, group names) goes through `escape`, so a label such as
`<b>&"` is shown as written and can never break the DOT source or the HTML markup.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
import unicodedata
from typing import Any

import numpy as np

_WHITESPACE = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_INVISIBLE = {"Cc", "Cs", "Zl", "Zp"}  # control characters, lone surrogates, separators
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def escape(text: str) -> str:
    """`text` made safe inside an HTML-like label: entities for `<>&"'`; line breaks and
    tabs become spaces; other control characters (which no font draws) are dropped."""
    text = _WHITESPACE.sub(" ", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    return html.escape(text, quote=True)


def wrapped(text: str, width: int = 110) -> str:
    """`text` escaped and broken into left-aligned lines of at most `width` characters.

    Long lines matter in a legend: Graphviz spreads a table's extra width over all its
    columns, so one long line would push the columns of a sibling table apart.
    """
    lines = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    return '<BR ALIGN="LEFT"/>'.join(escape(line) for line in lines) + '<BR ALIGN="LEFT"/>'


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, for long generated names."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(x: Any, digits: int = 4) -> str:
    """`x` to `digits` significant digits, with a true minus sign and ×10ⁿ exponents.

    0.012345 → '0.01235', -3.0 → '−3', 1.5e-07 → '1.5×10⁻⁷', inf → '∞'.
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return text.replace("-", "−")


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as '3×2' (or 'scalar')."""
    return "×".join(str(n) for n in shape) if shape else "scalar"


def array_preview(array: Any, digits: int, limit: int = 6) -> str:
    """A tensor's values when there are at most `limit` of them, else its norm and range."""
    flat = np.asarray(array, dtype=float).ravel()
    if flat.size <= limit:
        return "[" + ", ".join(number(x, digits) for x in flat) + "]"
    norm = float(np.linalg.norm(flat))
    low, high = float(np.min(flat)), float(np.max(flat))
    return f"‖·‖ {number(norm, digits)}, range [{number(low, 3)}, {number(high, 3)}]"


def font(text: str, size: float | None = None, color: str | None = None,
         bold: bool = False, italic: bool = False) -> str:
    """Already-escaped `text` wrapped in FONT/B/I tags."""
    if bold:
        text = f"<B>{text}</B>"
    if italic:
        text = f"<I>{text}</I>"
    attributes = ""
    if size is not None:
        attributes += f' POINT-SIZE="{size:g}"'
    if color is not None:
        attributes += f' COLOR="{color}"'
    return f"<FONT{attributes}>{text}</FONT>" if attributes else text


def cell(content: str, **attributes: Any) -> str:
    """A table cell; attribute names are written upper-case (bgcolor → BGCOLOR)."""
    attrs = "".join(f' {name.upper()}="{value}"' for name, value in attributes.items())
    return f"<TD{attrs}>{content}</TD>"


def table(rows: list[str], **attributes: Any) -> str:
    """An HTML-like table; each of `rows` is the cells of one row."""
    attrs = "".join(f' {name.upper()}="{value}"' for name, value in attributes.items())
    body = "".join(f"<TR>{row}</TR>" for row in rows)
    return f"<TABLE{attrs}>{body}</TABLE>"


def html_label(content: str) -> str:
    """`content` as a DOT HTML-like label."""
    return f"<{content}>"
