"""Blobs: a 2 → 4 softmax net on four clusters. Each unit computes z = w·x + b, a plane over
the input, so all it can draw is one straight line (z = 0); the classes are where one unit's
z beats the others', regions cut out by straight lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import datasets, nn
from ..plots import unit_maps
from ..seeding import manual_seed
from ..value import Value
from .common import Figures, Printer, percent
from .common import train as train_net

SEED = 0
EPOCHS = 500


def _term(coefficient: float, name: str, first: bool = False) -> str:
    sign = ("−" if coefficient < 0 else "") if first else ("− " if coefficient < 0 else "+ ")
    return f"{sign}{abs(coefficient):.2f}{'·' + name if name else ''}"


@dataclass(frozen=True)
class UnitLine:
    """One unit's z = w1·x1 + w2·x2 + b, the line z = 0, and which points lie where z > 0."""

    unit: int
    weights: tuple[float, float]
    bias: float
    own_positive: float
    """Share of the unit's own class (unit k ↔ class k) on its positive side."""
    others_positive: float
    """Share of the other classes on its positive side."""

    def z(self, points: np.ndarray) -> np.ndarray:
        return np.asarray(points) @ np.array(self.weights) + self.bias

    def equation(self, names: tuple[str, str]) -> str:
        (a, b), c = self.weights, self.bias
        return (f"z{self.unit} = {_term(a, 'x1', first=True)} {_term(b, 'x2')} {_term(c, '')}"
                .replace("x1", names[0]).replace("x2", names[1]))

    def line(self) -> str:
        """The line z = 0 as x2 = m·x1 + c (or x1 = c for a vertical line)."""
        (a, b), c = self.weights, self.bias
        if abs(b) < 1e-12:
            return f"x1 = {-c / a:.2f}"
        return f"x2 = {_term(-a / b, 'x1', first=True)} {_term(-c / b, '')}"


@dataclass
class BlobsResult:
    model: nn.MLP
    X: np.ndarray
    y: np.ndarray
    history: nn.History
    accuracy: float
    lines: list[UnitLine]
    graph: Value
    """J of the first point on the scalar twin (after backward): w1 … w8, b1 … b4, z1 … z4."""
    figures: list[Path] = field(default_factory=list)


def unit_lines(net: nn.MLP, X: np.ndarray, y: np.ndarray) -> list[UnitLine]:
    layer = net.layers[0]
    weights, biases = layer.weight_matrix(), layer.bias_vector()
    lines = []
    for k in range(layer.nout):
        positive = X @ weights[:, k] + biases[k] > 0
        lines.append(UnitLine(layer.numbering.unit(k), tuple(map(float, weights[:, k])),
                              float(biases[k]), float(positive[y == k].mean()),
                              float(positive[y != k].mean())))
    return lines


def run(out_dir: Path | None = None, plots: bool = True, verbose: bool = True) -> BlobsResult:
    say = Printer(verbose)
    manual_seed(SEED)
    X, y = datasets.blobs(400, centers=4)
    net = nn.MLP(2, [4], activation="linear")  # the logits; softmax is in the loss
    history = train_net(net, X, y, epochs=EPOCHS, loss=nn.softmax_cross_entropy)
    accuracy = nn.accuracy(net, X, y)
    lines = unit_lines(net, X, y)
    centres = ", ".join(f"({a:g}, {b:g})" for a, b in datasets.COURSE_BLOB_CENTERS)
    say(f"Four blobs of 100 points around {centres} (std 1), labelled y = 0 … 3.",
        f"A 2 → 4 softmax net (z = x·W + b, one unit per class, softmax in the loss), "
        f"{EPOCHS} Adam steps:",
        f"  J = {history.loss[-1]:.4f}, training accuracy {percent(accuracy)}", "",
        "Each unit is one plane over (x1, x2); where it crosses zero is one straight line",
        "(unit k stands for blob k, y = k − 1):")
    for line in lines:
        say(f"  {line.equation(('x1', 'x2')):34}  line z{line.unit} = 0:  {line.line():20}"
            f"  z{line.unit} > 0 for {percent(line.own_positive):>7} of blob {line.unit}, "
            f"{percent(line.others_positive):>6} of the others")
    others = [line.others_positive for line in lines]
    say("  On its own a unit only tells the two sides of its line apart (its positive side also "
        f"holds {100 * min(others):.0f}–{100 * max(others):.0f} % of the other blobs).",
        "  The net compares the units: a point goes to the largest z. The border of blobs j and k "
        "is where z_j = z_k,",
        "  a straight line too, so each blob's region is convex: a polygon cut by straight lines.")
    twin = net.to_scalar()
    graph = nn.cost(twin, X[:1], y[:1], nn.softmax_cross_entropy)
    graph.backward()
    figures = Figures("blobs", out_dir, plots, say)
    titles = [[f"unit {line.unit}: {line.line()}" for line in lines]]
    figures.draw("blobs_units.png", unit_maps, [net], X=X, y=y,
                 class_names=[f"blob {k + 1} (y = {k})" for k in range(4)], unit_titles=titles,
                 title="2 → 4 softmax: each unit's z (shade) and its line z = 0; "
                       "last: the blob whose unit has the largest z")
    figures.graph("blobs_graph.png", graph, ["w1", "w3"],
                  "2→4 softmax, one point: the gradient graph of its cross-entropy")
    return BlobsResult(net, X, y, history, accuracy, lines, graph, figures.paths)

