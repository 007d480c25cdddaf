"""Drawing computation graphs with their values, gradients and chain-rule factors."""

from .legibility import Legibility
from .output import GradientGraph, GraphvizNotFoundError
from .render import draw

__all__ = ["GradientGraph", "GraphvizNotFoundError", "Legibility", "draw"]
