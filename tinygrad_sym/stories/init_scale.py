"""Init scale: why Glorot, and not "any numbers"?

The coffee net (2 → 3 → 1, sigmoid) started from Glorot-uniform weights multiplied by
0.01, 1, 10 and 100. Large weights make |z| large, where the sigmoid is flat: a = σ(z) is
0 or 1 and its slope a(1 − a) is near 0. Every gradient into a hidden unit carries that
factor (∂J/∂w1 = … · a1(1 − a1) · x1), so the hidden weights barely move and gradient
descent crawls. Glorot's limit √(6 / (fan_in + fan_out)) keeps z about as large as the
normalised inputs, where the slope is near its maximum 0.25. Tiny weights are the other
failure: every unit is nearly the same and the gradients through the tiny outgoing
weights are tiny, so training starts on a plateau.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import nn
from ..plots import init_scales
from ..seeding import manual_seed
from .common import GRADIENT_DESCENT, CoffeeData, Figures, Printer, coffee_data, percent

SCALES = (0.01, 1.0, 10.0, 100.0)
"""Multipliers of the Glorot-uniform start (1: Glorot itself)."""
SEEDS = (0, 1, 2)
SATURATED = 0.01
"""A sigmoid unit whose slope a(1 − a) is below this (|z| > 4.6) passes on under 4 % of the
gradient it would pass at z = 0."""
CHECKPOINTS = (1, 100, 300, 1000, GRADIENT_DESCENT.epochs)
"""The steps whose J is printed (J at step 1 is the cost at the start)."""


def slopes(state: dict[str, np.ndarray], features: np.ndarray) -> np.ndarray:
    """a(1 − a) of every hidden unit on every example (n × units): the sigmoid's slope,
    the factor every gradient into that unit is multiplied by."""
    z = features @ state["W1"] + state["b1"]
    a = 1 / (1 + np.exp(-z))
    return a * (1 - a)


@dataclass
class ScaledRun:
    """The coffee net from one seed's Glorot start times `scale`, trained."""

    scale: float
    seed: int
    start: dict[str, np.ndarray]
    history: nn.History
    accuracy: float
    slopes: np.ndarray
    """a(1 − a) of each hidden unit on each roast at the start."""
    end: dict[str, np.ndarray]
    """The trained net's state."""

    @property
    def hidden_moved(self) -> float:
        """How far the hidden weights moved in training, relative to where they started:
        ‖W1(end) − W1(start)‖ / ‖W1(start)‖."""
        return float(np.linalg.norm(self.end["W1"] - self.start["W1"])
                     / np.linalg.norm(self.start["W1"]))

    @property
    def saturated(self) -> float:
        """The share of (roast, hidden unit) pairs with a(1 − a) < SATURATED at the start."""
        return float(np.mean(self.slopes < SATURATED))


def scaled_run(scale: float, seed: int, data: CoffeeData) -> ScaledRun:
    """The coffee net from seed `seed`'s Glorot start × `scale`, trained by gradient descent."""
    manual_seed(seed)
    net = nn.MLP(2, [3, 1])
    start = {name: value * scale for name, value in net.state_dict().items()}
    net.load_state_dict(start)
    history = GRADIENT_DESCENT.fit(net, data.features, data.y)
    return ScaledRun(scale, seed, start, history, nn.accuracy(net, data.features, data.y),
                     slopes(start, data.features), net.state_dict())


@dataclass
class InitScaleResult:
    """One ScaledRun per (scale, seed)."""

    runs: list[ScaledRun]
    figures: list[Path] = field(default_factory=list)

    def of_scale(self, scale: float) -> list[ScaledRun]:
        """The runs started at `scale` × Glorot."""
        return [run for run in self.runs if run.scale == scale]


def _name(scale: float) -> str:
    return "Glorot" if scale == 1 else f"Glorot × {scale:g}"


def _spread(values: list[float], digits: int) -> str:
    low, high = f"{min(values):.{digits}f}", f"{max(values):.{digits}f}"
    return low if low == high else f"{low}–{high}"


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True,
        seeds: tuple[int, ...] = SEEDS) -> InitScaleResult:
    say = Printer(verbose)
    data = coffee_data()
    runs = [scaled_run(scale, seed, data) for scale in SCALES for seed in seeds]
    result = InitScaleResult(runs)
    limit = math.sqrt(6 / (2 + 3))
    say("Why Glorot and not any numbers? The coffee net (2 → 3 → 1 sigmoid) from Glorot-uniform "
        f"weights (|w| < √(6/(2 + 3)) = {limit:.2f}",
        "in the hidden layer) multiplied by a scale, seeds "
        f"{', '.join(map(str, seeds))}, trained with {GRADIENT_DESCENT.describe()}.", "",
        "At the start, over the 200 roasts × 3 hidden units, the sigmoid's slope a(1 − a), "
        "the factor every gradient into a hidden unit carries:",
        f"  {'start':16}{'mean a(1 − a)':>16}{'share with a(1 − a) < ' + str(SATURATED):>32}")
    for scale in SCALES:
        chosen = result.of_scale(scale)
        say(f"  {_name(scale):16}{_spread([float(r.slopes.mean()) for r in chosen], 3):>16}"
            f"{_spread([r.saturated for r in chosen], 2):>32}")
    say("", "During training:",
        f"  {'start':16}" + "".join(f"{'J at step ' + str(step):>16}" for step in CHECKPOINTS)
        + f"{'‖ΔW1‖ / ‖W1‖':>19}{'accuracy':>19}")
    for scale in SCALES:
        chosen = result.of_scale(scale)
        accuracies = sorted({percent(r.accuracy) for r in chosen})
        say(f"  {_name(scale):16}"
            + "".join(f"{_spread([r.history.loss[step - 1] for r in chosen], 3):>16}"
                      for step in CHECKPOINTS)
            + f"{_spread([r.hidden_moved for r in chosen], 2):>19}"
            + f"{' … '.join(dict.fromkeys([accuracies[0], accuracies[-1]])):>19}")
    glorot, large = result.of_scale(1.0), result.of_scale(max(SCALES))
    small = result.of_scale(min(SCALES))
    say("  (‖ΔW1‖ / ‖W1‖: how far the hidden weights moved in training, relative to their "
        "start.)", "",
        "  Glorot: the hidden units start where the sigmoid is steep (mean slope "
        f"{np.mean([r.slopes.mean() for r in glorot]):.2f}; the maximum is 0.25), and training "
        "takes off.",
        f"  × {max(SCALES):g}: z is large, so a is 0 or 1 with a(1 − a) < {SATURATED} for "
        f"{percent(float(np.mean([r.saturated for r in large])))} of the (roast, unit) pairs.",
        "  That factor sits in every hidden gradient, ∂J/∂w1 = ∂J/∂a4 · ∂a4/∂z4 · w7 · "
        "a1(1 − a1) · x1, so the hidden weights",
        f"  barely move (by {_spread([r.hidden_moved for r in large], 2)} of their size, against "
        f"{_spread([r.hidden_moved for r in glorot], 1)} for Glorot). The output is saturated "
        "too, confidently wrong:",
        f"  J starts far above ln 2 = 0.69 and is still "
        f"{_spread([r.history.loss[-1] for r in large], 2)} after {GRADIENT_DESCENT.epochs} "
        "steps. Learning crawls, or stalls.",
        f"  × {min(SCALES):g}: no saturation, but the units start nearly equal with tiny outgoing "
        "weights, so the hidden gradients are tiny",
        f"  at first: J at step 300 is {_spread([r.history.loss[299] for r in small], 3)} "
        f"against {_spread([r.history.loss[299] for r in glorot], 3)} for Glorot; later it "
        "catches up.",
        "  Glorot's limit √(6 / (fan_in + fan_out)) makes z about as spread as the (normalised) "
        "inputs: random enough to break",
        "  the symmetry, small enough to stay where the sigmoid has a slope.")
    figures = Figures("init-scale", out_dir, plots, say)
    first = seeds[0]
    figures.draw("init_scale.png", init_scales,
                 {_name(r.scale): r.slopes.ravel() for r in runs if r.seed == first},
                 {_name(r.scale): r.history for r in runs if r.seed == first},
                 saturated=SATURATED,
                 title=f"Large initial weights saturate the sigmoid (seed {first}): "
                       "slopes near 0, learning crawls")
    result.figures = figures.paths
    return result
