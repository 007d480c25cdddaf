"""Figures for the stories: what each hidden unit responds to, and weights over training.

matplotlib is an optional extra (`pip install tinygrad_sym[plot]`), imported only when a
figure is drawn; the figures use matplotlib's object API (no pyplot, no global state). Each
function writes a file and returns its path, which a notebook shows as the picture.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import write_atomically
from .modes import no_grad
from .nn.layers import Sequential
from .nn.train import History, predict

PLOT_EXTRA = "pip install tinygrad_sym[plot]"


class MissingMatplotlib(ImportError):
    """matplotlib is not installed: the figures need the optional plot extra."""


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingMatplotlib(f"figures need matplotlib: {PLOT_EXTRA}") from None
    return Figure(figsize=(width, height), layout="constrained")


class SavedFigure(type(Path())):  # type: ignore[misc]  # the concrete Path class of this OS
    """The path of a figure written to disk, which Jupyter shows as the picture itself."""

    def _repr_png_(self) -> bytes | None:
        return self.read_bytes() if self.suffix.lower() == ".png" else None

    def _repr_svg_(self) -> str | None:
        return self.read_text(encoding="utf-8") if self.suffix.lower() == ".svg" else None


def _save(figure: Any, path: Path | str) -> SavedFigure:
    """Write the figure (its folder created if needed); a file appears complete or not at all."""
    path = SavedFigure(path)
    image = io.BytesIO()
    figure.savefig(image, dpi=110, format=path.suffix.lstrip(".") or "png")
    write_atomically(path, image.getvalue())
    return path


def _grid(X: np.ndarray, steps: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A grid covering the data with a 5 % margin: xs, ys (steps × steps) and the points."""
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.05 * (high - low)
    xs, ys = np.meshgrid(np.linspace(low[0] - margin[0], high[0] + margin[0], steps),
                         np.linspace(low[1] - margin[1], high[1] + margin[1], steps))
    return xs, ys, np.column_stack([xs.ravel(), ys.ravel()])


def _scatter(axes: Any, X: np.ndarray, y: np.ndarray, class_names: Sequence[str],
             size: float = 16) -> None:
    labels = np.asarray(y).reshape(-1).astype(int)
    markers, colors = "xo^sv", ["#d62728", "#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd"]
    if len(class_names) > 2:
        colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
        markers = "osD^v"
    for label, name in enumerate(class_names):
        chosen = labels == label
        filled = markers[label % 5] not in "x"
        axes.scatter(X[chosen, 0], X[chosen, 1], s=size, marker=markers[label % 5],
                     c=colors[label % 5], edgecolors="white" if filled else None,
                     linewidths=0.4 if filled else 1.0, label=name, zorder=3)


def unit_maps(
    models: Sequence[Sequential],
    path: Path | str,
    X: Any,
    y: Any,
    normalizer: Callable[[Any], Any] | None = None,
    axis_labels: tuple[str, str] = ("x1", "x2"),
    class_names: Sequence[str] = ("0", "1"),
    unit_titles: Sequence[Sequence[str]] | None = None,
    unit_orders: Sequence[Sequence[int]] | None = None,
    row_titles: Sequence[str] | None = None,
    title: str | None = None,
) -> SavedFigure:
    """One row per model: each first-layer unit's response over the input plane, then the
    net's decision. A unit's panel shades its activation and draws the straight line where
    its pre-activation z is 0; the data are drawn on top. X is in the units shown on the
    axes; `normalizer` maps it to what the net takes.
    """
    X = np.asarray(X, dtype=np.float64)
    prepare = normalizer or (lambda points: points)
    xs, ys, points = _grid(X)
    units = models[0].layers[0].nout
    panels = _PanelGrid(len(models), units + 1, title is not None)
    for row, model in enumerate(models):
        first = model.layers[0]
        inputs = prepare(points)
        with no_grad():
            tensor = model if not model.scalar else model.to_tensor()
            activations = np.asarray(tensor.layers[0](inputs.astype(first.dtype)).data)
        pre_activations = inputs @ first.weight_matrix() + first.bias_vector()
        order = unit_orders[row] if unit_orders else range(units)
        axes_row = panels[row]
        for column, unit in enumerate(order):
            axes = axes_row[column]
            number = first.numbering.unit(unit)
            _unit_panel(axes, xs, ys, activations[:, unit], pre_activations[:, unit],
                        first.activation, number)
            axes.set_title(unit_titles[row][column] if unit_titles else f"unit {number}",
                           fontsize=10)
        _output_panel(axes_row[units], xs, ys, predict(tensor, inputs), class_names)
        for column, axes in enumerate(axes_row):
            _scatter(axes, X, y, class_names)
            axes.set_xlabel(axis_labels[0])
            axes.set_xlim(xs.min(), xs.max())
            axes.set_ylim(ys.min(), ys.max())
            if column % panels.columns == 0:
                axes.set_ylabel(axis_labels[1] if not row_titles
                                else f"{row_titles[row]}\n{axis_labels[1]}")
    figure = panels.figure
    handles, labels = panels[0][units].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=9)
    if title:
        figure.suptitle(title, fontsize=12)
    return _save(figure, path)


class _PanelGrid:
    """Panels for `rows` models of `count` panels each: one line per model, or, for a single
    model with many panels, wrapped three to a line."""

    def __init__(self, rows: int, count: int, titled: bool) -> None:
        self.columns = count if rows > 1 or count <= 4 else 3
        lines = rows * -(-count // self.columns)
        self.figure = _figure(3.4 * self.columns, 2.9 * lines + (0.4 if titled else 0) + 0.3)
        axes = self.figure.subplots(lines, self.columns, squeeze=False).ravel()
        per_model = len(axes) // rows
        self.rows = [list(axes[r * per_model:r * per_model + count]) for r in range(rows)]
        for spare in axes[rows * count:]:
            spare.set_visible(False)

    def __getitem__(self, row: int) -> list[Any]:
        return self.rows[row]


def _unit_panel(axes: Any, xs: np.ndarray, ys: np.ndarray, activation: np.ndarray,
                pre_activation: np.ndarray, kind: str, number: int) -> None:
    """Shade one unit's activation; draw its line z = 0."""
    shape = xs.shape
    if kind == "sigmoid":
        image = axes.contourf(xs, ys, activation.reshape(shape), levels=np.linspace(0, 1, 11),
                              cmap="Greys", alpha=0.75)
        label = f"a{number}"
    else:
        from matplotlib.ticker import MaxNLocator

        bound = float(np.abs(pre_activation).max()) or 1.0
        levels = MaxNLocator(12, symmetric=True).tick_values(-bound, bound)
        image = axes.contourf(xs, ys, pre_activation.reshape(shape), levels=levels,
                              cmap="RdBu_r", alpha=0.6)
        label = f"z{number}"
    axes.contour(xs, ys, pre_activation.reshape(shape), levels=[0.0], colors="black",
                 linewidths=1.6)
    colorbar = axes.figure.colorbar(image, ax=axes, shrink=0.85)
    colorbar.set_label(label)


def _output_panel(axes: Any, xs: np.ndarray, ys: np.ndarray, outputs: np.ndarray,
                  class_names: Sequence[str]) -> None:
    """The net's decision: P(class 1) for one sigmoid output, else the winning class."""
    if outputs.shape[1] == 1:
        image = axes.contourf(xs, ys, outputs[:, 0].reshape(xs.shape),
                              levels=np.linspace(0, 1, 11), cmap="Greens", alpha=0.7)
        axes.contour(xs, ys, outputs[:, 0].reshape(xs.shape), levels=[0.5], colors="black",
                     linewidths=1.6)
        axes.figure.colorbar(image, ax=axes, shrink=0.85).set_label(f"P({class_names[1]})")
        axes.set_title("the net's output (line: 0.5)", fontsize=10)
        return
    _regions(axes, xs, ys, outputs.argmax(axis=1), outputs.shape[1])
    axes.set_title("decision: the largest z wins", fontsize=10)


REGION_COLORS = ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5"]
"""Light versions of the class colours of `_scatter` (three or more classes)."""
UNIT_COLORS = ["#6a3d9a", "#b15928", "#e7298a", "#1b9e77"]
"""One colour per hidden unit, distinct from the class colours."""


def _regions(axes: Any, xs: np.ndarray, ys: np.ndarray, winners: np.ndarray, classes: int
             ) -> None:
    """Shade the winning class over a grid, with black borders between classes."""
    from matplotlib.colors import ListedColormap

    winners = winners.reshape(xs.shape)
    axes.contourf(xs, ys, winners, levels=np.arange(classes + 1) - 0.5,
                  cmap=ListedColormap(REGION_COLORS[:classes]))
    axes.contour(xs, ys, winners, levels=np.arange(classes) + 0.5, colors="black",
                 linewidths=1.0)


def _unit_line(axes: Any, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, unit: int,
               color: str, shade: bool) -> None:
    """Draw the line z = 0 of one unit, its active side (z > 0) tinted when `shade`."""
    z = z.reshape(xs.shape)
    if shade:
        axes.contourf(xs, ys, z, levels=[0, np.inf], colors=[color], alpha=0.16)
    axes.contour(xs, ys, z, levels=[0.0], colors=[color], linewidths=2.4,
                 linestyles="solid" if shade else "dashed")
    axes.plot([], [], color=color, linewidth=2.4, label=f"unit {unit}: z{unit} = 0")


def hidden_lines(
    model: Sequential,
    path: Path | str,
    X: Any,
    y: Any,
    class_names: Sequence[str],
    title: str | None = None,
) -> SavedFigure:
    """A net with one hidden layer of a few ReLU units, in three panels: each unit's line
    z = 0 over the input plane (active side tinted); where the points land in the hidden
    units' plane (a1, a2), with the output layer's decision there; the net's decision over
    the input plane with the lines on top."""
    X = np.asarray(X, dtype=np.float64)
    tensor = model if not model.scalar else model.to_tensor()
    first, second = tensor.layers[0].to_tensor(), tensor.layers[1].to_tensor()
    W1, b1 = first.weight_matrix(), first.bias_vector()
    W2, b2 = second.weight_matrix(), second.bias_vector()
    xs, ys, points = _grid(X, steps=300)
    classes = W2.shape[1]
    figure = _figure(14.5, 5.4)
    sides, hidden, decision = figure.subplots(1, 3)
    for j in range(W1.shape[1]):
        z = points @ W1[:, j] + b1[j]
        color = UNIT_COLORS[j % len(UNIT_COLORS)]
        _unit_line(sides, xs, ys, z, first.numbering.unit(j), color, shade=True)
        _unit_line(decision, xs, ys, z, first.numbering.unit(j), color, shade=False)
    _regions(decision, xs, ys, (np.maximum(points @ W1 + b1, 0) @ W2 + b2).argmax(axis=1),
             classes)
    sides.set_title("each hidden unit draws one line\n(tinted: its active side, a > 0)",
                    fontsize=13)
    decision.set_title("the net's decision: four regions\nfrom two lines (dashed)", fontsize=13)
    lines = sides.get_legend_handles_labels()
    for axes in (sides, decision):
        _scatter(axes, X, y, class_names, size=26)
        axes.set_xlim(xs.min(), xs.max())
        axes.set_ylim(ys.min(), ys.max())
        axes.set_xlabel("x1", fontsize=12)
        axes.set_ylabel("x2", fontsize=12)
    sides.legend(*lines, loc="lower left", fontsize=11, framealpha=0.9)
    activations = np.maximum(X @ W1 + b1, 0)
    if activations.shape[1] == 2:
        _hidden_plane(hidden, activations, W2, b2, y, class_names, first)
    figure.legend(*hidden.get_legend_handles_labels(), loc="outside lower center", ncol=classes,
                  fontsize=12, markerscale=1.6)
    if title:
        figure.suptitle(title, fontsize=15)
    return _save(figure, path)


def _hidden_plane(axes: Any, activations: np.ndarray, W2: np.ndarray, b2: np.ndarray, y: Any,
                  class_names: Sequence[str], first: Any) -> None:
    """Where the points land in (a1, a2) and the output layer's straight borders there."""
    high = activations.max(axis=0)
    span = np.where(high > 0, high, 1.0) * 1.08
    low = -0.06 * span
    grid_a1, grid_a2 = np.meshgrid(np.linspace(low[0], span[0], 300),
                                   np.linspace(low[1], span[1], 300))
    plane = np.column_stack([grid_a1.ravel(), grid_a2.ravel()])
    _regions(axes, grid_a1, grid_a2, (plane @ W2 + b2).argmax(axis=1), W2.shape[1])
    # a ReLU output is never negative: grey out the part of the plane no point can reach
    axes.axvspan(low[0], 0, color="white", alpha=0.75, zorder=2)
    axes.axhspan(low[1], 0, color="white", alpha=0.75, zorder=2)
    axes.axvline(0, color="black", linewidth=0.8, zorder=2)
    axes.axhline(0, color="black", linewidth=0.8, zorder=2)
    _scatter(axes, activations, y, class_names, size=26)
    names = [f"a{first.numbering.unit(j)}" for j in range(2)]
    axes.set_xlim(low[0], span[0])
    axes.set_ylim(low[1], span[1])
    axes.set_xlabel(f"{names[0]} = max(0, z{first.numbering.unit(0)})", fontsize=12)
    axes.set_ylabel(f"{names[1]} = max(0, z{first.numbering.unit(1)})", fontsize=12)
    axes.set_title("what the output layer sees: (a1, a2)\nits decision there: straight borders",
                   fontsize=13)


def weight_trajectories(
    panels: Sequence[tuple[str, History]],
    groups: Sequence[Sequence[str]],
    path: Path | str,
    title: str | None = None,
) -> SavedFigure:
    """One panel per run: each named weight over the training steps. The weights of a group
    (w1 of unit 1, w3 of unit 2, …) share a colour, the first solid and the others dashed or
    dotted, so weights that stay equal draw a single line."""
    figure = _figure(5.6 * len(panels), 4.2)
    grid = figure.subplots(1, len(panels), squeeze=False)[0]
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
    styles = [("-", 2.6), ("--", 1.8), (":", 2.0), ("-.", 1.6)]
    for axes, (name, history) in zip(grid, panels, strict=True):
        for color, group in zip(colors, groups, strict=False):
            for weight, (style, width) in zip(group, styles, strict=False):
                axes.plot(history.trajectory(weight), color=color, linestyle=style,
                          linewidth=width, label=weight)
        axes.set_title(name, fontsize=10)
        axes.set_xlabel("training step")
        axes.set_ylabel("weight value")
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8, ncol=len(groups), loc="best")
    if title:
        figure.suptitle(title, fontsize=12)
    return _save(figure, path)


def loss_curves(
    panels: Sequence[tuple[str, Mapping[str, History]]],
    path: Path | str,
    ylabel: str = "J (mean binary cross-entropy)",
    title: str | None = None,
) -> SavedFigure:
    """One panel per comparison: the loss of each run per epoch (log scale when it spans more
    than a factor of 10)."""
    figure = _figure(5.2 * len(panels), 3.9)
    grid = figure.subplots(1, len(panels), squeeze=False)[0]
    for axes, (name, runs) in zip(grid, panels, strict=True):
        for (label, history), style in zip(runs.items(), ["-", "--", ":", "-."], strict=False):
            axes.plot(np.arange(1, len(history.loss) + 1), history.loss, linestyle=style,
                      linewidth=2.0, label=label)
        losses = np.concatenate([history.loss for history in runs.values()])
        if losses.max() > 10 * losses.min() > 0:
            axes.set_yscale("log")
        axes.set_title(name, fontsize=10)
        axes.set_xlabel("epoch")
        axes.set_ylabel(ylabel)
        axes.grid(alpha=0.3, which="both")
        axes.legend(fontsize=9)
    if title:
        figure.suptitle(title, fontsize=12)
    return _save(figure, path)


KIND_STYLES = [("#2ca02c", "o"), ("#d62728", "X"), ("#ff7f0e", "s"), ("#7f7f7f", "v")]
"""Colour and marker of each kind of outcome in a seed sweep, in the order the kinds are given."""


def seed_sweep(
    runs: Sequence[tuple[int, float, float, str]],
    path: Path | str,
    kinds: Sequence[str],
    similar_angle: float,
    X: Any,
    y: Any,
    examples: Sequence[tuple[str, Sequence[tuple[tuple[float, float], float]]]] = (),
    title: str | None = None,
) -> SavedFigure:
    """Many runs of a net with two hidden units: for each run (seed, angle between its two
    lines in degrees, accuracy, kind) one marker; then up to three example runs, their lines
    (weights, bias) drawn over the data, in a 2 × 2 grid."""
    X = np.asarray(X, dtype=np.float64)
    figure = _figure(11.5, 9.0)
    cells = figure.subplots(2, 2).ravel()
    scatter = cells[0]
    scatter.axvspan(0, similar_angle, color="#d62728", alpha=0.08, zorder=0)
    scatter.text(similar_angle / 2, 0.5, f"similar:\nunder {similar_angle:g}°", ha="center",
                 fontsize=11, color="#d62728", transform=scatter.get_xaxis_transform())
    for kind, (color, marker) in zip(kinds, KIND_STYLES, strict=False):
        chosen = [(angle, 100 * accuracy) for _, angle, accuracy, k in runs if k == kind]
        if chosen:
            angles, accuracies = zip(*chosen, strict=True)
            scatter.scatter(angles, accuracies, s=70, color=color, marker=marker,
                            edgecolors="black", linewidths=0.5, label=f"{kind} ({len(chosen)})",
                            zorder=3)
    lowest = min(100 * accuracy for _, _, accuracy, _ in runs)
    scatter.set_xlim(0, 90)
    scatter.set_ylim(lowest - 4, 101.5)
    scatter.set_xlabel("angle between the two hidden units' lines (°)", fontsize=12)
    scatter.set_ylabel("training accuracy (%)", fontsize=12)
    scatter.grid(alpha=0.3)
    scatter.legend(fontsize=11, loc="lower center", framealpha=0.95)
    scatter.set_title("each marker: one seed", fontsize=13)
    xs, ys, points = _grid(X, steps=200)
    classes = [str(k) for k in range(int(np.max(y)) + 1)]
    for axes in cells[1 + len(examples):]:
        axes.set_visible(False)
    for axes, (name, lines) in zip(cells[1:], examples, strict=False):
        _scatter(axes, X, y, classes, size=22)
        for j, (weights, bias) in enumerate(lines):
            z = points @ np.asarray(weights) + bias
            _unit_line(axes, xs, ys, z, j + 1, UNIT_COLORS[j % len(UNIT_COLORS)], shade=False)
        axes.set_xlim(xs.min(), xs.max())
        axes.set_ylim(ys.min(), ys.max())
        axes.set_title(name, fontsize=13)
        axes.set_xticks([])
        axes.set_yticks([])
    if title:
        figure.suptitle(title, fontsize=14)
    return _save(figure, path)


def gap_growth(
    runs: Sequence[tuple[str, np.ndarray, int | None]],
    path: Path | str,
    threshold: float,
    until: int | None = None,
    title: str | None = None,
) -> SavedFigure:
    """For each run (name, the gap between two weights at every step, the step where it first
    exceeds `threshold`), the gap on a log scale over the steps (up to step `until`), the
    crossing marked."""
    figure = _figure(9.0, 5.6)
    axes = figure.subplots()
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
    for (name, gaps, crossing), color in zip(runs, colors, strict=False):
        gaps = gaps[: None if until is None else until + 1]
        steps = np.arange(len(gaps))
        shown = gaps > 0
        label = name if crossing is None else f"{name}: crosses at step {crossing}"
        axes.plot(steps[shown], gaps[shown], color=color, linewidth=2.2, label=label)
        if crossing is not None:
            axes.plot([crossing], [gaps[crossing]], "o", color=color, markersize=8,
                      markeredgecolor="black")
    axes.axhline(threshold, color="black", linestyle="--", linewidth=1.2)
    axes.text(0.62, threshold * 1.6, f"visible: {threshold:g}", ha="center", fontsize=11,
              transform=axes.get_yaxis_transform())
    axes.set_yscale("log")
    axes.set_xlabel("training step", fontsize=12)
    axes.set_ylabel("|w1 − w3|", fontsize=12)
    axes.grid(alpha=0.3, which="major")
    axes.legend(fontsize=11, loc="lower right")
    if title:
        axes.set_title(title, fontsize=12)
    return _save(figure, path)


def cost_between_twins(
    points: np.ndarray,
    paths: Mapping[str, np.ndarray],
    runs: Sequence[tuple[str, History, int]],
    path: Path | str,
    title: str | None = None,
) -> SavedFigure:
    """Two panels: the cost along straight lines from a trained net (t = 0) to equivalent
    twins (t = 1); and the loss of training runs per step, each (name, history, first step:
    a run that continues another can start where that one ended)."""
    figure = _figure(13.0, 5.0)
    along, during = figure.subplots(1, 2)
    for (name, costs), style in zip(paths.items(), ["-", "--", ":"], strict=False):
        along.plot(points, costs, linestyle=style, linewidth=2.4, label=name)
    along.axvline(0.5, color="grey", linewidth=1)
    along.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0\nthe net", "0.25", "0.5", "0.75",
                                                "1\nits twin"])
    along.text(0.5, 0.3, "halfway (solid):\nunits 1 and 2\nare equal", ha="center", va="center",
               fontsize=11, transform=along.get_xaxis_transform(),
               bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    along.set_xlabel("t: the point (1 − t)·net + t·twin", fontsize=12)
    along.set_ylabel("J (mean binary cross-entropy)", fontsize=12)
    along.set_yscale("log")
    along.grid(alpha=0.3, which="both")
    along.legend(fontsize=10, loc="lower center", framealpha=0.95)
    along.set_title("same cost at both ends, a hill between", fontsize=12)
    for (name, history, first), style in zip(runs, ["-", "--", "-."], strict=False):
        steps = first + np.arange(1, len(history.loss) + 1)
        during.plot(steps, history.loss, linestyle=style, linewidth=2.4, label=name)
    during.set_yscale("log")
    during.set_xlabel("gradient-descent step", fontsize=12)
    during.set_ylabel("J", fontsize=12)
    during.grid(alpha=0.3, which="both")
    during.legend(fontsize=10)
    during.set_title("equal units stay equal; 1e−6 away, they part", fontsize=12)
    if title:
        figure.suptitle(title, fontsize=14)
    return _save(figure, path)


def accuracy_by_width(
    widths: Sequence[int],
    series: Mapping[str, Sequence[Sequence[float]]],
    path: Path | str,
    title: str | None = None,
) -> SavedFigure:
    """Accuracy against the number of hidden units: for each series (training, test, …) one
    marker per run (seed) at each width and a line through their means."""
    figure = _figure(8.8, 5.2)
    axes = figure.subplots()
    positions = np.arange(len(widths))
    styles = [("#1f77b4", "o", "-"), ("#d62728", "s", "-"), ("#7f7f7f", "^", ":")]
    for offset, ((name, values), (color, marker, line)) in enumerate(
            zip(series.items(), styles, strict=False)):
        shift = (offset - (len(series) - 1) / 2) * 0.08
        means = [100 * np.mean(runs) for runs in values]
        axes.plot(positions + shift, means, linestyle=line, color=color, linewidth=2.2,
                  label=f"{name} (line: mean)")
        for position, runs in zip(positions, values, strict=True):
            axes.scatter(np.full(len(runs), position + shift), 100 * np.asarray(runs), s=46,
                         color=color, marker=marker, edgecolors="black", linewidths=0.5,
                         zorder=3, alpha=0.85)
    axes.set_xticks(positions, [str(width) for width in widths])
    axes.set_xlabel("hidden units (each marker: one seed)", fontsize=12)
    axes.set_ylabel("accuracy (%)", fontsize=12)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=11, loc="lower right")
    if title:
        axes.set_title(title, fontsize=12)
    return _save(figure, path)


def init_scales(
    slopes: Mapping[str, np.ndarray],
    histories: Mapping[str, History],
    path: Path | str,
    saturated: float,
    title: str | None = None,
) -> SavedFigure:
    """Two panels for starts of different scales: the sigmoid's slope a(1 − a) over the hidden
    units and examples at the start (cumulative: the share with a smaller slope); the loss
    during training."""
    figure = _figure(13.0, 5.0)
    spread, during = figure.subplots(1, 2)
    colors = ["#9467bd", "#2ca02c", "#ff7f0e", "#d62728", "#8c564b"]
    for (name, values), color in zip(slopes.items(), colors, strict=False):
        ordered = np.sort(np.ravel(values))
        shares = np.arange(1, len(ordered) + 1) / len(ordered)
        spread.step(np.concatenate([[0], ordered, [0.25]]),
                    100 * np.concatenate([[0], shares, [1]]), where="post", color=color,
                    linewidth=2.6, label=name)
    spread.axvspan(0, saturated, color="#d62728", alpha=0.12)
    spread.text(saturated * 1.4, 0.22, "saturated:\nσ flat,\na ≈ 0 or 1", fontsize=11,
                color="#d62728", transform=spread.get_xaxis_transform())
    spread.set_xlim(0, 0.255)
    spread.set_ylim(0, 102)
    spread.set_xlabel("a(1 − a): the sigmoid's slope (at most 0.25)", fontsize=11)
    spread.set_ylabel("% of (roast, hidden unit) pairs with a smaller slope", fontsize=11)
    spread.grid(alpha=0.3)
    spread.legend(fontsize=11, loc="center")
    spread.set_title("at the start: how steep is each hidden unit on each roast?", fontsize=12)
    for (name, history), color in zip(histories.items(), colors, strict=False):
        during.plot(np.arange(1, len(history.loss) + 1), history.loss, color=color,
                    linewidth=2.4, label=name)
    during.set_xscale("log")
    during.set_yscale("log")
    during.set_xlabel("gradient-descent step", fontsize=11)
    during.set_ylabel("J (mean binary cross-entropy)", fontsize=11)
    during.grid(alpha=0.3, which="both")
    during.legend(fontsize=11)
    during.set_title("the loss during training", fontsize=12)
    if title:
        figure.suptitle(title, fontsize=13)
    return _save(figure, path)
