"""Deciding what to draw: every node, or a condensed view of a graph too big to read."""

from .condense import Plan, Summary, condense

__all__ = ["Plan", "Summary", "condense"]
