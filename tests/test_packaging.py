"""What a plain `pip install` gives: the version, an engine that needs no graphviz package,
and errors that name the extra to install."""

import subprocess
import sys
from pathlib import Path

import pytest

import tinygrad_sym as ts

ROOT = Path(__file__).resolve().parents[1]

BLOCK = """
import importlib.abc, sys
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, Missing())
"""


def without(packages, code):
    """Run `code` in a fresh interpreter in which `packages` cannot be imported."""
    return subprocess.run([sys.executable, "-c", BLOCK.format(blocked=set(packages)) + code],
                          capture_output=True, text=True, timeout=120)


def test_the_engine_nn_and_explainer_work_without_the_graphviz_package():
    result = without({"graphviz"}, """
import tinygrad_sym as ts
from tinygrad_sym import nn
net = nn.MLP(2, [2, 1], scalar=True, init={"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9,
                                            "w5": 0.73, "w6": -0.45})
J = nn.binary_cross_entropy(net([0.52, 0.30]), 1.0)
J.backward()
w = dict(net.named_parameters())
print(ts.compare(J, w["w1"], w["w3"]).verdict[:22])
assert "graphviz" not in sys.modules and "tinygrad_sym.viz" not in sys.modules
try:
    ts.draw(J)
except ImportError as error:
    print(error)
""")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "∂J/∂w1 ≠ ∂J/∂w3 (−0.03",
        "ts.draw needs the graphviz Python package (a dependency of tinygrad_sym): "
        "pip install graphviz"]


def test_draw_is_loaded_on_first_use():
    assert ts.draw is ts.viz.draw
    assert "draw" in ts.__all__


def test_strategies_without_hypothesis_names_the_test_extra():
    result = without({"hypothesis"}, """
from tinygrad_sym.testing import gradcheck
try:
    from tinygrad_sym.testing import strategies
except ImportError as error:
    print(type(error).__name__, error)
""")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "ImportError tinygrad_sym.testing.strategies needs hypothesis, which comes with the "
        "test extra: pip install tinygrad_sym[test]")


def test_pyproject_license_extras_and_version():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and (ROOT / "LICENSE").read_text().startswith("MIT")
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # SPDX instead
    assert project["dependencies"] == ["numpy>=1.24", "graphviz>=0.20"]
    extras = project["optional-dependencies"]
    assert {"test", "plot", "notebooks", "browser", "torch", "dev"} <= set(extras)
    assert "version" in project["dynamic"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for extra in ("test", "plot", "notebooks", "browser", "dev"):
        assert f"pip install tinygrad_sym[{extra}]" in readme
