"""ts.draw where people see it: text size at the width the picture is shown, units and
weights in reading order, each derivative next to its own edge, no −0. Positions come
from Graphviz's own layout (`dot -Tjson`), so these tests need the `dot` binary."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from test_viz import edges_ending_at_their_rows, layout, parse_dot, text_of

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.viz import Legibility

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot binary is not installed")

DOCS = Path(__file__).resolve().parent.parent / "docs"
README_INIT = {"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9, "w5": 0.73, "w6": -0.45}


def readme_net() -> tuple[ts.Value, dict[str, ts.Value]]:
    """The README's first example: the 2→2→1 net, its J after backward, its weights."""
    net = nn.MLP(2, [2, 1], scalar=True, init=README_INIT)
    J = nn.binary_cross_entropy(net([0.52, 0.30]), 1.0)
    J.backward()
    return J, dict(net.named_parameters())


def seeded_net(sizes: list[int], seed: int, **options) -> tuple[ts.Value, nn.MLP]:
    """A seeded scalar net with 2 inputs on one example, after backward."""
    ts.manual_seed(seed)
    net = nn.MLP(2, sizes, scalar=True, **options)
    if options.get("output_activation") == "linear":
        J = nn.cost(net, np.array([[0.3, -0.7]]), np.array([1]), nn.softmax_cross_entropy)
    else:
        J = nn.cost(net, np.array([[0.3, -0.7]]), np.array([1.0]))
    J.backward()
    return J, net


def card_heights(graph) -> dict[str, float]:
    """The height (y, up) of each value card's centre, by the name on its header."""
    dot = parse_dot(graph.source)
    found = {}
    for item in layout(graph)["objects"]:
        if "pos" in item and not item["name"].endswith("op") and item["name"] in dot.nodes:
            header = text_of(dot.nodes[item["name"]]["label"]).split(" ")[0]
            found[header] = float(item["pos"].split(",")[1])
    return found


# ------------------------------------------------------------------------ text size


def test_legibility_reads_the_viewbox_and_every_font_size():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0.00 0.00 1000.00 500.00">'
           '<g><text font-size="10.00">a</text><text font-size="12.00">b</text>'
           '<text font-size="14.00">c</text></g></svg>')
    measured = Legibility.of_svg(svg)
    assert measured.aspect == 2.0 and measured.font_sizes == (10.0, 12.0, 14.0)
    assert measured.smallest(880) == pytest.approx(8.8)
    assert measured.median(880) == pytest.approx(10.56)
    assert measured.smallest(1280) == pytest.approx(12.8)
    with pytest.raises(ValueError, match="viewBox"):
        Legibility.of_svg('<svg xmlns="http://www.w3.org/2000/svg"><text>a</text></svg>')


@needs_dot
def test_the_readme_picture_is_legible_in_a_column_and_on_a_slide():
    """The README's call with default arguments: text ≥ 9 px on a 1280-px slide, ≥ 6.5 px
    (median ≥ 8 px) in an 880-px column, and no wider than 2:1."""
    J, w = readme_net()
    measured = ts.draw(J, highlight=[w["w1"], w["w3"]]).legibility()
    assert measured.smallest(1280) >= 9, measured.summary()
    assert measured.smallest(880) >= 6.5, measured.summary()
    assert measured.median(880) >= 8, measured.summary()
    assert measured.aspect <= 2.0, measured.summary()


def tensor_net(name: str, examples: int) -> tuple[ts.Value, dict[str, ts.Value]]:
    """A tensor net `nn` builds, after backward: coffee's 2→3→1 sigmoid net with binary
    cross-entropy on `examples` normalized roasts, or the multiclass lab's 2→2→4 ReLU net
    with softmax cross-entropy on `examples` blob points."""
    ts.manual_seed(0)
    if name == "coffee":
        X, y = ts.datasets.coffee_roasting()
        X = ts.datasets.Normalizer.fit(X)(X)
        net, loss = nn.MLP(2, [3, 1]), nn.binary_cross_entropy
    else:
        X, y = ts.datasets.blobs()
        net = nn.MLP(2, [2, 4], activation="relu", output_activation="linear")
        loss = nn.softmax_cross_entropy
    J = nn.cost(net, X[:examples], y[:examples], loss)
    J.backward()
    return J, dict(net.named_parameters())


@needs_dot
@pytest.mark.parametrize(("name", "examples", "options"), [
    ("coffee", 4, {}), ("coffee", 4, {"clusters": False}), ("coffee", 200, {}),
    ("lab", 8, {}), ("lab", 100, {}),
])
@pytest.mark.parametrize("highlight", [True, False], ids=["W1", "no highlight"])
def test_tensor_pictures_are_legible_in_a_column_and_on_a_slide(name, examples, options,
                                                                 highlight):
    """The tensor nets nn builds, drawn with and without W1's matrix form: the README
    picture's four numbers (≥ 9 px on a slide; ≥ 6.5 px, median ≥ 8 px in a column; 2:1)."""
    J, parameters = tensor_net(name, examples)
    measured = ts.draw(J, highlight=[parameters["W1"]] if highlight else [],
                       **options).legibility()
    assert measured.smallest(1280) >= 9, measured.summary()
    assert measured.smallest(880) >= 6.5, measured.summary()
    assert measured.median(880) >= 8, measured.summary()
    assert measured.aspect <= 2.0, measured.summary()


# ---------------------------------------------------------------------------- order


@needs_dot
@pytest.mark.parametrize(("sizes", "seed", "options"), [
    ([2, 1], 0, {}), ([3, 1], 2, {}), ([3, 1], 7, {"init": "zeros"}),
    ([4], 1, {"output_activation": "linear"}), ([3, 2, 1], 3, {}),
])
def test_units_and_their_weights_are_drawn_in_order_top_to_bottom(sizes, seed, options):
    J, net = seeded_net(sizes, seed, **options)
    w = dict(net.named_parameters())
    graph = ts.draw(J, highlight=[w["w1"], w["w3"]])
    height = card_heights(graph)
    for layer in net.layers:
        numbering = layer.numbering
        units = [numbering.unit(j) for j in range(layer.nout)]
        for j in range(layer.nout):  # w…, then the bias: top to bottom
            names = [numbering.weight(i, j) for i in range(layer.nin)] + [numbering.bias(j)]
            ys = [height[name] for name in names]
            assert ys == sorted(ys, reverse=True), (names, ys)
        for kind in ("z", "a"):  # z1 above z2 above z3
            ys = [height[f"{kind}{unit}"] for unit in units if f"{kind}{unit}" in height]
            assert ys == sorted(ys, reverse=True), (kind, units, ys)
        firsts = [height[numbering.weight(0, j)] for j in range(layer.nout)]
        assert firsts == sorted(firsts, reverse=True), firsts


@needs_dot
def test_each_derivative_is_written_next_to_its_own_edge():
    """The arrow of each edge into an op ends at the row that writes its derivative:
    nearer to that row than to any other (the row's first line is its anchor)."""
    J, net = seeded_net([3, 1], 2)
    w = dict(net.named_parameters())
    checked = edges_ending_at_their_rows(ts.draw(J, highlight=[w["w1"], w["w3"]]))
    assert checked >= 3 * 3 + 3 + 4  # w, w, b of each unit; a1–a3 and w7–w9, b4 into z4


# ---------------------------------------------------------------------------- zeros


def test_a_zero_is_written_0_never_minus_0():
    """All-zero init: −0.0 turns up (a zero weight times a negative input) and must print
    as 0, on the cards, in the derivatives, the tooltips and the legend."""
    assert ts.viz.labels.number(-0.0) == "0" and ts.viz.labels.number(-1e-20) == "−1×10⁻²⁰"
    J, net = seeded_net([3, 1], 2, init="zeros")
    w = dict(net.named_parameters())
    grads = [node.grad for node in ts.topological_order(J) if node.grad is not None]
    assert any(g == 0 and np.signbit(g) for g in grads)  # ∂J/∂a1 = w7 · ∂J/∂z4 = −0.0
    source = ts.draw(J, highlight=[w["w1"], w["w3"]]).source
    assert not re.search(r"−0(?![.,\d×])", text_of(source) + " " + source)
    assert not re.search(r"−0(?![.,\d×])", str(ts.compare(J, w["w1"], w["w3"])))


@needs_dot
def test_the_readmes_first_block_draws_its_picture_and_prints_what_it_shows(tmp_path):
    """The README's code block (run as `make images` runs it): it writes w1_vs_w3.png, and
    prints the comparison the README shows under it."""
    spec = importlib.util.spec_from_file_location("readme_picture", DOCS / "readme_picture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    printed = module.run_block(tmp_path)
    assert (tmp_path / "w1_vs_w3.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    after = readme.split(module.readme_block(), 1)[1]
    shown = re.match(r"```\n\s*```\n(.*?)```", after, re.S).group(1)  # the next block
    lines = [line for line in shown.splitlines() if line.strip()]
    assert len(lines) >= 8
    flat = " ".join(printed.split())
    for line in lines[:-2]:  # the verdict's two lines: the README cuts the second short
        assert " ".join(line.split()) in flat, line
    assert " ".join(lines[-2].split()) in flat
