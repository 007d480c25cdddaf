"""Zero init: start a hidden layer at zero and its units stay identical forever. At step 1
the hidden weights' gradients are 0 (their outgoing weights are 0); from step 2 on they are
non-zero but the same for every unit, so the units move together. The net learns, but only
what one hidden unit can; logistic regression (no hidden layer) from zeros ends exactly
where it ends from a random start."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import nn
from ..plots import loss_curves, weight_trajectories
from ..seeding import manual_seed
from ..value import Value
from .common import (
    ADAM,
    EPOCHS,
    CoffeeData,
    Figures,
    Printer,
    coffee_data,
    first_step,
    net_at,
    percent,
    signed,
)

SEED = 0
ONE_UNIT_SEEDS = (0, 1, 2, 3)
HIDDEN_X1 = ("w1", "w3", "w5")
"""The weight on x1 of hidden units 1, 2, 3."""
OUTGOING = ("w7", "w8", "w9")
"""The output unit's weights on a1, a2, a3."""


@dataclass
class ZeroInitRun:
    name: str
    model: nn.MLP
    history: nn.History
    accuracy: float

    @property
    def loss(self) -> float:
        return self.history.loss[-1]


@dataclass
class ZeroInitResult:
    hidden_zeros: ZeroInitRun
    hidden_random: ZeroInitRun
    logistic_zeros: ZeroInitRun
    logistic_random: ZeroInitRun
    identical_every_step: bool
    """The zero-init net's hidden units were one symmetric group at every recorded state."""
    first_gradients: dict[str, float]
    """∂J/∂(each parameter) of the zero-init 2 → 3 → 1 net at its first step (scalar twin)."""
    step_gradients: list[dict[str, float]]
    """∂J/∂(each parameter) before steps 1, 2, 3 of the zero-init net's training (scalar twin)."""
    one_unit: list[ZeroInitRun]
    """2 → 1 → 1 nets (one hidden unit) from random starts, trained the same way."""
    graph: Value
    figures: list[Path] = field(default_factory=list)


def _train(name: str, sizes: list[int], init: str | None, data: CoffeeData,
           record: bool = False, seed: int = SEED) -> ZeroInitRun:
    manual_seed(seed)
    net = nn.MLP(2, sizes, init=init)
    history = ADAM.fit(net, data.features, data.y, record_parameters=record)
    return ZeroInitRun(name, net, history, nn.accuracy(net, data.features, data.y))


def equivalent_one_unit_net(model: nn.Sequential) -> nn.MLP:
    """A 2 → 1 → 1 net computing what `model` (hidden units all equal) computes: unit 1's
    incoming weights and bias, the output weights summed (3·w7 for three equal units)."""
    first, second = model.layers[0], model.layers[1]
    one = nn.MLP(2, [1, 1])
    one.load_state_dict({"W1": first.weight_matrix()[:, :1], "b1": first.bias_vector()[:1],
                         "W2": second.weight_matrix().sum(axis=0, keepdims=True),
                         "b2": second.bias_vector()})
    return one


def identical_at_every_step(run: ZeroInitRun) -> bool:
    """Replay the recorded states: were all hidden units one group of equals every time?"""
    probe = run.model.to_tensor()
    everyone = tuple(probe.layers[0].numbering.unit(j) for j in range(probe.layers[0].nout))
    for state in run.history.parameters:
        probe.load_state_dict(state)
        if [group.units for group in nn.symmetric_units(probe)] != [everyone]:
            return False
    return True


def gradients_at(run: ZeroInitRun, step: int, data: CoffeeData) -> dict[str, float]:
    """∂J/∂(each parameter) at the state before `step` (1: the start), J over all roasts,
    computed on the scalar twin (one node per weight, no matrix rounding)."""
    twin = net_at(run.model, run.history.parameters[step - 1]).to_scalar()
    nn.cost(twin, data.features, data.y).backward()
    return {name: parameter.grad for name, parameter in twin.named_parameters()}


def _weights(run: ZeroInitRun) -> str:
    return "  ".join(f"{name} = {signed(float(value), 4)}"
                     for name, value in run.model.to_scalar().state_dict().items())


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True) -> ZeroInitResult:
    say = Printer(verbose)
    data = coffee_data()
    gradients, graph = first_step(nn.MLP(2, [3, 1], init="zeros", scalar=True), data)
    hidden_zeros = _train("2 → 3 → 1 from zeros", [3, 1], "zeros", data, record=True)
    hidden_random = _train("2 → 3 → 1 from random", [3, 1], None, data)
    logistic_zeros = _train("logistic regression from zeros", [1], "zeros", data)
    logistic_random = _train("logistic regression from random", [1], None, data)
    identical = identical_at_every_step(hidden_zeros)
    steps = [gradients_at(hidden_zeros, step, data) for step in (1, 2, 3)]
    one_unit = [_train(f"2 → 1 → 1, seed {seed}", [1, 1], None, data, seed=seed)
                for seed in ONE_UNIT_SEEDS]

    def row(gradients: dict[str, float], names: tuple[str, ...]) -> str:
        return "  ".join(f"∂J/∂{name} = {signed(gradients[name], 5) if gradients[name] else 0}"
                         for name in names)

    say("Zero init: every weight and bias of a 2 → 3 → 1 sigmoid net starts at 0 "
        "(coffee roasts, normalised).",
        f"Trained with {ADAM.describe()}. The gradients of unit 1, 2, 3's weight on x1 "
        "(w1, w3, w5) and of the output weights (w7, w8, w9):",
        f"  step 1: {row(steps[0], HIDDEN_X1)}   {row(steps[0], OUTGOING)}",
        "          the hidden gradients are exactly 0: each passes through its unit's outgoing "
        "weight, and those are 0;",
        "          the output weights get one and the same gradient (all three activations "
        "are 0.5).",
        f"  step 2: {row(steps[1], HIDDEN_X1)}   {row(steps[1], OUTGOING)}",
        f"  step 3: {row(steps[2], HIDDEN_X1)}   {row(steps[2], OUTGOING)}",
        "          from step 2 on the hidden gradients are NOT zero (the outgoing weights have "
        "moved), but they are",
        "          identical for the three units, so the three units take identical steps.", "",
        f"After {EPOCHS} steps:")
    for run_ in (hidden_zeros, hidden_random):
        say(f"  {run_.name:26} accuracy {percent(run_.accuracy):>7}   J = {run_.loss:.4f}")
    W1 = hidden_zeros.model.layers[0].weight_matrix()
    checkpoints = [1, 10, 100, EPOCHS]
    losses = [run_.loss for run_ in one_unit]
    twin = equivalent_one_unit_net(hidden_zeros.model)
    difference = np.abs(nn.predict(twin, data.features)
                        - nn.predict(hidden_zeros.model, data.features)).max()
    say(f"  From zeros the three hidden units were identical at all "
        f"{len(hidden_zeros.history.parameters)} recorded states: "
        f"{'yes' if identical else 'no'}.",
        f"  Their incoming weights now: {', '.join(signed(w, 4) for w in W1[0])} (on x1) and "
        f"{', '.join(signed(w, 4) for w in W1[1])} (on x2).",
        "  The net does learn: J at step "
        + ", ".join(f"{k}: {hidden_zeros.history.loss[k - 1]:.4f}" for k in checkpoints) + ".",
        "  But only as much as ONE hidden unit can: three equal units are one unit whose "
        "outgoing weight is 3·w7",
        f"  (that 2 → 1 → 1 net gives the same outputs, largest difference {difference:.1e}),",
        f"  and 2 → 1 → 1 nets trained from {len(one_unit)} random starts end at J = "
        f"{min(losses):.4f} … {max(losses):.4f}, accuracy "
        + ", ".join(sorted({percent(run_.accuracy) for run_ in one_unit})) + ".",
        f"  {percent(hidden_zeros.accuracy)} is also what calling every roast bad scores "
        f"({percent(1 - float(data.y.mean()))}): the zero-init net calls "
        f"{int(np.sum(nn.predict(hidden_zeros.model, data.features) >= 0.5))} roasts good.",
        "  One line cannot carve out the good-roast window; it takes three (from random: "
        f"J = {hidden_random.loss:.4f}).", "",
        "Logistic regression (2 → 1, no hidden layer), same data, same training:")
    for run_ in (logistic_zeros, logistic_random):
        say(f"  {run_.name:32} accuracy {percent(run_.accuracy):>7}   J = {run_.loss:.6f}",
            f"    {_weights(run_)}")
    say("  Same weights, same accuracy: its loss is convex and there are no units to keep "
        "apart, so zeros are a fine start.",
        "  (One line cannot carve out the good-roast window, hence its modest accuracy.)")
    figures = Figures("zero-init", out_dir, plots, say)
    figures.draw("zero_init_loss.png", loss_curves, [
        ("2 → 3 → 1: zeros stall", {"from zeros": hidden_zeros.history,
                                    "from random": hidden_random.history}),
        ("logistic regression: zeros are fine", {"from zeros": logistic_zeros.history,
                                                 "from random": logistic_random.history}),
    ], title="Loss during training, from zeros and from a random start")
    figures.draw("zero_init_weights.png", weight_trajectories,
                 [("2 → 3 → 1 from zeros", hidden_zeros.history)],
                 (("w1", "w3", "w5"), ("w2", "w4", "w6"), ("w7", "w8", "w9")),
                 title="Each colour: one weight of units 1, 2, 3,\nequal at every step")
    figures.graph("zero_init_graph.png", graph, ["w1", "w3"],
                  "2→3→1 from zeros, first roast: ∂J/∂w1 = ∂J/∂w3 (every factor equal)")
    figures.film("zero_init_film.html", hidden_zeros.history, hidden_zeros.model,
                 data.features[:1], data.y[:1],
                 "Zero init, 2→3→1: ∂J/∂w1 vs ∂J/∂w3 on the first roast")
    return ZeroInitResult(hidden_zeros, hidden_random, logistic_zeros, logistic_random,
                          identical, gradients, steps, one_unit, graph, figures.paths)

