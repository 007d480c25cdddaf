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
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def escape(text: str) -> str:
    """`text` made safe inside an HTML-like label: entities for `<>&"'`; line breaks and
    tabs become spaces; other control characters (which no font draws) are dropped."""
    text = _WHITESPACE.sub(" ", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    return html.escape(text, quote=True)


def tooltip(lines: list[str]) -> str:
    """`lines` as a DOT tooltip (shown on hover in SVG): escaped like a label, so that no
    text can break the SVG, backslashes doubled (DOT reads \\N as the node's name), one
    line each."""
    return "\\n".join(escape(line).replace("\\", "\\\\") for line in lines)


def wrapped(text: str, width: int = 110, align: str = "LEFT") -> str:
    """`text` escaped and broken into lines of at most `width` characters, aligned left
    (or as `align` says; "CENTER" centres them).

    Long lines matter in a legend: Graphviz spreads a table's extra width over all its
    columns, so one long line would push the columns of a sibling table apart; on a card,
    a tensor's values on two lines keep its column of the layout narrow.
    """
    lines = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    if align == "CENTER":
        return "<BR/>".join(escape(line) for line in lines)
    return f'<BR ALIGN="{align}"/>'.join(escape(line) for line in lines) + f'<BR ALIGN="{align}"/>'


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, for long generated names."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(x: Any, digits: int = 4) -> str:
    """`x` to `digits` significant digits, with a true minus sign and ×10ⁿ exponents.

    0.012345 → '0.01235', -3.0 → '−3', 1.5e-07 → '1.5×10⁻⁷', inf → '∞'; a zero is '0',
    never '−0' (numpy's −0.0, the product of a zero by a negative number, is still zero).
    """
    x = float(x) + 0.0  # −0.0 + 0.0 is +0.0
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"
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


def table(rows: list[str], ruled: bool = False, **attributes: Any) -> str:
    """An HTML-like table; each of `rows` is the cells of one row (with a rule between
    rows when `ruled`)."""
    attrs = "".join(f' {name.upper()}="{value}"' for name, value in attributes.items())
    body = ("<HR/>" if ruled else "").join(f"<TR>{row}</TR>" for row in rows)
    return f"<TABLE{attrs}>{body}</TABLE>"


def html_label(content: str) -> str:
    """`content` as a DOT HTML-like label."""
    return f"<{content}>"
