"""Zero init: start a hidden layer at zero and its units stay identical forever, so the net
stalls at what one hidden unit can do; logistic regression (no hidden layer) from zeros
ends exactly where it ends from a random start."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import nn
from ..plots import loss_curves, weight_trajectories
from ..seeding import manual_seed
from ..value import Value
from .common import (
    EPOCHS,
    CoffeeData,
    Figures,
    Printer,
    coffee_data,
    first_step,
    percent,
    signed,
)
from .common import train as train_net

SEED = 0


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
    graph: Value
    figures: list[Path] = field(default_factory=list)


def _train(name: str, sizes: list[int], init: str | None, data: CoffeeData,
           record: bool = False) -> ZeroInitRun:
    manual_seed(SEED)
    net = nn.MLP(2, sizes, init=init)
    history = train_net(net, data.features, data.y, record_parameters=record)
    return ZeroInitRun(name, net, history, nn.accuracy(net, data.features, data.y))


def identical_at_every_step(run: ZeroInitRun) -> bool:
    """Replay the recorded states: were all hidden units one group of equals every time?"""
    probe = run.model.to_tensor()
    everyone = tuple(probe.layers[0].numbering.unit(j) for j in range(probe.layers[0].nout))
    for state in run.history.parameters:
        probe.load_state_dict(state)
        if [group.units for group in nn.symmetric_units(probe)] != [everyone]:
            return False
    return True


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
    say("Zero init: every weight and bias of a 2 → 3 → 1 sigmoid net starts at 0 "
        "(coffee roasts, normalised).",
        "First step: the hidden weights get no gradient at all (their outgoing weights are 0),",
        "and the three output weights get the same one (the three activations are all 0.5):",
        "  " + "  ".join(f"∂J/∂{name} = {signed(gradients[name], 4) if gradients[name] else 0}"
                         for name in ("w1", "w3", "w5", "w7", "w8", "w9")), "",
        f"After {EPOCHS} steps of Adam:")
    for run_ in (hidden_zeros, hidden_random):
        say(f"  {run_.name:26} accuracy {percent(run_.accuracy):>7}   J = {run_.loss:.4f}")
    W1 = hidden_zeros.model.layers[0].W.data
    checkpoints = [1, 10, 100, EPOCHS]
    say(f"  From zeros the three hidden units were identical at all "
        f"{len(hidden_zeros.history.parameters)} recorded states: "
        f"{'yes' if identical else 'no'}.",
        f"  Their incoming weights now: {', '.join(signed(w, 4) for w in W1[0])} (on x1) and "
        f"{', '.join(signed(w, 4) for w in W1[1])} (on x2).",
        "  Learning stalls: J at step "
        + ", ".join(f"{k}: {hidden_zeros.history.loss[k - 1]:.4f}" for k in checkpoints)
        + f" (from random, at step {EPOCHS}: {hidden_random.loss:.4f}).",
        f"  Calling every roast bad would score {percent(1 - float(data.y.mean()))}.",
        "  Three copies of one unit draw one line; the good roasts need three.", "",
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
                          identical, gradients, graph, figures.paths)

