"""Figures: written as real PNGs, and the stories still run without matplotlib."""

import shutil
import sys

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn, plots
from tinygrad_sym.stories import blobs

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _is_png(path):
    with open(path, "rb") as file:
        return file.read(8) == PNG_SIGNATURE


def test_unit_maps_weight_trajectories_and_loss_curves(tmp_path):
    pytest.importorskip("matplotlib")
    ts.manual_seed(0)
    X = ts.seeding.rng().normal(size=(30, 2))
    y = (X[:, :1] > 0).astype(float)
    net = nn.MLP(2, [2, 1])
    history = nn.fit(net, X, y, epochs=5, progress=False, record_parameters=True)
    paths = [
        plots.unit_maps([net, net.to_scalar()], tmp_path / "units.png", X, y,
                        row_titles=["tensor", "scalar"], title="units"),
        plots.weight_trajectories([("run", history)], [("w1", "w3"), ("w5", "w6")],
                                  tmp_path / "weights.png"),
        plots.loss_curves([("run", {"a": history, "b": history})], tmp_path / "loss.png"),
    ]
    assert all(path.exists() and _is_png(path) for path in paths)


def test_the_stories_figures(tmp_path):
    """Each figure function of the stories writes a PNG from small made-up inputs."""
    pytest.importorskip("matplotlib")
    ts.manual_seed(1)
    X = ts.seeding.rng().normal(size=(40, 2)) * 3
    y = (X[:, 0] > 0).astype(int) + 2 * (X[:, 1] > 0)
    net = nn.MLP(2, [2, 4], activation="relu", output_activation="linear")
    history = nn.fit(net, X, y, loss=nn.softmax_cross_entropy, epochs=3, progress=False)
    lines = [((1.0, 0.2), 0.0), ((0.1, -1.0), 0.5)]
    gaps = np.exp(np.arange(30) / 3) * 1e-9
    paths = [
        plots.hidden_lines(net, tmp_path / "lines.png", X, y, class_names=list("ABCD")),
        plots.seed_sweep([(0, 80.0, 1.0, "good"), (1, 10.0, 0.9, "bad")], tmp_path / "sweep.png",
                         kinds=["good", "bad"], similar_angle=25, X=X, y=y,
                         examples=[("seed 0", lines), ("seed 1", lines)]),
        plots.gap_growth([("ε = 1e−9", gaps, 20), ("ε = 0", np.zeros(30), None)],
                         tmp_path / "gap.png", threshold=0.01, until=25),
        plots.cost_between_twins(np.linspace(0, 1, 5), {"swap": np.array([1, 2, 3, 2, 1.0])},
                                 [("run", history, 0), ("more", history, 3)],
                                 tmp_path / "twins.png"),
        plots.accuracy_by_width([1, 2], {"train": [[0.8, 0.9], [1.0]], "test": [[0.7], [0.9]]},
                                tmp_path / "width.png"),
        plots.init_scales({"Glorot": np.array([0.2, 0.25]), "× 100": np.array([0.0, 0.001])},
                          {"Glorot": history, "× 100": history}, tmp_path / "scale.png",
                          saturated=0.01),
    ]
    assert all(path.exists() and _is_png(path) for path in paths)


def test_a_story_writes_its_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    result = blobs.run(out_dir=tmp_path, plots=True, verbose=True)
    assert [path.name for path in result.figures][:2] == ["blobs_lines.png", "blobs_softmax.png"]
    assert all(_is_png(path) for path in result.figures[:2])
    assert f"figure: {tmp_path / 'blobs_lines.png'}" in capsys.readouterr().out


def test_without_matplotlib_stories_still_run(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(plots.MissingMatplotlib, match=r"pip install tinygrad_sym\[plot\]"):
        plots.loss_curves([], tmp_path / "loss.png")
    result = blobs.run(out_dir=tmp_path, plots=True, verbose=True)
    printed = capsys.readouterr().out
    # the matplotlib figure is skipped with a hint; the Graphviz gradient graph needs no matplotlib
    expected = ["blobs_graph.png"] if shutil.which("dot") else []
    assert [path.name for path in result.figures] == expected
    assert "pip install tinygrad_sym[plot]" in printed
    assert result.accuracy >= 0.95 and sorted(tmp_path.iterdir()) == result.figures
    assert np.isfinite(result.history.loss[-1])
