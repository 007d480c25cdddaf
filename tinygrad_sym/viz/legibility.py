"""How legible a picture is where it is shown: the size its text takes on screen.

A drawing shown `display_width` pixels wide scales everything by display_width / its
width, so a text of font size s appears s × display_width / width pixels tall. Read from
`dot -Tsvg` output (its viewBox and the font-size of every text), this does not change with
`size=` or `dpi=`: only a more compact layout makes the text larger on screen. A README
column is about 880 px wide, a slide 1280 px.
"""

from __future__ import annotations

import statistics
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass


@dataclass(frozen=True)
class Legibility:
    """The drawing's size (SVG points) and the font size of each of its texts."""

    width: float
    height: float
    font_sizes: tuple[float, ...]

    @classmethod
    def of_svg(cls, svg: str | bytes) -> Legibility:
        """Read the viewBox and every text's font-size from an SVG made by Graphviz."""
        root = ElementTree.fromstring(svg)
        box = root.get("viewBox")
        if box is None:
            raise ValueError("legibility: the SVG has no viewBox; make it with dot -Tsvg")
        _, _, width, height = (float(x) for x in box.replace(",", " ").split())
        sizes = tuple(float(element.get("font-size", "").removesuffix("px"))
                      for element in root.iter() if element.tag.endswith("text")
                      and element.get("font-size"))
        if not sizes:
            raise ValueError("legibility: the SVG has no text with a font-size")
        return cls(width, height, sizes)

    @property
    def aspect(self) -> float:
        """Width over height: 16/9 ≈ 1.8 fills a slide."""
        return self.width / self.height

    def smallest(self, display_width: float) -> float:
        """The smallest text's height in pixels when shown `display_width` pixels wide."""
        return min(self.font_sizes) * display_width / self.width

    def median(self, display_width: float) -> float:
        """The median text's height in pixels when shown `display_width` pixels wide."""
        return statistics.median(self.font_sizes) * display_width / self.width

    def summary(self) -> str:
        """'smallest 12.4 px at 1280, 8.5 px at 880; median 9.3 px at 880; aspect 1.22'."""
        return (f"smallest {self.smallest(1280):.1f} px at 1280, {self.smallest(880):.1f} px "
                f"at 880; median {self.median(880):.1f} px at 880; aspect {self.aspect:.2f} "
                f"({self.width:.0f}×{self.height:.0f} pt)")
