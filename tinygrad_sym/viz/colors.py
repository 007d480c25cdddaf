"""The picture's colours: a red–blue scale for gradients, one colour per highlighted path.

Gradients use a diverging scale (ColorBrewer RdBu): red for negative, blue for positive,
white for zero, deeper for larger magnitudes on a logarithmic scale, so the sign and the
power of ten of every gradient show at a glance. Text on a dark cell turns white so it
stays readable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache

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
FAINT = "#cfcfcf"

CARD_STYLES = {
    "parameter": ("#fbe3a5", INK, "#b7860b"),
    "input": ("#e6e6e6", INK, "#8c8c8c"),
    "computed": ("#edf1f6", INK, "#9aa7b4"),
    "root": ("#3b4a56", "#ffffff", "#3b4a56"),
}
"""How each kind of value card looks: header fill, header text, border."""


@cache  # a handful of colours, asked for on every cell
def _hex_to_rgb(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _rgb_to_hex(red: float, green: float, blue: float) -> str:
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def _interpolate(stops: tuple[str, ...], t: float) -> str:
    """The colour at `t` in [0, 1] along evenly spaced `stops`."""
    position = min(max(t, 0.0), 1.0) * (len(stops) - 1)
    low = min(int(position), len(stops) - 2)
    fraction = position - low
    (r0, g0, b0), (r1, g1, b1) = _hex_to_rgb(stops[low]), _hex_to_rgb(stops[low + 1])
    return _rgb_to_hex(r0 + (r1 - r0) * fraction, g0 + (g1 - g0) * fraction,
                       b0 + (b1 - b0) * fraction)


MAX_DECADES = 6
"""The colour scale spans at most this many powers of ten below the largest gradient."""


class GradientScale:
    """Maps a gradient to a fill colour on a symmetric log scale: red for negative, blue
    for positive, deeper for larger, each power of ten a visible step.

    The scale runs from `floor` (at most MAX_DECADES powers of ten below the largest
    gradient, or the smallest one) to `largest`, the largest |gradient| on the picture,
    so no colour saturates: ∂J/∂a4 = −1.005 is much deeper than ∂J/∂w7 = −0.0048.
    Intensity is log(1 + |g|/floor) / log(1 + largest/floor): logarithmic above the
    floor, linear (and faint) below it, 0 at 0.
    """

    def __init__(self, largest: float, floor: float | None = None) -> None:
        finite = math.isfinite(largest) and largest > 0
        self.largest = largest if finite else 0.0
        if floor is None:
            floor = self.largest / 10**MAX_DECADES
        # A floor that underflows to 0 (a largest gradient near 1e−320) is the largest.
        self.floor = min(floor, self.largest) if finite and floor > 0 else self.largest

    @classmethod
    def fit(cls, magnitudes: Iterable[float]) -> GradientScale:
        """A scale from the smallest to the largest finite nonzero magnitude given, at most
        MAX_DECADES powers of ten (at least one)."""
        found = [m for m in magnitudes if math.isfinite(m) and m > 0]
        if not found:
            return cls(0.0)
        largest, smallest = max(found), min(found)
        span = math.log10(largest) - math.log10(smallest)  # no overflow for subnormals
        decades = min(MAX_DECADES, max(1, math.ceil(span - 1e-9)))
        return cls(largest, largest / 10**decades)

    def intensity(self, grad: float) -> float:
        """How deep the colour of `grad` is, from 0 (white, a zero) to 1 (the largest)."""
        if self.largest == 0.0 or grad == 0.0 or math.isnan(grad):
            return 0.0
        ratio = math.log1p(abs(grad) / self.floor) / math.log1p(self.largest / self.floor)
        return min(ratio, 1.0)

    def fill(self, grad: float) -> str:
        """The fill colour of a cell showing `grad`."""
        if math.isnan(grad):
            return "#e0e0e0"
        t = self.intensity(grad)
        if t == 0.0:
            return ZERO
        light, dark = _NEGATIVE if grad < 0 else _POSITIVE
        if t < _DARK_FROM:
            return _interpolate(light, t / _DARK_FROM)
        return _interpolate(dark, (t - _DARK_FROM) / (1 - _DARK_FROM))

    def ticks(self) -> list[float]:
        """The key's marks, largest first: the largest gradient, then the powers of ten
        down to the floor (but one within a factor 2 of the largest, which stands for it)."""
        if self.largest == 0.0:
            return []
        low = math.ceil(math.log10(self.floor) - 1e-9)
        high = math.floor(math.log10(self.largest) + 1e-9)
        marks = [10.0**power for power in range(high, low - 1, -1)]
        if marks and self.largest < 2 * marks[0]:
            marks[0] = self.largest  # 1.68 rather than 1: the scale's true end
        else:
            marks.insert(0, self.largest)
        return marks


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
