"""One random generator for the whole library, so `manual_seed(s)` makes a run reproducible."""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the generator behind initialisation, shuffling and datasets; returns it.

    `seed` is an integer ≥ 0 (ValueError or TypeError otherwise)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"manual_seed: the seed must be an integer ≥ 0, not "
                        f"{type(seed).__name__} {seed!r:.40}")
    if seed < 0:
        raise ValueError(f"manual_seed: the seed must be an integer ≥ 0, got {seed}")
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def rng() -> np.random.Generator:
    """The library's current random generator."""
    return _generator
