"""The console script, as a user runs it."""

import shutil
import subprocess
import sys

import pytest

from tinygrad_sym.cli import main


def test_explain_prints_the_comparison(capsys):
    assert main(["explain", "--weights", "w1", "w3"]) == 0
    text = capsys.readouterr().out
    assert "∂z3/∂a1 = w5 = 0.73" in text and "∂z3/∂a2 = w6 = −0.45" in text
    assert "DIFFERENT" in text


def test_explain_unknown_weight_is_a_clear_error(capsys):
    assert main(["explain", "--weights", "w42"]) == 2
    assert "w42" in capsys.readouterr().err


def test_demo_writes_the_gradient_graphs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tinygrad_sym.cli", "demo", "symmetry", "--out", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )
    assert "∂J/∂w1" in result.stdout
    for name in ("symmetry_untied_w1_vs_w3", "symmetry_tied_w1_vs_w3"):
        picture = tmp_path / "symmetry" / f"{name}.png"
        if shutil.which("dot"):
            assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        else:  # without Graphviz the story writes the DOT source and says how to install dot
            assert picture.with_suffix(".dot").read_text().startswith("digraph")
            assert "apt-get install graphviz" in result.stdout
    if shutil.which("dot"):  # the training films: one page each, every step's numbers
        for name in ("symmetry_untied_film", "symmetry_tied_film"):
            page = (tmp_path / "symmetry" / f"{name}.html").read_text(encoding="utf-8")
            assert page.startswith("<!DOCTYPE html>") and '"frames":1501,' in page  # 1,500 steps


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot binary is not installed")
def test_explore_writes_the_demo_nets_page(tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["explore", "--net", "2-2-1-tied", "--weights", "w1", "w3", "--out", str(out)]) == 0
    assert out.as_uri() in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert "The 2-2-1-tied net" in html and "every factor on their paths is equal" in html


def test_explore_unknown_weight_is_a_clear_error(capsys):
    assert main(["explore", "--weights", "w42"]) == 2
    assert "no node named w42" in capsys.readouterr().err
