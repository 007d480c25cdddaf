"""One random generator for the whole library, so `manual_seed(s)` makes a run reproducible."""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the generator behind initialisation, shuffling and datasets; returns it."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def rng() -> np.random.Generator:
    """The library's current random generator."""
    return _generator
