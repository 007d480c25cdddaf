"""The five stories the project exists to tell, each a `run(out_dir, plots, verbose)` that
prints what a learner needs to see, draws its figures, and returns what it found (the
tests check those claims).

    from tinygrad_sym.stories import STORIES
    result = STORIES["symmetry"]()          # or: tinygrad-sym demo symmetry
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import (
    asymmetry,
    blobs,
    blobs_seeds,
    coffee,
    init_scale,
    minima,
    seed_vs_tie,
    seeds,
    symmetry,
    width,
    zero_init,
)

STORIES: dict[str, Callable[..., Any]] = {
    "coffee": coffee.run,
    "symmetry": symmetry.run,
    "asymmetry": asymmetry.run,
    "zero-init": zero_init.run,
    "seeds": seeds.run,
    "minima": minima.run,
    "seed-vs-tie": seed_vs_tie.run,
    "blobs": blobs.run,
    "blobs-seeds": blobs_seeds.run,
    "width": width.run,
    "init-scale": init_scale.run,
}

__all__ = [
    "STORIES",
    "asymmetry",
    "blobs",
    "blobs_seeds",
    "coffee",
    "init_scale",
    "minima",
    "seed_vs_tie",
    "seeds",
    "symmetry",
    "width",
    "zero_init",
]
