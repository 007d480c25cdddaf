"""Width: "how many hidden units, and is it good enough?" Experiment, and use a test set.

The course's 200 coffee roasts are split once: 140 to train on, 60 held out as the test
set (never seen in training; the features are normalised with the training roasts' mean
and spread). Nets with 1, 2, 3, 4 and 8 hidden units are trained from a few seeds each by
gradient descent; the training accuracy says how well a net fits what it saw, the test
accuracy how well it does on roasts it did not see. 10,000 fresh roasts from the same rule
show how close the 60-roast estimate is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import datasets, nn
from ..plots import accuracy_by_width
from ..seeding import manual_seed
from .common import GRADIENT_DESCENT, Figures, Printer, percent

WIDTHS = (1, 2, 3, 4, 8)
SEEDS = (0, 1, 2)
TEST_SHARE = 0.3
SPLIT_SEED = 0
"""The seed of the one shuffle that splits the roasts into training and test sets."""
FRESH = 10_000
FRESH_SEED = 7
"""Fresh roasts drawn by the course's rule with another seed: the accuracy a net would
really have, which the small test set estimates."""


@dataclass(frozen=True)
class Split:
    """The roasts divided once into a training and a held-out test set."""

    train: np.ndarray
    """Indices of the training roasts in the course's 200."""
    test: np.ndarray
    X: np.ndarray
    y: np.ndarray
    normalize: datasets.Normalizer
    """Fitted on the training roasts only."""

    def features(self, rows: np.ndarray) -> np.ndarray:
        """The normalised features of the roasts `rows`."""
        return self.normalize(self.X[rows])


def split_roasts(test_share: float = TEST_SHARE, seed: int = SPLIT_SEED) -> Split:
    """Shuffle the course's roasts once and hold out `test_share` of them as the test set."""
    X, y = datasets.coffee_roasting()
    order = np.random.default_rng(seed).permutation(len(X))
    cut = len(X) - round(test_share * len(X))
    train, test = np.sort(order[:cut]), np.sort(order[cut:])
    return Split(train, test, X, y, datasets.Normalizer.fit(X[train]))


@dataclass
class WidthRun:
    """One net of one width, trained from one seed on the training roasts."""

    width: int
    seed: int
    model: nn.MLP
    train_accuracy: float
    test_accuracy: float
    fresh_accuracy: float


@dataclass
class WidthResult:
    """The split, the fresh roasts and one WidthRun per (width, seed)."""

    split: Split
    runs: list[WidthRun]
    fresh: tuple[np.ndarray, np.ndarray]
    figures: list[Path] = field(default_factory=list)

    def of_width(self, width: int) -> list[WidthRun]:
        """The runs with `width` hidden units."""
        return [run for run in self.runs if run.width == width]


def train_width(width: int, seed: int, split: Split, fresh: tuple[np.ndarray, np.ndarray]
                ) -> WidthRun:
    manual_seed(seed)
    net = nn.MLP(2, [width, 1])
    GRADIENT_DESCENT.fit(net, split.features(split.train), split.y[split.train])
    return WidthRun(width, seed, net,
                    nn.accuracy(net, split.features(split.train), split.y[split.train]),
                    nn.accuracy(net, split.features(split.test), split.y[split.test]),
                    nn.accuracy(net, split.normalize(fresh[0]), fresh[1]))


def _spread(values: list[float]) -> str:
    low, high = percent(min(values)), percent(max(values))
    return low if low == high else f"{low} … {high}"


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True,
        seeds: tuple[int, ...] = SEEDS) -> WidthResult:
    say = Printer(verbose)
    split = split_roasts()
    fresh = datasets.coffee_roasting(FRESH, seed=FRESH_SEED)
    runs = [train_width(width, seed, split, fresh) for width in WIDTHS for seed in seeds]
    result = WidthResult(split, runs, fresh)
    good = split.y[:, 0]
    say(f"How many hidden units? The course's {len(split.X)} roasts, split once: "
        f"{len(split.train)} to train on ({int(good[split.train].sum())} good), "
        f"{len(split.test)} held out as the test set ({int(good[split.test].sum())} good).",
        "Features normalised with the training roasts' mean and spread only. Each width trained "
        f"from seeds {', '.join(map(str, seeds))} with",
        f"{GRADIENT_DESCENT.describe()}.", "",
        f"  {'hidden units':>12}   {'training accuracy':>20}   {'test accuracy':>20}   "
        f"{f'{FRESH:,} fresh roasts':>20}")
    for width in WIDTHS:
        chosen = result.of_width(width)
        say(f"  {width:>12}   {_spread([r.train_accuracy for r in chosen]):>20}   "
            f"{_spread([r.test_accuracy for r in chosen]):>20}   "
            f"{_spread([r.fresh_accuracy for r in chosen]):>20}")
    one = result.of_width(1)
    best_test = max(r.test_accuracy for r in runs)
    say("", f"  One unit draws one line: {_spread([r.train_accuracy for r in one])} on the "
        "training roasts, what calling every roast bad scores there "
        f"({percent(1 - float(good[split.train].mean()))}).",
        "  Two lines cannot fence in the good roasts; from three units on the nets fit their "
        "training roasts (up to 100 %).",
        f"  The test set never goes above {percent(best_test)}: more units fit the 140 roasts "
        "better but do not make the test accuracy climb.",
        f"  The limit is the data ({int(good[split.train].sum())} good roasts to learn the "
        "window from), not the width. 100 % on the training set is not 100 % on new roasts.",
        f"  {len(split.test)} test roasts are a coarse estimate (one roast = "
        f"{percent(1 / len(split.test))}); {FRESH:,} fresh roasts from the same rule put "
        f"the 4-unit nets at {_spread([r.fresh_accuracy for r in result.of_width(4)])}.",
        "  Good enough? Decide on the test set, never on the training accuracy; keep the "
        "smallest net that does as well.")
    figures = Figures("width", out_dir, plots, say)
    figures.draw("width_accuracy.png", accuracy_by_width, WIDTHS,
                 {"training (140 roasts)": [[r.train_accuracy for r in result.of_width(w)]
                                            for w in WIDTHS],
                  f"test ({len(split.test)} held-out roasts)":
                      [[r.test_accuracy for r in result.of_width(w)] for w in WIDTHS],
                  f"{FRESH:,} fresh roasts": [[r.fresh_accuracy for r in result.of_width(w)]
                                              for w in WIDTHS]},
                 title="Coffee: training and test accuracy by the number of hidden units "
                       f"(seeds {', '.join(map(str, seeds))})")
    result.figures = figures.paths
    return result
