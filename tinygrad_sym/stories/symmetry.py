"""Symmetry: a 2 → 2 → 1 net started with w1 = w3, w2 = w4, w5 = w6 keeps its two hidden
units exactly equal however long it trains; break one tie (w5 ≠ w6) and they separate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import nn
from ..plots import weight_trajectories
from ..value import Value
from .common import (
    ADAM,
    EPOCHS,
    CoffeeData,
    Figures,
    Printer,
    coffee_data,
    first_step,
    percent,
    signed,
)

TIED = {"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.5}
"""The course's question: both hidden units start with the same weights (biases 0)."""
UNTIED = {**TIED, "w6": 0.6}
"""The same start with one tie broken: the output weighs unit 2 a little more than unit 1."""
PAIRS = (("w1", "w3"), ("w2", "w4"), ("w5", "w6"))


@dataclass
class SymmetryRun:
    """One start: the first step's gradients (scalar twin), the trained net, its history."""

    name: str
    init: dict[str, float]
    first_gradients: dict[str, float]
    graph: Value
    model: nn.MLP
    history: nn.History
    accuracy: float
    symmetric: list[nn.SymmetricGroup]

    def largest_gap(self, first: str, second: str) -> float:
        """The largest |first − second| over every recorded step (0: tied all along)."""
        return float(np.abs(self.history.trajectory(first)
                            - self.history.trajectory(second)).max())

    @property
    def units_identical(self) -> bool:
        """Unit 1 (w1, w2, b1 → w5) and unit 2 (w3, w4, b2 → w6) equal bit for bit."""
        W1, b1, W2 = (self.model.layers[0].weight_matrix(), self.model.layers[0].bias_vector(),
                      self.model.layers[1].weight_matrix())
        return bool(np.array_equal(W1[:, 0], W1[:, 1]) and b1[0] == b1[1] and W2[0] == W2[1])


@dataclass
class SymmetryResult:
    tied: SymmetryRun
    untied: SymmetryRun
    figures: list[Path] = field(default_factory=list)


def train_from(name: str, init: dict[str, float], data: CoffeeData) -> SymmetryRun:
    gradients, graph = first_step(nn.MLP(2, [2, 1], init=init, scalar=True), data)
    net = nn.MLP(2, [2, 1], init=init)
    history = ADAM.fit(net, data.features, data.y, record_parameters=True)
    return SymmetryRun(name, init, gradients, graph, net, history,
                       nn.accuracy(net, data.features, data.y), nn.symmetric_units(net))


def _number(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def _start(init: dict[str, float]) -> str:
    return ", ".join(f"{a} = {b} = {_number(init[a])}" if init[a] == init[b]
                     else f"{a} = {_number(init[a])}, {b} = {_number(init[b])}"
                     for a, b in PAIRS)


def _units(run: SymmetryRun) -> list[str]:
    W1, b1 = run.model.layers[0].weight_matrix(), run.model.layers[0].bias_vector()
    W2 = run.model.layers[1].weight_matrix()[:, 0]
    return [f"    unit {j + 1}: w{2 * j + 1} = {signed(W1[0, j], 6)}  w{2 * j + 2} = "
            f"{signed(W1[1, j], 6)}  b{j + 1} = {signed(b1[j], 6)}  → w{5 + j} = "
            f"{signed(W2[j], 6)}" for j in range(2)]


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True) -> SymmetryResult:
    say = Printer(verbose)
    data = coffee_data()
    tied = train_from("tied", TIED, data)
    untied = train_from("one tie broken", UNTIED, data)
    say("Symmetry: a 2 → 2 → 1 sigmoid net on the 200 coffee roasts (normalised), biases 0.",
        f"  tied:           {_start(TIED)}",
        f"  one tie broken: {_start(UNTIED)}", "",
        "First step (J = mean loss over the 200 roasts, computed on the scalar net):",
        f"  {'':16}{'∂J/∂w1':>12}{'∂J/∂w3':>12}   ∂J/∂w3 ÷ ∂J/∂w1")
    for run_ in (tied, untied):
        g1, g3 = run_.first_gradients["w1"], run_.first_gradients["w3"]
        verdict = "equal, bit for bit" if g1 == g3 else "different"
        say(f"  {run_.name:16}{signed(g1, 6):>12}{signed(g3, 6):>12}   {g3 / g1:.6f} "
            f"({verdict})")
    say("  For each roast, ∂J/∂w1 = ∂J/∂a3 · ∂a3/∂z3 · w5 · a1(1 − a1) · x1",
        "           and ∂J/∂w3 = ∂J/∂a3 · ∂a3/∂z3 · w6 · a2(1 − a2) · x1.",
        "  Equal starts make a1 = a2 for every roast, so the ratio is w6/w5: "
        f"{TIED['w6'] / TIED['w5']:g} tied, {UNTIED['w6'] / UNTIED['w5']:g} with the tie broken.",
        "")
    say(f"After {EPOCHS} steps of Adam:")
    for run_ in (tied, untied):
        found = "; ".join(map(str, run_.symmetric)) or "none"
        say(f"  {run_.name}: accuracy {percent(run_.accuracy)}, J = {run_.history.loss[-1]:.4f}",
            *_units(run_),
            f"    units identical (==): {'yes' if run_.units_identical else 'no'}; "
            f"symmetric_units: {found}")
    say(f"  Largest |w1 − w3| over all {len(tied.history.parameters)} recorded states: "
        f"{tied.largest_gap('w1', 'w3'):g} tied, {untied.largest_gap('w1', 'w3'):.3f} with the "
        "tie broken.",
        "  Two identical units are one unit: the tied net can only draw one line.")
    figures = Figures("symmetry", out_dir, plots, say)
    figures.draw("symmetry_weights.png", weight_trajectories,
                 [(f"tied: {_start(TIED)}\nunit 2's dashed lines lie exactly under unit 1's",
                   tied.history),
                  (f"tie broken: w5 = {UNTIED['w5']}, w6 = {UNTIED['w6']}", untied.history)],
                 PAIRS, title="Weights of unit 1 (solid) and unit 2 (dashed) during training")
    for run_, name in ((untied, "untied"), (tied, "tied")):
        figures.graph(f"symmetry_{name}_w1_vs_w3.png", run_.graph, ["w1", "w3"],
                      f"2→2→1, {run_.name}, first roast: why ∂J/∂w1 and ∂J/∂w3 "
                      f"{'are equal' if run_ is tied else 'differ'}")
        figures.film(f"symmetry_{name}_film.html", run_.history, run_.model, data.features[:1],
                     data.y[:1], f"Symmetry, {run_.name}: ∂J/∂w1 vs ∂J/∂w3 on the first roast")
    return SymmetryResult(tied, untied, figures.paths)

