"""Asymmetry: how small a difference between two hidden units is enough to separate them?

Start the 2 → 2 → 1 coffee net tied (w1 = w3, w2 = w4, w5 = w6) except for w6 − w5 = ε and
train it by gradient descent. The tied state is unstable: the gap |w1 − w3| grows by about
the same factor every step, so ε = 1e−12 separates the units too, only later: each factor
of 10 in ε costs about the same number of extra steps. ε = 0 keeps them equal forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import nn
from ..plots import gap_growth
from .common import GRADIENT_DESCENT, CoffeeData, Figures, Printer, coffee_data, percent
from .symmetry import TIED

NUDGES = (0.0, 1e-12, 1e-6, 1e-3, 0.1)
"""The values of w6 − w5 at the start (w5 = 0.5); 0 is the tie itself."""
THRESHOLD = 0.01
"""A gap |w1 − w3| you can see: the weights printed to two decimals differ."""
TRAINING = GRADIENT_DESCENT
"""Gradient descent as in the coffee story: long enough for ε = 1e−12 to separate."""


@dataclass
class NudgedRun:
    """One start, w6 = w5 + nudge, trained; the gap |w1 − w3| at every recorded state."""

    nudge: float
    history: nn.History
    gaps: np.ndarray
    accuracy: float

    @property
    def crossing(self) -> int | None:
        """The first step after which |w1 − w3| > THRESHOLD (None: never)."""
        above = np.flatnonzero(self.gaps > THRESHOLD)
        return int(above[0]) if above.size else None


def nudged_run(nudge: float, data: CoffeeData) -> NudgedRun:
    """Train the tied 2 → 2 → 1 net with w6 = w5 + nudge, recording every state."""
    net = nn.MLP(2, [2, 1], init={**TIED, "w6": TIED["w5"] + nudge})
    history = TRAINING.fit(net, data.features, data.y, record_parameters=True)
    gaps = np.abs(history.trajectory("w1") - history.trajectory("w3"))
    return NudgedRun(nudge, history, gaps, nn.accuracy(net, data.features, data.y))


def growth_per_step(run: NudgedRun) -> float:
    """The gap's growth factor per step while it is small but no longer the nudge itself: a
    straight-line fit of log(gap) over the steps where 100·ε < gap < 0.001."""
    steps = np.flatnonzero((run.gaps > 100 * run.nudge) & (run.gaps < 1e-3))
    slope = np.polyfit(steps, np.log(run.gaps[steps]), 1)[0]
    return float(np.exp(slope))


@dataclass
class AsymmetryResult:
    """Every nudged run and the gap's fitted growth per step."""

    runs: list[NudgedRun]
    growth: float
    """The factor by which the gap grows per step (fitted on the smallest nudge)."""
    figures: list[Path] = field(default_factory=list)

    def run_for(self, nudge: float) -> NudgedRun:
        """The run that started with w6 − w5 = nudge."""
        return next(run for run in self.runs if run.nudge == nudge)


def _nudge(value: float) -> str:
    if value == 0:
        return "0 (tied)"
    text = f"{value:g}" if value >= 1e-3 else f"{value:.0e}".replace("e-0", "e-")
    return text.replace("e-", "e−")


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True) -> AsymmetryResult:
    say = Printer(verbose)
    data = coffee_data()
    runs = [nudged_run(nudge, data) for nudge in NUDGES]
    smallest = min((run for run in runs if run.nudge > 0), key=lambda run: run.nudge)
    growth = growth_per_step(smallest)
    say("How small an asymmetry is enough? The 2 → 2 → 1 sigmoid net on the coffee roasts, "
        "started tied:",
        f"  w1 = w3 = {TIED['w1']:g}, w2 = w4 = {TIED['w2']:g}, w5 = {TIED['w5']:g}, "
        "w6 = w5 + ε, biases 0;".replace("-", "−"),
        f"  trained with {TRAINING.describe()}.", "",
        f"  {'ε = w6 − w5':14}{'first step with |w1 − w3| > ' + str(THRESHOLD):>36}"
        f"{'|w1 − w3| at step 100':>24}   at step {TRAINING.epochs}: J, accuracy")
    for run_ in runs:
        crossing = "never" if run_.crossing is None else str(run_.crossing)
        say(f"  {_nudge(run_.nudge):14}{crossing:>36}{run_.gaps[100]:>24.2e}"
            f"{run_.history.loss[-1]:>17.4f}, {percent(run_.accuracy)}".replace("e-", "e−"))
    tied = runs[0]
    # while ε is well below the threshold the growth is exponential all the way up to it
    largest = max((run_ for run_ in runs if 0 < run_.nudge <= THRESHOLD / 10),
                  key=lambda run_: run_.nudge)
    assert smallest.crossing is not None and largest.crossing is not None, "both runs part"
    steps = smallest.crossing - largest.crossing
    decades = np.log10(largest.nudge / smallest.nudge)
    say("", f"  ε = 0: |w1 − w3| is 0 at all {len(tied.gaps)} recorded states; the units stay "
        f"equal and the net stays at {percent(tied.accuracy)}.",
        f"  Any ε > 0 separates them. While the gap is small it grows ×{growth:.3f} per step "
        f"(doubling every {np.log(2) / np.log(growth):.1f} steps),",
        "  roughly exponentially: the tied state is unstable, like a pencil on its tip. A 10× "
        f"smaller ε costs about {np.log(10) / np.log(growth):.0f} more steps",
        f"  (measured from ε = {_nudge(smallest.nudge)} to {_nudge(largest.nudge)}: {steps} steps "
        f"for {decades:.0f} factors of 10, {steps / decades:.0f} per factor).",
        "  However small the nudge, the units end up different and the net ends equally good; "
        "the nudge decides only when.",
        "  (Float64 keeps about 16 digits: w6 = 0.5 + 1e−12 is still a different number from "
        "0.5, 1e−17 would not be.)")
    figures = Figures("asymmetry", out_dir, plots, say)
    figures.draw("asymmetry_gap.png", gap_growth,
                 [(f"ε = {_nudge(run_.nudge)}", run_.gaps, run_.crossing) for run_ in runs[1:]],
                 threshold=THRESHOLD, until=600,
                 title="Tied but for w6 − w5 = ε: the gap |w1 − w3| grows exponentially\n"
                       "(ε = 0: the gap is 0 at every step, which a log scale cannot show)")
    return AsymmetryResult(runs, growth, figures.paths)
