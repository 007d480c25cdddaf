"""The picture's colours: a red–blue scale for gradients, one colour per highlighted path.

Gradients use a diverging scale (ColorBrewer RdBu): red for negative, blue for positive,
white for zero, deeper for larger magnitudes, so the sign and size of every gradient show
at a glance. Text on a dark cell turns white so it stays readable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# After ColorBrewer RdBu, from zero to the strongest gradient. Each side is two runs: light
# colours (black text reads on them) and dark ones (white text does); no colour lies in the
# middle band of luminance where neither reaches a 4.5:1 contrast.
_NEGATIVE = (("#f7f7f7", "#fddbc7", "#f4a582", "#e07b62"), ("#c43c3c", "#b2182b", "#7f0a24"))
_POSITIVE = (("#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3"), ("#2f7ab8", "#2166ac", "#0d3f7a"))
_DARK_FROM = 0.55  # the intensity where the dark run starts

HIGHLIGHTS = ("#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#d95f02", "#666666")
"""One colour per highlighted input (ColorBrewer Dark2, minus its yellow): none of them is
the red or blue of the gradient scale."""

ZERO = "#f7f7f7"
INK = "#222222"
MUTED = "#6b6b6b"
QUIET = "#9a9a9a"
FAINT = "#cfcfcf"

CARD_STYLES = {
    "parameter": ("#fbe3a5", INK, "#b7860b"),
    "input": ("#e6e6e6", INK, "#8c8c8c"),
    "computed": ("#edf1f6", INK, "#9aa7b4"),
    "root": ("#3b4a56", "#ffffff", "#3b4a56"),
}
"""How each kind of value card looks: header fill, header text, border."""


def _hex_to_rgb(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _rgb_to_hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)


def _interpolate(stops: tuple[str, ...], t: float) -> str:
    """The colour at `t` in [0, 1] along evenly spaced `stops`."""
    position = min(max(t, 0.0), 1.0) * (len(stops) - 1)
    low = min(int(position), len(stops) - 2)
    fraction = position - low
    start, end = _hex_to_rgb(stops[low]), _hex_to_rgb(stops[low + 1])
    return _rgb_to_hex(a + (b - a) * fraction for a, b in zip(start, end, strict=True))


class GradientScale:
    """Maps a gradient to a fill colour, relative to the largest |gradient| on the picture.

    Intensity grows with the square root of |grad| / largest, so a gradient ten times
    smaller than the largest is still visibly tinted rather than white.
    """

    def __init__(self, largest: float) -> None:
        self.largest = largest if math.isfinite(largest) and largest > 0 else 0.0

    @classmethod
    def fit(cls, magnitudes: Iterable[float]) -> GradientScale:
        """A scale whose extreme colour is the largest finite magnitude given."""
        finite = [m for m in magnitudes if math.isfinite(m)]
        return cls(max(finite, default=0.0))

    def fill(self, grad: float) -> str:
        """The fill colour of a cell showing `grad`."""
        if math.isnan(grad):
            return "#e0e0e0"
        if self.largest == 0.0 or grad == 0.0:
            return ZERO
        t = math.sqrt(min(abs(grad) / self.largest, 1.0))
        light, dark = _NEGATIVE if grad < 0 else _POSITIVE
        if t < _DARK_FROM:
            return _interpolate(light, t / _DARK_FROM)
        return _interpolate(dark, (t - _DARK_FROM) / (1 - _DARK_FROM))


def luminance(color: str) -> float:
    """WCAG relative luminance, 0 for black to 1 for white."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _hex_to_rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(fill: str) -> str:
    """White or ink-black text, whichever contrasts more with `fill` (WCAG ratio)."""
    return "#ffffff" if contrast(fill, "#ffffff") > contrast(fill, INK) else INK


def highlight_color(index: int) -> str:
    """The colour of the `index`-th highlighted input (cycling through the palette)."""
    return HIGHLIGHTS[index % len(HIGHLIGHTS)]
