"""Seeds: the same seed gives the same weights, bit for bit (in this process or another);
two seeds give the same features, learned by different units."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import nn
from ..plots import unit_maps
from .coffee import AXIS_LABELS, CLASS_NAMES, coverage, region_units, train_coffee_net
from .common import CoffeeData, Figures, Printer, coffee_data, percent, roast_grid, signed

SEEDS = (0, 1)


def fingerprint(model: nn.Module) -> str:
    """A short hash of every parameter's bytes: equal fingerprints, equal weights."""
    digest = hashlib.sha256()
    for name, value in model.state_dict().items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    return digest.hexdigest()[:16]


def trained_fingerprint(seed: int) -> str:
    """Train the coffee net with `seed` and return its fingerprint (what another process checks)."""
    net, _ = train_coffee_net(seed, coffee_data())
    return fingerprint(net)


@dataclass
class SeedsResult:
    seeds: tuple[int, int]
    repeat_identical: bool
    """Seed seeds[0] trained twice in this process: every parameter equal (np.array_equal)."""
    fingerprints: dict[int, str]
    models: dict[int, nn.MLP]
    accuracies: dict[int, float]
    match: nn.UnitMatch
    """seeds[0]'s hidden units paired with seeds[1]'s by the correlation of their activations."""
    features: dict[int, dict[int, str]]
    """For each seed, the kind of bad roast each hidden unit flags (as in the coffee story)."""
    figures: list[Path] = field(default_factory=list)


def _grid(data: CoffeeData, steps: int = 60) -> np.ndarray:
    return data.normalize(np.column_stack(roast_grid(steps)))


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True) -> SeedsResult:
    say = Printer(verbose)
    data = coffee_data()
    first, second = SEEDS
    net, _ = train_coffee_net(first, data)
    again, _ = train_coffee_net(first, data)
    other, _ = train_coffee_net(second, data)
    state, state_again = net.state_dict(), again.state_dict()
    identical = all(np.array_equal(state[name], state_again[name]) for name in state)
    prints = {first: fingerprint(net), second: fingerprint(other)}
    say(f"Same seed, two runs: the coffee net trained with seed {first} twice.",
        f"  fingerprints {fingerprint(net)} and {fingerprint(again)}; every weight equal bit "
        f"for bit: {'yes' if identical else 'no'}.",
        "  In a new process too: `python examples/seeds.py` prints the same fingerprint.", "")
    models = {first: net, second: other}
    accuracies = {seed: nn.accuracy(model, data.features, data.y)
                  for seed, model in models.items()}
    features = {}
    for seed, model in models.items():
        owners = region_units(coverage(model, data.normalize), model)
        features[seed] = {unit: region for region, unit in owners.items()}
    match = nn.match_units(net, other, _grid(data))
    say(f"Two seeds, {first} and {second}: training accuracy {percent(accuracies[first])} and "
        f"{percent(accuracies[second])}.",
        "Their hidden units, matched by what they compute (activations over the roasts' range):",
        f"  {'seed ' + str(first):9}    {'seed ' + str(second):9}  correlation    flags as bad")
    for unit_a, unit_b, correlation in match.pairs:
        mirrored = "   (mirrored: a ↔ 1 − a)" if correlation < 0 else ""
        say(f"  unit {unit_a:<4} ↔  unit {unit_b:<4}  {signed(correlation, 3):>10}     "
            f"{features[first].get(unit_a, '?')} / {features[second].get(unit_b, '?')}{mirrored}")
    order = ", ".join(map(str, match.permutation))
    say(f"The same features, by different units: seed {second}'s units {order} do what seed "
        f"{first}'s units 1, 2, 3 do.",
        "A mirrored unit computes 1 − a; its outgoing weight has the opposite sign, so the net "
        "uses it the same way.")
    figures = Figures("seeds", out_dir, plots, say)
    numbering = net.layers[0].numbering
    titles = [[f"seed {first}, unit {a}" for a, _, _ in match.pairs],
              [f"seed {second}, unit {b} (like unit {a}{', mirrored' if c < 0 else ''})"
               for a, b, c in match.pairs]]
    figures.draw("seeds_units.png", unit_maps, [net, other], X=data.X, y=data.y,
                 normalizer=data.normalize, axis_labels=AXIS_LABELS, class_names=CLASS_NAMES,
                 unit_titles=titles, row_titles=[f"seed {first}", f"seed {second}"],
                 unit_orders=[list(range(3)),
                              [b - numbering.first_unit for b in match.permutation]],
                 title=f"Two seeds, the same three features: seed {second}'s columns reordered "
                       f"to match seed {first}'s")
    return SeedsResult(SEEDS, identical, prints, models, accuracies, match, features,
                       figures.paths)

