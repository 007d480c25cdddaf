"""Blobs: the course's multiclass lab net, 2 inputs → 2 ReLU hidden units → 4 linear outputs
(softmax cross-entropy from the logits), on the lab's 100 points in four blobs.

Each hidden unit computes a = max(0, w·x + b): it can only draw one straight line (z = 0)
and tell its two sides apart, so each line splits the four blobs into two groups. Two lines
give every blob its own combination of sides (its corner: which units are active); the
output layer only sees (a1, a2) and separates the four corners with straight lines. Why the
two units draw different lines is the chain rule: one cost for the whole net, and each
unit's gradient arrives through its own outgoing weights (`ts.compare` shows the factors).
The 2 → 4 softmax without a hidden layer is the baseline: one line per class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import datasets, nn
from ..explainer import Comparison, compare
from ..plots import hidden_lines, unit_maps
from ..seeding import manual_seed
from ..value import Value
from .common import Figures, Printer, Training, percent, signed

SEED = 0
LAB = Training("adam", 0.01, 200, batch_size=32)
"""The lab's training: model.fit(X, y, epochs=200) with Adam(0.01) and Keras' batches of 32."""
CENTRES = [f"({a:g}, {b:g})".replace("-", "−") for a, b in datasets.COURSE_BLOB_CENTERS]
CLASS_NAMES = tuple(f"class {k} {centre}" for k, centre in enumerate(CENTRES))


def _term(coefficient: float, name: str, first: bool = False) -> str:
    sign = ("−" if coefficient < 0 else "") if first else ("− " if coefficient < 0 else "+ ")
    return f"{sign}{abs(coefficient):.2f}{'·' + name if name else ''}"


@dataclass(frozen=True)
class UnitLine:
    """One unit's z = w1·x1 + w2·x2 + b, its line z = 0, and each class's share on z > 0."""

    unit: int
    weights: tuple[float, float]
    bias: float
    shares: tuple[float, ...]
    """For each class, the share of its points where z > 0 (the unit's active side)."""

    @property
    def active_classes(self) -> tuple[int, ...]:
        """The classes whose points lie mostly on the active side (z > 0)."""
        return tuple(k for k, share in enumerate(self.shares) if share > 0.5)

    def z(self, points: np.ndarray) -> np.ndarray:
        """The unit's pre-activation z at each point."""
        return np.asarray(points) @ np.array(self.weights) + self.bias

    def equation(self) -> str:
        """z = w1·x1 + w2·x2 + b with the numbers, e.g. "z1 = 0.40·x1 − 3.46·x2 + 1.97"."""
        (a, b), c = self.weights, self.bias
        return f"z{self.unit} = {_term(a, 'x1', first=True)} {_term(b, 'x2')} {_term(c, '')}"

    def line(self) -> str:
        """The line z = 0 as x2 = m·x1 + c (or x1 = c for a vertical line)."""
        (a, b), c = self.weights, self.bias
        if abs(b) < 1e-12:
            return f"x1 = {-c / a:.2f}"
        return f"x2 = {_term(-a / b, 'x1', first=True)} {_term(-c / b, '')}"

    def split(self) -> str:
        """How the line splits the classes, e.g. "2 + 2": active side + zero side."""
        active = len(self.active_classes)
        return f"{active} + {len(self.shares) - active}"


def unit_lines(net: nn.Sequential, X: np.ndarray, y: np.ndarray) -> list[UnitLine]:
    """The first layer's units as lines over the input plane, with each class's share on z > 0."""
    layer = net.layers[0]
    weights, biases = layer.weight_matrix(), layer.bias_vector()
    classes = int(np.max(y)) + 1
    lines = []
    for k in range(layer.nout):
        active = X @ weights[:, k] + biases[k] > 0
        w1, w2 = weights[:, k]  # the plane of the two inputs
        lines.append(UnitLine(layer.numbering.unit(k), (float(w1), float(w2)), float(biases[k]),
                              tuple(float(active[y == c].mean()) for c in range(classes))))
    return lines


def corners(lines: list[UnitLine]) -> list[tuple[bool, ...]]:
    """Each class's corner: for every hidden unit, whether the class is on its active side."""
    return [tuple(k in line.active_classes for line in lines) for k in range(len(lines[0].shares))]


def corner_name(corner: tuple[bool, ...]) -> str:
    """(True, False) → "a1 > 0, a2 = 0"."""
    return ", ".join(f"a{j + 1} {'> 0' if active else '= 0'}" for j, active in enumerate(corner))


def lab_net() -> nn.MLP:
    """The lab's model: Dense(2, relu), Dense(4, linear); Glorot-uniform weights, zero biases."""
    return nn.MLP(2, [2, 4], activation="relu", output_activation="linear")


def train_lab_net(seed: int, X: np.ndarray, y: np.ndarray) -> tuple[nn.MLP, nn.History]:
    """The lab net, seeded (start and batch order), trained as the lab trains it."""
    manual_seed(seed)
    net = lab_net()
    return net, LAB.fit(net, X, y, loss=nn.softmax_cross_entropy)


def hidden_activations(net: nn.Sequential, X: np.ndarray) -> np.ndarray:
    """a = max(0, x·W1 + b1) for every point (n × hidden units)."""
    layer = net.layers[0]
    return np.maximum(X @ layer.weight_matrix() + layer.bias_vector(), 0.0)


@dataclass
class StartComparison:
    """∂J/∂w1 against ∂J/∂w3 at the lab net's random start."""

    point: int
    """The example compared (the first one where both hidden units are active)."""
    comparison: Comparison
    """`ts.compare` on that one example's J, on the scalar twin."""
    output_error: np.ndarray
    """∂L/∂z of the four outputs for that example: softmax(z) − onehot(y), shared by both units."""
    outgoing: dict[int, tuple[float, ...]]
    """Each hidden unit's outgoing weights (to outputs 3, 4, 5, 6)."""
    batch_gradients: dict[str, float]
    """∂J/∂w over all 100 points at the start, for w1 and w3."""


def compare_at_start(seed: int, X: np.ndarray, y: np.ndarray) -> StartComparison:
    """Why the two hidden units move differently from the first step: `ts.compare` on one
    example where both are active, and the gradients of the whole batch."""
    manual_seed(seed)
    twin = lab_net().to_scalar()
    tensor = twin.to_tensor()
    both_active = np.all(hidden_activations(tensor, X) > 0, axis=1)
    point = int(np.argmax(both_active)) if both_active.any() else 0
    J = nn.cost(twin, X[point:point + 1], y[point:point + 1], nn.softmax_cross_entropy)
    J.backward()
    weights = dict(twin.named_parameters())
    comparison = compare(J, weights["w1"], weights["w3"])
    assert isinstance(comparison, Comparison)  # of two scalar weights
    logits = nn.predict(tensor, X[point:point + 1])[0]
    probabilities = np.exp(logits - logits.max())
    probabilities /= probabilities.sum()
    output_error = probabilities - np.eye(4)[y[point]]
    W2 = tensor.layers[1].weight_matrix()
    outgoing = {j + 1: tuple(map(float, W2[j])) for j in range(2)}
    J_all = nn.cost(twin, X, y, nn.softmax_cross_entropy)
    twin.zero_grad()
    J_all.backward()
    batch = {name: weights[name].grad for name in ("w1", "w3")}
    return StartComparison(point, comparison, output_error, outgoing, batch)


@dataclass
class BlobsResult:
    """What the blobs story found: the trained lab net, its lines and corners, the comparison
    at the start, and the baseline."""

    model: nn.MLP
    X: np.ndarray
    y: np.ndarray
    history: nn.History
    accuracy: float
    lines: list[UnitLine]
    corners: list[tuple[bool, ...]]
    start: StartComparison
    baseline: nn.MLP
    """The 2 → 4 softmax (no hidden layer), trained the same way."""
    baseline_accuracy: float
    graph: Value
    """J of the compared example on the scalar twin at the start (after backward)."""
    figures: list[Path] = field(default_factory=list)


def _output_equations(net: nn.Sequential) -> list[str]:
    layer = net.layers[1]
    W, b = layer.weight_matrix(), layer.bias_vector()
    numbering = layer.numbering
    return [f"  z{numbering.unit(k)} = {_term(W[0, k], 'a1', first=True)} {_term(W[1, k], 'a2')} "
            f"{_term(b[k], '')}   (class {k})" for k in range(layer.nout)]


def _blob_rows(net: nn.Sequential, X: np.ndarray, y: np.ndarray,
               found: list[tuple[bool, ...]]) -> list[str]:
    activations = hidden_activations(net, X)
    winners = nn.predict(net, X).argmax(axis=1)
    rows = []
    for k, corner in enumerate(found):
        mean = activations[y == k].mean(axis=0)
        rows.append(f"  {CLASS_NAMES[k]:20} {corner_name(corner):16} mean (a1, a2) = "
                    f"({mean[0]:5.2f}, {mean[1]:5.2f})   its own z wins on "
                    f"{percent(float(np.mean(winners[y == k] == k))):>7} of its points")
    return rows


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True) -> BlobsResult:
    """The blobs story: print it, draw its figures into `out_dir`, return what it found."""
    say = Printer(verbose)
    X, y = datasets.blobs()
    net, history = train_lab_net(SEED, X, y)
    accuracy = nn.accuracy(net, X, y)
    lines = unit_lines(net, X, y)
    found = corners(lines)
    say(f"The course's multiclass lab: {len(X)} points around {', '.join(CENTRES)} (std 1, "
        "make_blobs with random_state=30), classes 0 … 3.",
        "Its net: 2 inputs → 2 ReLU hidden units → 4 linear outputs, softmax cross-entropy "
        "from the logits.",
        f"Seed {SEED}, {LAB.describe(len(X))}:",
        f"  J = {history.loss[-1]:.4f}, training accuracy {percent(accuracy)}", "",
        "1. Each hidden unit draws one straight line. a = max(0, z): zero on one side of the "
        "line z = 0, growing on the other.")
    for line in lines:
        active = ", ".join(map(str, line.active_classes)) or "none"
        idle = ", ".join(str(k) for k in range(4) if k not in line.active_classes) or "none"
        say(f"  unit {line.unit}: {line.equation():30} line {line.line():22} splits the blobs "
            f"{line.split()}: active (a{line.unit} > 0) for classes {active}; "
            f"a{line.unit} = 0 for {idle}")
    say("  One line has two sides, so one unit can only sort the four blobs into two groups.", "",
        "2. The output layer combines the two half-planes. It sees only (a1, a2), and each blob "
        "lands in its own corner:", *_blob_rows(net, X, y, found),
        "  Its four logits are straight functions of (a1, a2); the largest wins:",
        *_output_equations(net))
    distinct = len(set(found)) == len(found)
    say(f"  {'Four blobs, four corners' if distinct else 'Two blobs share a corner'}: "
        "two lines make up to four combinations of sides, and the outputs tell them apart.", "")
    start = compare_at_start(SEED, X, y)
    x1, x2 = X[start.point]
    say("3. Why don't both units draw the same line? There is one cost for the whole net,",
        "   J = mean over the points of −log softmax(z)[class]; no error per unit, no unit "
        "compared with another.",
        "   Backpropagation hands each weight its share of ∂J, and a hidden unit's share "
        "arrives through its own outgoing weights.",
        f"   At the random start (seed {SEED}), for point {start.point} ({x1:.2f}, {x2:.2f}), "
        f"class {y[start.point]}, where both units are active:", "",
        str(start.comparison), "",
        "   The output error softmax(z) − onehot(y) = ("
        + ", ".join(signed(e, 4) for e in start.output_error)
        + ") is the same for both units;",
        "   unit 1 receives it through w5, w7, w9, w11 = ("
        + ", ".join(signed(w, 3) for w in start.outgoing[1]) + "),",
        "   unit 2 through w6, w8, w10, w12 = ("
        + ", ".join(signed(w, 3) for w in start.outgoing[2]) + ").",
        f"   Over all {len(X)} points: ∂J/∂w1 = {signed(start.batch_gradients['w1'], 4)}, "
        f"∂J/∂w3 = {signed(start.batch_gradients['w3'], 4)}: different starts, different "
        "outgoing weights, different updates.",
        "   Nothing pushes the two lines apart on purpose, though: how often they still end "
        "up similar is `tinygrad-sym demo blobs-seeds`.", "")
    manual_seed(SEED)
    baseline = nn.MLP(2, [4], activation="linear")  # the logits; the softmax is in the loss
    LAB.fit(baseline, X, y, loss=nn.softmax_cross_entropy)
    baseline_accuracy = nn.accuracy(baseline, X, y)
    say("Baseline without a hidden layer (2 → 4 softmax, trained the same way): "
        f"training accuracy {percent(baseline_accuracy)}.",
        "  There each of the four output units is itself one line, z_k = w·x + b; the class "
        "is the largest z_k.")
    figures = Figures("blobs", out_dir, plots, say)
    figures.draw("blobs_lines.png", hidden_lines, net, X=X, y=y, class_names=CLASS_NAMES,
                 title=f"The lab's 2 → 2 ReLU → 4 net (seed {SEED}): two lines, four corners, "
                       "four classes")
    titles = [[f"output unit {k + 1}: class {k}" for k in range(4)]]
    figures.draw("blobs_softmax.png", unit_maps, [baseline], X=X, y=y, class_names=CLASS_NAMES,
                 unit_titles=titles,
                 title="Baseline, 2 → 4 softmax: each unit's z (shade) and its line z = 0")
    figures.graph("blobs_graph.png", start.comparison.root, ["w1", "w3"],
                  f"The lab net at its start, point {start.point}: why ∂J/∂w1 ≠ ∂J/∂w3")
    return BlobsResult(net, X, y, history, accuracy, lines, found, start, baseline,
                       baseline_accuracy, start.comparison.root, figures.paths)
