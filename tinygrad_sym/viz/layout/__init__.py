"""Deciding what to draw: every node, or a condensed view of a graph too big to read."""

from .condense import CONDENSED_BOXES, Plan, Summary, condense

__all__ = ["CONDENSED_BOXES", "Plan", "Summary", "condense"]
