"""The console script, as a user runs it."""

import ast
import re
import shutil
import subprocess
import sys

import pytest

import tinygrad_sym as ts
from tinygrad_sym.cli import main
from tinygrad_sym.stories import STORIES, common


def run(argv, capsys):
    """The exit status and what `tinygrad-sym argv…` printed (stdout, stderr)."""
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse's own errors and --version
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_explain_prints_the_comparison(capsys):
    status, text, _ = run(["explain", "--weights", "w1", "w3"], capsys)
    assert status == 0
    assert "∂z3/∂a1 = w5 = 0.73" in text and "∂z3/∂a2 = w6 = −0.45" in text
    assert "DIFFERENT" in text
    assert "Check: backpropagation gives ∂J/∂w1 = −0.03531 and ∂J/∂w3 = 0.02518." in text


def test_the_tied_net_is_the_readmes_tied_start(capsys):
    status, text, _ = run(["explain", "--net", "2-2-1-tied", "--weights", "w1", "w3"], capsys)
    assert status == 0
    assert "w1 = 0.2, w2 = −0.3, w3 = 0.2, w4 = −0.3, w5 = 0.5, w6 = 0.5" in " ".join(text.split())
    assert "identical updates (symmetry)" in text


def test_version(capsys):
    status, text, _ = run(["--version"], capsys)
    assert status == 0 and text.strip() == f"tinygrad-sym {ts.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", ts.__version__)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--weights", "w42"], "no node named w42 in the 2-2-1 net; choose among w1,"),
        (["--weights", "w1", "w1"], "w1 is named twice: compare two different weights"),
        (["--weights", "w1", "x1"], "x1 is data, not parameters: backpropagation computes no "
                                    "gradient for it; choose among w1,"),
        (["--max-paths", "-3"], "--max-paths: must be a whole number of at least 1, not '-3'"),
        (["--max-paths", "0"], "must be a whole number of at least 1"),
        (["w1", "w3"], "name the weights after --weights: tinygrad-sym explain --weights w1 w3"),
    ],
)
def test_explain_refuses_in_the_command_lines_words(capsys, argv, expected):
    status, out, err = run(["explain", *argv], capsys)
    assert status == 2 and out == ""
    assert expected in err
    assert "explain: explain:" not in err
    assert "Value(" not in err and "requires_grad" not in err  # no Python advice on the CLI


def test_ascii_prints_numbers_that_paste_into_python(capsys):
    _, pretty, _ = run(["explain", "--weights", "w1", "w3"], capsys)
    status, text, _ = run(["explain", "--weights", "w1", "w3", "--ascii"], capsys)
    assert status == 0 and text.isascii()
    assert "dJ/dw1 = -0.03531" in text
    assert "dz3/da2 = w6 = -0.45" in text
    check = re.search(r"gives dJ/dw1 = (\S+) and dJ/dw3 = (\S+)\.", text)
    assert [ast.literal_eval(number) for number in check.groups()] == [-0.03531, 0.02518]
    # the table keeps its columns: the same lines, each as long as the pretty one
    table = [line for line in pretty.splitlines() if line.endswith(("shared", "DIFFERENT"))]
    plain = [line for line in text.splitlines() if line.endswith(("shared", "DIFFERENT"))]
    assert [len(line) for line in plain] == [len(line) for line in table] and table


def test_demo_accepts_the_example_files_name(capsys, monkeypatch):
    ran = []
    monkeypatch.setitem(STORIES, "zero-init", lambda **options: ran.append(options))
    for name in ("zero_init", "zero-init"):
        status, text, _ = run(["demo", name, "--no-plots"], capsys)
        assert status == 0 and "=== zero-init ===" in text
    assert ran == [{"out_dir": None, "plots": False}] * 2


def _png(path):
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


GRAPHS = {"coffee": ["coffee_graph"],
          "symmetry": ["symmetry_untied_w1_vs_w3", "symmetry_tied_w1_vs_w3"]}


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_demo_writes_the_gradient_graphs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tinygrad_sym.cli", "demo", "symmetry", "--out", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )
    assert "∂J/∂w1" in result.stdout
    for name in GRAPHS["symmetry"]:
        assert _png(tmp_path / "symmetry" / f"{name}.png")
    for name in ("symmetry_untied_film", "symmetry_tied_film"):  # every step's numbers
        page = (tmp_path / "symmetry" / f"{name}.html").read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and '"frames":1501,' in page  # 1,500 steps


def test_without_dot_every_graph_is_dot_text_and_the_hint_comes_once(tmp_path, capsys,
                                                                        monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` anywhere
    monkeypatch.setattr(common, "_SAID_ONCE", set())
    monkeypatch.setattr(common.Figures, "draw", lambda *args, **kwargs: None)  # no matplotlib
    status, text, _ = run(["demo", "coffee", "symmetry", "--out", str(tmp_path)], capsys)
    assert status == 0
    for story, names in GRAPHS.items():
        for name in names:
            assert (tmp_path / story / f"{name}.dot").read_text().startswith("digraph")
            assert not (tmp_path / story / f"{name}.png").exists()
            assert f"figure: {tmp_path / story / name}.dot" in text
    assert text.count("sudo apt-get install graphviz") == 1
    assert "graph.source" not in text  # Python advice is for Python users


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
