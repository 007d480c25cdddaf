"""Minima: "if the cost had only one minimum, wouldn't all units reach the same weights?"

It has many. Reorder the hidden units of the trained coffee net, or mirror a sigmoid unit
(σ(−z) = 1 − σ(z): flip its weights and bias, flip its outgoing weight and move the output
bias), and you get a different weight vector with exactly the same cost: 3! · 2³ = 48 of
them. Halfway between a net and its twin with units 1 and 2 swapped, those two units are
equal, and the cost there is far higher. A start with all units equal stays equal (every
unit gets the same gradient), so gradient descent ends far worse, stuck only because it
started exactly there: noise of size 1e−6 and it leaves. One cost for the whole net, not
one minimum per unit.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import nn
from ..plots import cost_between_twins
from .coffee import SEED, train_coffee_net
from .common import (
    GRADIENT_DESCENT,
    CoffeeData,
    Figures,
    Printer,
    coffee_data,
    net_at,
    percent,
    scalar_gradients,
)

State = dict[str, np.ndarray]
NUDGE = 1e-6
NUDGE_TEXT = "1e−6"
"""The size of the random numbers added to every parameter of the all-equal start."""
PATH_POINTS = np.linspace(-0.25, 1.25, 61)
"""Where on the straight line from a net (t = 0) to its twin (t = 1) the cost is measured."""


def permuted(state: State, order: tuple[int, ...]) -> State:
    """The same net with its hidden units listed in `order` (0-based)."""
    order_ = list(order)
    return {"W1": state["W1"][:, order_], "b1": state["b1"][order_], "W2": state["W2"][order_],
            "b2": state["b2"].copy()}


def mirrored(state: State, unit: int) -> State:
    """The same function with hidden unit `unit` (0-based) mirrored: its z becomes −z, so
    a becomes 1 − a; its outgoing weight v becomes −v and the output bias gains v."""
    mirror = {name: value.copy() for name, value in state.items()}
    mirror["W1"][:, unit] *= -1
    mirror["b1"][unit] *= -1
    mirror["b2"] += state["W2"][unit]
    mirror["W2"][unit] *= -1
    return mirror


def twins(state: State) -> list[State]:
    """Every reordering of the hidden units combined with every choice of mirrored units."""
    units = state["W1"].shape[1]
    found = []
    for order in itertools.permutations(range(units)):
        for flips in itertools.product((False, True), repeat=units):
            twin = permuted(state, order)
            for unit in np.flatnonzero(flips):
                twin = mirrored(twin, int(unit))
            found.append(twin)
    return found


def all_units_equal(state: State) -> State:
    """The net whose hidden units are all the average unit of `state` (incoming weights,
    bias and outgoing weight averaged): a point where every unit is equal, at the scale of
    `state`."""
    units = state["W1"].shape[1]
    return {"W1": np.repeat(state["W1"].mean(axis=1, keepdims=True), units, axis=1),
            "b1": np.repeat(state["b1"].mean(), units),
            "W2": np.repeat(state["W2"].mean(axis=0, keepdims=True), units, axis=0),
            "b2": state["b2"].copy()}


def nudged(state: State, size: float, seed: int = 0) -> State:
    """`state` plus independent normal noise of standard deviation `size` on every parameter."""
    noise = np.random.default_rng(seed)
    return {name: value + size * noise.standard_normal(value.shape)
            for name, value in state.items()}


def between(first: State, second: State, t: float) -> State:
    """The point (1 − t)·first + t·second of the straight line between two nets."""
    return {name: (1 - t) * first[name] + t * second[name] for name in first}


def flatten(state: State) -> np.ndarray:
    """All parameters of a state in one vector (W1, b1, W2, b2): a point in weight space."""
    return np.concatenate([np.ravel(state[name]) for name in ("W1", "b1", "W2", "b2")])


@dataclass
class Outcome:
    """A trained net: where it ended and how good it is there."""

    name: str
    model: nn.MLP
    history: nn.History
    loss: float
    accuracy: float
    gradient_norm: float
    """|∂J/∂θ| at the end: near 0 means gradient descent has (nearly) stopped moving."""


def outcome(name: str, model: nn.MLP, history: nn.History, data: CoffeeData) -> Outcome:
    """Where a trained net ended: its J, accuracy and gradient norm on the roasts."""
    gradients = scalar_gradients(model, data.features, data.y)
    return Outcome(name, model, history, float(nn.cost(model, data.features, data.y).data),
                   nn.accuracy(model, data.features, data.y),
                   float(np.linalg.norm(list(gradients.values()))))


@dataclass
class MinimaResult:
    """What the minima story found: the trained net and its twins, the costs between them,
    and the all-equal start with and without a nudge."""

    trained: Outcome
    twin_losses: list[float]
    twin_states: list[State]
    path: np.ndarray
    """J along the line from the trained net (t = 0) to its twin with units 1 ↔ 2 (t = 1)."""
    mirror_path: np.ndarray
    """J along the line from the trained net to its twin with unit 3 mirrored."""
    path_accuracy_halfway: float
    all_equal: Outcome
    """Trained from every unit = the average unit of `trained`."""
    equal_all_along: bool
    """The all-equal run's units were equal at every recorded state."""
    nudged: Outcome
    """Trained from the all-equal start plus noise of size NUDGE."""
    figures: list[Path] = field(default_factory=list)


def _costs(model: nn.MLP, states: list[State], data: CoffeeData) -> list[float]:
    return [float(nn.cost(net_at(model, state), data.features, data.y).data) for state in states]


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True) -> MinimaResult:
    say = Printer(verbose)
    data = coffee_data()
    model, history = train_coffee_net(SEED, data, record_parameters=True)
    trained = outcome(f"random start (seed {SEED})", model, history, data)
    state = model.state_dict()
    found = twins(state)
    losses = _costs(model, found, data)
    vectors = np.array([flatten(twin) for twin in found])
    distances = np.linalg.norm(vectors[:, None] - vectors[None], axis=-1)
    closest = distances[~np.eye(len(found), dtype=bool)].min()
    swap = permuted(state, (1, 0, 2))
    path = np.array(_costs(model, [between(state, swap, t) for t in PATH_POINTS], data))
    mirror_path = np.array(_costs(model, [between(state, mirrored(state, 2), t)
                                          for t in PATH_POINTS], data))
    halfway = net_at(model, between(state, swap, 0.5))
    halfway_accuracy = nn.accuracy(halfway, data.features, data.y)
    equal_start = all_units_equal(history.parameters[0])
    equal_net = net_at(model, equal_start)
    equal_history = GRADIENT_DESCENT.fit(equal_net, data.features, data.y,
                                         record_parameters=True)
    all_equal = outcome("start with all units equal", equal_net, equal_history, data)
    nudged_net = net_at(model, nudged(equal_start, NUDGE))
    nudged_history = GRADIENT_DESCENT.fit(nudged_net, data.features, data.y)
    near = outcome(f"the same start + noise of size {NUDGE_TEXT}", nudged_net, nudged_history,
                   data)
    equal_all_along = all(np.all(recorded["W1"] == recorded["W1"][:, :1])
                          and np.all(recorded["W2"] == recorded["W2"][0])
                          for recorded in equal_history.parameters)
    t_mid = int(np.argmin(np.abs(PATH_POINTS - 0.5)))
    say("One cost, many minima. The coffee net (2 → 3 → 1, seed 0), trained by "
        f"{GRADIENT_DESCENT.describe()}:",
        f"  J = {trained.loss:.6f}, accuracy {percent(trained.accuracy)}, "
        f"|∂J/∂θ| = {trained.gradient_norm:.1e} (gradient descent has nearly stopped).", "",
        "1. Reorder its hidden units (3! = 6 ways) and mirror any of them (2³ = 8 ways; a "
        "mirrored sigmoid unit computes 1 − a,",
        "   its outgoing weight flips sign and the output bias takes it up): "
        f"{len(found)} nets.",
        f"   They are {len(found)} different points in weight space (the closest two are "
        f"{closest:.2f} apart), and their costs are",
        f"   J = {min(losses):.12f} … {max(losses):.12f}: the same, to rounding. So the cost "
        f"has at least {len(found)} minima this low,",
        "   and a unit's weights say nothing by themselves: which unit learns which feature is "
        "decided by the start.", "",
        "2. Walk the straight line from the net (t = 0) to its twin with units 1 and 2 swapped "
        "(t = 1):",
        "   " + ", ".join(f"t = {t:g}: J = {path[np.argmin(np.abs(PATH_POINTS - t))]:.4f}"
                          for t in (0, 0.25, 0.5, 0.75, 1)),
        f"   Halfway, units 1 and 2 are equal (their average); J is {path[t_mid]:.4f}, "
        f"accuracy {percent(halfway_accuracy)}: a hill between two equally deep valleys,",
        "   not one bowl. (Towards the twin with unit 3 mirrored, J halfway is "
        f"{mirror_path[t_mid]:.4f}: unit 3 is silenced there.)", "",
        "3. A start where all units are equal: the random start above with every hidden unit "
        "set to the average of its",
        "   three units (so it is just as random in scale), then the same training:")
    rows = (trained, all_equal, near)
    say(f"   {'':44}{'J':>10}{'accuracy':>11}{'|∂J/∂θ|':>11}",
        *[f"   {row.name:44}{row.loss:>10.4f}{percent(row.accuracy):>11}"
          f"{row.gradient_norm:>11.1e}" for row in rows],
        "   From an all-equal start every unit gets the same gradient at every step, so the "
        "units stay equal",
        f"   ({'at every recorded step' if equal_all_along else 'NOT at every step'}): gradient "
        f"descent settles at J = {all_equal.loss:.4f} with three copies of one unit, far worse",
        "   than the random start. It is stuck only because it started exactly there: start "
        f"{NUDGE_TEXT} away and the same training leaves,",
        f"   to J = {near.loss:.4f} (accuracy {percent(near.accuracy)})"
        + (f", still falling (J was {near.history.loss[-500]:.4f} 500 steps earlier)."
           if near.history.loss[-1] < near.history.loss[-500] else "."),
        "   Points where units are equal are not where training goes; they are where it stays "
        "if it starts there.", "",
        "So there is no single minimum all units are drawn to. There is one cost for the whole "
        "net; it has many equally good",
        "minima that differ by which unit does what, and the units differ in each of them.")
    figures = Figures("minima", out_dir, plots, say)
    figures.draw("minima_path.png", cost_between_twins, PATH_POINTS,
                 {"to the twin with units 1 ↔ 2 swapped": path,
                  "to the twin with unit 3 mirrored": mirror_path},
                 [(row.name, row.history, 0) for row in rows],
                 title="The coffee net's cost has many minima; equal units sit on hills "
                       "between them")
    return MinimaResult(trained, losses, found, path, mirror_path, halfway_accuracy, all_equal,
                        equal_all_along, near, figures.paths)
