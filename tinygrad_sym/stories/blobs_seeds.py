"""Blobs over many seeds: the lab net trained from 40 random starts. How often do the two
hidden units end with distinct lines (four blobs, four corners), with similar lines, with a
line that leaves two blobs in one corner, or with a dead unit, and what accuracy does each
reach? Nothing in the cost pushes the two lines apart, so similar lines do happen, and
those runs do worse."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import datasets, nn
from ..plots import seed_sweep
from .blobs import LAB, UnitLine, corners, train_lab_net, unit_lines
from .common import Figures, Printer, percent

SEEDS = tuple(range(40))
SIMILAR_ANGLE = 25.0
"""Two lines less than this many degrees apart count as similar (nearly parallel)."""
KINDS = ("four corners", "similar lines", "two blobs share a corner", "dead unit")
"""How a run can end, checked in this order from the last: a unit that is zero on every
point is dead; lines under SIMILAR_ANGLE apart are similar; else the lines either give the
four blobs four different corners or leave two in one."""


def angle_between(first: UnitLine, second: UnitLine) -> float:
    """The angle between two lines in degrees, 0 (parallel) … 90 (perpendicular)."""
    a, b = np.array(first.weights), np.array(second.weights)
    cosine = abs(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.degrees(np.arccos(min(cosine, 1.0))))


@dataclass(frozen=True)
class SeedRun:
    """Where one seed's lab net ended."""

    seed: int
    accuracy: float
    loss: float
    lines: tuple[UnitLine, ...]
    angle: float
    dead_units: tuple[int, ...]
    """Hidden units with z ≤ 0 on every point: a = 0 and ∂J/∂w = 0, they never learn again."""
    corners: tuple[tuple[bool, ...], ...]
    weights: dict[str, np.ndarray]
    """The trained net's state (W1, b1, W2, b2)."""

    @property
    def kind(self) -> str:
        """How the run ended: one of KINDS."""
        if self.dead_units:
            return "dead unit"
        if self.angle < SIMILAR_ANGLE:
            return "similar lines"
        if len(set(self.corners)) == len(self.corners):
            return "four corners"
        return "two blobs share a corner"

    def describe(self) -> str:
        """One line: the angle, each line's split, accuracy and J."""
        splits = " and ".join(line.split() for line in self.lines)
        return (f"seed {self.seed:>2}: lines {self.angle:4.0f}° apart, splits {splits}, "
                f"accuracy {percent(self.accuracy):>7}, J = {self.loss:.3f}")


def sweep_run(seed: int, X: np.ndarray, y: np.ndarray) -> SeedRun:
    """Train the lab net from `seed` and read off its two lines."""
    net, history = train_lab_net(seed, X, y)
    lines = unit_lines(net, X, y)
    z = X @ net.layers[0].weight_matrix() + net.layers[0].bias_vector()
    dead = tuple(line.unit for j, line in enumerate(lines) if np.all(z[:, j] <= 0))
    return SeedRun(seed, nn.accuracy(net, X, y), history.loss[-1], tuple(lines),
                   angle_between(*lines), dead, tuple(corners(lines)), net.state_dict())


@dataclass
class BlobsSeedsResult:
    """The sweep: the data and one SeedRun per seed."""

    X: np.ndarray
    y: np.ndarray
    runs: list[SeedRun]
    figures: list[Path] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[SeedRun]:
        """The runs that ended as `kind`."""
        return [run for run in self.runs if run.kind == kind]


def _summary(runs: list[SeedRun], total: int, kind: str) -> str:
    if not runs:
        return f"  {kind:26} {0:>3} of {total}"
    accuracies = [run.accuracy for run in runs]
    return (f"  {kind:26} {len(runs):>3} of {total}   accuracy {percent(min(accuracies)):>7} … "
            f"{percent(max(accuracies)):>7} (mean {percent(float(np.mean(accuracies)))})")


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True,
        seeds: tuple[int, ...] = SEEDS) -> BlobsSeedsResult:
    say = Printer(verbose)
    X, y = datasets.blobs()
    runs = [sweep_run(seed, X, y) for seed in seeds]
    result = BlobsSeedsResult(X, y, runs)
    say(f"The lab net (2 → 2 ReLU → 4) on the lab's {len(X)} points, trained from "
        f"{len(runs)} seeds ({seeds[0]} … {seeds[-1]}),",
        f"each with {LAB.describe(len(X))}.", "",
        "How the two hidden units' lines ended:")
    for kind in KINDS:
        say(_summary(result.of_kind(kind), len(runs), kind))
    say("", "  four corners: the two lines cross between the blobs and give each blob its own "
        "combination of sides;",
        f"  similar lines: the lines are less than {SIMILAR_ANGLE:g}° apart, nearly parallel: "
        "at most three corners;",
        "  two blobs share a corner: one line splits the blobs 3 + 1 (or 4 + 0), so two blobs "
        "sit on the same sides of both;",
        "  dead unit: z ≤ 0 on every point, so a = 0 and its gradient is 0: it never comes back.",
        "", "The runs that did not end with four corners:")
    for run_ in runs:
        if run_.kind != "four corners":
            say(f"  {run_.kind:26} {run_.describe()}")
    similar, good = result.of_kind("similar lines"), result.of_kind("four corners")
    say("")
    if similar and good:
        perfect = sum(r.accuracy == 1.0 for r in good)
        say(f"Similar lines do happen: {len(similar)} runs in {len(runs)} "
            f"({percent(len(similar) / len(runs))}), not half of the time, and they land worse: "
            + ", ".join(percent(r.accuracy) for r in similar)
            + f", where {perfect} of the {len(good)} four-corner runs reach 100 % (mean "
            f"{percent(float(np.mean([r.accuracy for r in good])))}).")
    say("Nothing in J rewards two lines for being different: each unit follows its own gradient "
        "from where it started,",
        "and a start that sends both lines the same way can settle there. Training from another "
        "seed is the cheap cure.")
    figures = Figures("blobs-seeds", out_dir, plots, say)
    # the first run that found four corners; of every other kind, the worst run
    examples = {kind: min(found, key=lambda r: (r.accuracy if kind != KINDS[0] else r.seed))
                for kind in KINDS if (found := result.of_kind(kind))}
    figures.draw("blobs_seeds.png", seed_sweep,
                 [(run_.seed, run_.angle, run_.accuracy, run_.kind) for run_ in runs],
                 kinds=KINDS, similar_angle=SIMILAR_ANGLE, X=X, y=y,
                 examples=[(f"seed {run_.seed}: {kind}, {percent(run_.accuracy)}",
                            [(line.weights, line.bias) for line in run_.lines])
                           for kind, run_ in examples.items()],
                 title=f"The lab net from {len(runs)} seeds: the angle between its two lines "
                       "and the accuracy it reached")
    result.figures = figures.paths
    return result
