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


def test_a_story_writes_its_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    result = blobs.run(out_dir=tmp_path, plots=True, verbose=True)
    assert result.figures[0] == tmp_path / "blobs_units.png" and _is_png(result.figures[0])
    assert f"figure: {tmp_path / 'blobs_units.png'}" in capsys.readouterr().out


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
