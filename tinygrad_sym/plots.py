"""Figures for the stories: what each hidden unit responds to, and weights over training.

matplotlib is an optional extra (`pip install tinygrad_sym[plot]`), imported only when a
figure is drawn; the figures use matplotlib's object API (no pyplot, no global state). Each
function writes a file and returns its path, which a notebook shows as the picture.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

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
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    figure.savefig(temporary, dpi=110, format=path.suffix.lstrip(".") or "png")
    os.replace(temporary, path)
    return path


def _grid(X: np.ndarray, steps: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A grid covering the data with a 5 % margin: xs, ys (steps × steps) and the points."""
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.05 * (high - low)
    xs, ys = np.meshgrid(np.linspace(low[0] - margin[0], high[0] + margin[0], steps),
                         np.linspace(low[1] - margin[1], high[1] + margin[1], steps))
    return xs, ys, np.column_stack([xs.ravel(), ys.ravel()])


def _scatter(axes: Any, X: np.ndarray, y: np.ndarray, class_names: Sequence[str]) -> None:
    labels = np.asarray(y).reshape(-1).astype(int)
    markers, colors = "xo^sv", ["#d62728", "#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd"]
    if len(class_names) > 2:
        colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
        markers = "osD^v"
    for label, name in enumerate(class_names):
        chosen = labels == label
        filled = markers[label % 5] not in "x"
        axes.scatter(X[chosen, 0], X[chosen, 1], s=16, marker=markers[label % 5],
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
    from matplotlib.colors import ListedColormap

    winners = outputs.argmax(axis=1).reshape(xs.shape)
    colors = ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5"][: outputs.shape[1]]
    axes.contourf(xs, ys, winners, levels=np.arange(outputs.shape[1] + 1) - 0.5,
                  cmap=ListedColormap(colors))
    axes.contour(xs, ys, winners, levels=np.arange(outputs.shape[1]) + 0.5, colors="black",
                 linewidths=1.0)
    axes.set_title("decision: the largest z wins", fontsize=10)


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
