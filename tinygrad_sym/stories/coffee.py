"""Coffee roasting: a 2 → 3 → 1 sigmoid net learns which roasts are good by the course's
gradient descent, w := w − α·∂J/∂w, and each hidden unit ends up guarding a different kind
of bad roast (too cold, too short, over-roasted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import datasets, nn
from ..plots import unit_maps
from ..seeding import manual_seed
from ..value import Value
from .common import (
    ADAM,
    GRADIENT_DESCENT,
    CoffeeData,
    Figures,
    Printer,
    Training,
    coffee_data,
    net_at,
    percent,
    roast_grid,
    scalar_gradients,
    signed,
)

SEED = 0
AXIS_LABELS = ("temperature (°C)", "duration (min)")
CLASS_NAMES = ("bad roast", "good roast")


def bad_regions(t: np.ndarray, d: np.ndarray) -> dict[str, np.ndarray]:
    """The three ways to spoil a roast, as masks over temperatures t (°C) and durations d (min)."""
    return {
        "too cold": t <= 175,
        "too short": d <= 12,
        "over-roasted": (t >= 260) | (d >= 15) | (d > -3 / 85 * t + 21),
    }


def flags_bad(net: nn.Sequential, features: np.ndarray) -> np.ndarray:
    """For each hidden unit, where it pushes the output towards "bad roast" (n × units, bool):
    a high activation with a negative outgoing weight, or a low one with a positive weight."""
    first, second = net.layers[0], net.layers[1]
    z = features @ first.weight_matrix() + first.bias_vector()
    outgoing = second.weight_matrix()[:, 0]
    return np.where(outgoing < 0, z > 0, z < 0)


def coverage(net: nn.Sequential, normalize: datasets.Normalizer, steps: int = 100
             ) -> dict[str, np.ndarray]:
    """For each region (points in exactly one bad region, and the good roasts), the share of
    it that each hidden unit flags as bad, over a grid of the data's range."""
    t, d = roast_grid(steps)
    regions = bad_regions(t, d)
    in_one = sum(mask.astype(int) for mask in regions.values()) == 1
    masks = {name: mask & in_one for name, mask in regions.items()}
    masks["good"] = datasets.good_roast(t, d)
    flagged = flags_bad(net, normalize(np.column_stack([t, d])))
    return {name: flagged[mask].mean(axis=0) for name, mask in masks.items()}


def region_units(shares: dict[str, np.ndarray], net: nn.Sequential) -> dict[str, int]:
    """The unit that flags most of each bad region."""
    numbering = net.layers[0].numbering
    return {name: numbering.unit(int(np.argmax(share)))
            for name, share in shares.items() if name != "good"}


def describe_boundary(net: nn.Sequential, unit: int, normalize: datasets.Normalizer) -> str:
    """Where hidden unit `unit` (counted from 0) flags a roast as bad, in °C and minutes."""
    first, second = net.layers[0], net.layers[1]
    weights, bias = first.weight_matrix()[:, unit], first.bias_vector()[unit]
    slope_t, slope_d = weights / normalize.std  # z = slope_t·t + slope_d·d + offset
    offset = bias - slope_t * normalize.mean[0] - slope_d * normalize.mean[1]
    side = -np.sign(second.weight_matrix()[unit, 0])  # flags bad where side·z > 0
    (t_low, t_high), (d_low, d_high) = datasets.TEMPERATURE_RANGE, datasets.DURATION_RANGE
    # Read the line as a duration limit unless duration hardly matters to this unit.
    if abs(slope_d) * (d_high - d_low) >= 0.25 * abs(slope_t) * (t_high - t_low):
        ends = [-(slope_t * t + offset) / slope_d for t in (t_low, t_high)]
        op = ">" if side * slope_d > 0 else "<"
        return (f"duration {op} {ends[0]:.2f} min (at {t_low:.0f} °C) … "
                f"{ends[1]:.2f} min (at {t_high:.0f} °C)")
    ends = [-(slope_d * d + offset) / slope_t for d in (d_low, d_high)]
    op = ">" if side * slope_t > 0 else "<"
    return (f"temperature {op} {ends[0]:.1f} °C (at {d_low} min) … "
            f"{ends[1]:.1f} °C (at {d_high} min)")


def unit_summary(net: nn.Sequential, normalize: datasets.Normalizer) -> list[str]:
    """One line per hidden unit: its weights and where it flags a roast as bad."""
    first, second = net.layers[0], net.layers[1]
    numbering, outgoing = first.numbering, second.numbering
    weights, biases = first.weight_matrix(), first.bias_vector()
    lines = []
    for j in range(first.nout):
        names = [numbering.weight(i, j) for i in range(first.nin)]
        incoming = "  ".join(f"{name} = {signed(w, 2):>7}" for name, w in zip(names, weights[:, j],
                                                                            strict=True))
        out = f"{outgoing.weight(j, 0)} = {signed(second.weight_matrix()[j, 0], 2)}"
        lines.append(f"  unit {numbering.unit(j)}: {incoming}  {numbering.bias(j)} = "
                     f"{signed(biases[j], 2):>7}  (out: {out})")
        lines.append(f"          flags bad: {describe_boundary(net, j, normalize)}")
    return lines


def coverage_table(shares: dict[str, np.ndarray], net: nn.Sequential) -> list[str]:
    numbering = net.layers[0].numbering
    header = "        " + "".join(f"{name:>14}" for name in shares)
    rows = [header]
    for j in range(net.layers[0].nout):
        cells = "".join(f"{100 * share[j]:>12.0f} %" for share in shares.values())
        rows.append(f"  unit {numbering.unit(j)}   {cells}")
    return rows


@dataclass
class CoffeeResult:
    """What the coffee story found. `graph` is J of one roast on the scalar twin, after
    backward: the graph to draw and explain weight by weight."""

    model: nn.MLP
    scalar_model: nn.MLP
    data: CoffeeData
    training: Training
    history: nn.History
    """The loss per step and every recorded state (parameters[0]: the start)."""
    accuracy: float
    start_gradients: dict[str, float]
    """∂J/∂(each parameter) at the start, J over all 200 roasts: step 1's gradients."""
    coverage: dict[str, np.ndarray]
    region_units: dict[str, int]
    graph: Value
    twin_gradients: dict[str, float]
    tensor_gradients: dict[str, float]
    figures: list[Path] = field(default_factory=list)


TRAININGS = {"gd": GRADIENT_DESCENT, "adam": ADAM}
"""The coffee net's training by optimizer name: the course's gradient descent by default."""


def train_coffee_net(seed: int, data: CoffeeData, training: Training = GRADIENT_DESCENT,
                     record_parameters: bool = False) -> tuple[nn.MLP, nn.History]:
    """A 2 → 3 → 1 sigmoid net, seeded (Glorot-uniform start), trained on the normalised roasts."""
    manual_seed(seed)
    net = nn.MLP(2, [3, 1], activation="sigmoid")
    return net, training.fit(net, data.features, data.y, record_parameters=record_parameters)


def first_update(history: nn.History, name: str, gradient: float, lr: float) -> str:
    """Step 1 of gradient descent for one weight, in numbers: w := w − α·∂J/∂w."""
    before, after = history.trajectory(name)[:2]
    return (f"  step 1: {name} := {signed(before, 4)} − {lr:g} · ({signed(gradient, 5)}) = "
            f"{signed(after, 4)}")


def one_roast(net: nn.MLP, data: CoffeeData, index: int = 0
              ) -> tuple[nn.MLP, Value, dict[str, float], dict[str, float]]:
    """Roast `index` through the scalar twin, backward; and the same gradients from the tensors."""
    twin = net.to_scalar()
    J = nn.cost(twin, data.features[index:index + 1], data.y[index:index + 1])
    J.backward()
    twin_gradients = {name: p.grad for name, p in twin.named_parameters()}
    tensor_gradients = scalar_gradients(net, data.features[index:index + 1],
                                        data.y[index:index + 1])
    return twin, J, twin_gradients, tensor_gradients


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True,
        optimizer: str = "gd") -> CoffeeResult:
    """The coffee story; `optimizer="adam"` trains with Adam instead of gradient descent."""
    if optimizer not in TRAININGS:
        raise ValueError(f"optimizer must be one of {', '.join(TRAININGS)}, not {optimizer!r}")
    say = Printer(verbose)
    data = coffee_data()
    training = TRAININGS[optimizer]
    net, history = train_coffee_net(SEED, data, training, record_parameters=True)
    accuracy = nn.accuracy(net, data.features, data.y)
    start = scalar_gradients(net_at(net, history.parameters[0]), data.features, data.y)
    say("Coffee roasting: 200 roasts (temperature °C, duration min), "
        f"{int(data.y.sum())} of them good.",
        f"A 2 → 3 → 1 sigmoid net (seed {SEED}, Glorot-uniform start) on normalised features,",
        f"trained with {training.describe()}:")
    if training.optimizer == "gd":
        say(*[first_update(history, name, start[name], training.lr) for name in ("w1", "w3")],
            "  (every weight and bias moves this way at every step, all at once)")
    say(f"  J = {history.loss[0]:.4f} at the start, {history.loss[-1]:.4f} at the end; "
        f"training accuracy {percent(accuracy)}", "",
        "Hidden units (weights on the normalised features):", *unit_summary(net, data.normalize),
        "")
    shares = coverage(net, data.normalize)
    owners = region_units(shares, net)
    say("Share of each region that a unit flags as bad (a grid over 150–285 °C × 11.5–15.5 min):",
        *coverage_table(shares, net),
        "Each kind of bad roast has its own unit: "
        + ", ".join(f"{region} → unit {unit}" for region, unit in owners.items()) + ".", "")
    twin, J, twin_gradients, tensor_gradients = one_roast(net, data)
    t, d = data.X[0]
    say(f"One roast through the scalar twin ({t:.1f} °C, {d:.2f} min, "
        f"{CLASS_NAMES[int(data.y[0, 0])]}): J = {J.data:.4f}",
        *[f"  {name:>3} = {signed(p.data, 3):>8}   ∂J/∂{name:<3} = {p.grad:+.2e}".replace("-", "−")
          for name, p in twin.named_parameters()],
        "  (the tensor net gives the same gradients: largest difference "
        f"{max(abs(twin_gradients[n] - tensor_gradients[n]) for n in twin_gradients):.1e})")
    figures = Figures("coffee", out_dir, plots, say)
    titles = [[f"unit {net.layers[0].numbering.unit(j)}: flags "
               + ", ".join(r for r, u in owners.items() if u == net.layers[0].numbering.unit(j))
               for j in range(3)]]
    figures.draw("coffee_units.png", unit_maps, [net], X=data.X, y=data.y,
                 normalizer=data.normalize, axis_labels=AXIS_LABELS, class_names=CLASS_NAMES,
                 unit_titles=titles, title="Coffee roasting: what each hidden unit detects "
                 "(shade: activation, line: z = 0)")
    figures.graph("coffee_graph.png", J, ["w1", "w3"],
                  "Coffee roasting 2→3→1 after training, one roast: why ∂J/∂w1 ≠ ∂J/∂w3")
    return CoffeeResult(net, twin, data, training, history, accuracy, start, shares, owners, J,
                        twin_gradients, tensor_gradients, figures.paths)

