"""Seed versus tie: "is setting the seed the same as setting w1 = w3?" No.

A fixed seed fixes which random numbers are drawn: the run repeats exactly, and the numbers
still differ from each other, so the two hidden units start different and stay different.
A tie (w1 = w3, w2 = w4, w5 = w6) makes the units equal: they stay identical forever, and
that run repeats exactly too. The practice: random init, with the seed fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import nn
from ..plots import weight_trajectories
from ..seeding import manual_seed
from .common import GRADIENT_DESCENT, CoffeeData, Figures, Printer, coffee_data, percent, signed
from .seeds import fingerprint
from .symmetry import PAIRS, TIED

SEEDS = (0, 1)
"""The seed of the side-by-side comparison, and another one to show a different start."""


@dataclass
class Start:
    """One way to start the 2 → 2 → 1 coffee net, trained twice from scratch."""

    name: str
    model: nn.MLP
    history: nn.History
    again: nn.MLP
    """The same recipe run a second time."""
    accuracy: float

    @property
    def repeats(self) -> bool:
        """Both runs ended with every parameter equal, bit for bit."""
        first, second = self.model.state_dict(), self.again.state_dict()
        return all(np.array_equal(first[name], second[name]) for name in first)

    def gaps(self) -> np.ndarray:
        """|w1 − w3| at every recorded state."""
        return np.abs(self.history.trajectory("w1") - self.history.trajectory("w3"))

    @property
    def units_equal_all_along(self) -> bool:
        """Unit 1 (w1, w2, b1 → w5) equal to unit 2 (w3, w4, b2 → w6) at every recorded state."""
        return all(np.array_equal(state["W1"][:, 0], state["W1"][:, 1])
                   and state["b1"][0] == state["b1"][1] and state["W2"][0, 0] == state["W2"][1, 0]
                   for state in self.history.parameters)


def seeded_net(seed: int) -> nn.MLP:
    """Random init with the seed fixed: ts.manual_seed(seed), then the net (Glorot uniform)."""
    manual_seed(seed)
    return nn.MLP(2, [2, 1])


def tied_net() -> nn.MLP:
    """The tie: w1 = w3, w2 = w4, w5 = w6 (the symmetry story's start)."""
    return nn.MLP(2, [2, 1], init=TIED)


def trained_twice(name: str, build: Callable[[], nn.MLP], data: CoffeeData) -> Start:
    """Build and train the net twice from scratch with the same recipe."""
    model = build()
    history = GRADIENT_DESCENT.fit(model, data.features, data.y, record_parameters=True)
    again = build()
    GRADIENT_DESCENT.fit(again, data.features, data.y)
    return Start(name, model, history, again, nn.accuracy(model, data.features, data.y))


def _twice(start: Start) -> str:
    first, second = fingerprint(start.model), fingerprint(start.again)
    return f"yes (fingerprint {first} twice)" if start.repeats else f"no ({first}, {second})"


@dataclass
class SeedVsTieResult:
    """The two starts side by side, and the net another seed builds."""

    seeded: Start
    tied: Start
    other_seed: nn.MLP
    """The net as built with the other seed (not trained): a different start."""
    figures: list[Path] = field(default_factory=list)


def _unit(state: dict[str, np.ndarray], unit: int) -> str:
    """A hidden unit's two incoming weights → its outgoing weight, e.g. "+0.34, −1.12 → +0.89"."""
    W1, W2 = state["W1"], state["W2"][:, 0]
    return f"{signed(W1[0, unit], 2)}, {signed(W1[1, unit], 2)} → {signed(W2[unit], 2)}"


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True
        ) -> SeedVsTieResult:
    say = Printer(verbose)
    data = coffee_data()
    seed, other = SEEDS
    seeded = trained_twice(f"seed fixed: ts.manual_seed({seed})", lambda: seeded_net(seed), data)
    tied = trained_twice("tied: w1 = w3, w2 = w4, w5 = w6", tied_net, data)
    other_net = seeded_net(other)
    say("Is setting the seed the same as setting w1 = w3? No. The 2 → 2 → 1 coffee net, two "
        f"ways to start, each trained twice with {GRADIENT_DESCENT.describe()}:", "")
    width = 44
    rows = [
        ("", seeded.name, tied.name),
        ("start, unit 1: w1, w2 → w5", _unit(seeded.history.parameters[0], 0),
         _unit(tied.history.parameters[0], 0)),
        ("start, unit 2: w3, w4 → w6", _unit(seeded.history.parameters[0], 1),
         _unit(tied.history.parameters[0], 1)),
        ("run twice: same weights, bit for bit?", _twice(seeded), _twice(tied)),
        ("|w1 − w3| at the start", f"{seeded.gaps()[0]:.4f}", f"{tied.gaps()[0]:g}"),
        (f"|w1 − w3| after {GRADIENT_DESCENT.epochs} steps", f"{seeded.gaps()[-1]:.4f}",
         f"{tied.gaps()[-1]:g}"),
        ("units equal at every step?", "yes" if seeded.units_equal_all_along else "no",
         "yes" if tied.units_equal_all_along else "no"),
        ("training accuracy", percent(seeded.accuracy), percent(tied.accuracy)),
    ]
    for label, left, right in rows:
        say(f"  {label:38} {left:{width}}  {right}")
    say("", f"  Another seed ({other}) draws other numbers: unit 1 "
        f"{_unit(other_net.state_dict(), 0)}, unit 2 {_unit(other_net.state_dict(), 1)};",
        "  its units differ too. A seed decides WHICH random numbers you get, not whether they "
        "are equal.", "",
        "  Seed fixed: reproducible, and the units differ (symmetry broken). Tie: reproducible "
        "too, but the units are one unit",
        "  in two copies, forever (symmetry kept). The practice: random init with the seed fixed "
        "(ts.manual_seed(s) before",
        "  building the net), so the run repeats exactly and the units can learn different "
        "features.")
    figures = Figures("seed-vs-tie", out_dir, plots, say)
    figures.draw("seed_vs_tie.png", weight_trajectories,
                 [(f"{seeded.name}\nunit 1 (solid) and unit 2 (dashed) start and stay apart",
                   seeded.history),
                  (f"{tied.name}\nunit 2's dashed lines lie exactly on unit 1's", tied.history)],
                 PAIRS, title="A fixed seed repeats a run; a tie makes two units one")
    return SeedVsTieResult(seeded, tied, other_net, figures.paths)
