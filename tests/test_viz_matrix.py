"""ts.draw(J, highlight=[W1]) on a tensor net: W1's chain of matrices in the highlight
colour, and the matrix form of the chain rule, with shapes and numbers, on the legend."""

import itertools
import re
import shutil

import numpy as np
import pytest
from test_viz import close, parse_dot, text_of

import tinygrad_sym as ts
from tinygrad_sym import nn


def coffee():
    """The coffee net on four normalized roasts, after backward: (J, parameters by name)."""
    ts.manual_seed(0)
    X, y = ts.datasets.coffee_roasting()
    X, y = ts.datasets.Normalizer.fit(X)(X)[:4], y[:4]
    net = nn.MLP(2, [3, 1])
    J = nn.cost(net, X, y)
    J.backward()
    return J, dict(net.named_parameters())


def test_a_highlighted_tensor_colours_its_chain_and_writes_the_matrix_form():
    J, p = coffee()
    dot = parse_dot(ts.draw(J, highlight=[p["W1"]]).source)
    text = text_of(dot.graph["label"])
    for line in ("∂J/∂W1 = Xᵀ · δ1", "shapes: 2×3 = 2×4 · 4×3",
                 "δ1 = (δ2 · W2ᵀ) ⊙ A1 ⊙ (1 − A1)", "shapes: 4×3 = (4×1 · 1×3) ⊙ 4×3",
                 "δ2 = (A2 − y)/n", "(A2 ⊙ (1 − A2) cancels)", "δ1 = ∂J/∂Z1"):
        assert line in text, line
    shown = text.split("cancels)")[1].split("∂J/∂W1 equals")[0].split()
    assert shown[0] == "=" and len(shown) == 7  # = and the 2×3 numbers, row by row
    assert all(close(x, g) for x, g in zip(shown[1:], p["W1"].grad.ravel(), strict=True))
    assert "∂J/∂W1 equals backward's W1.grad" in text
    colour = dot.edge(dot.name_of("W1"), dot.name_of("Z1") + "op")["color"]
    route = ["Z1", "A1", "Z2", "A2"]
    for parent, child in itertools.pairwise(route):
        assert dot.edge(dot.name_of(parent), dot.name_of(child) + "op")["color"] == colour
    assert dot.edge(dot.name_of("X"), dot.name_of("Z1") + "op")["color"] != colour
    assert dot.edge(dot.name_of("W2"), dot.name_of("Z2") + "op")["color"] != colour


def test_an_entry_or_a_comparison_of_units_highlights_the_tensors_chain():
    J, p = coffee()
    W1 = p["W1"]
    by_value = ts.draw(J, highlight=[W1]).source
    assert ts.draw(J, highlight=ts.explain(J, W1)).source == by_value
    assert ts.draw(J, highlight=ts.explain(J, W1, entry=(0, 1))).source == by_value
    assert ts.draw(J, highlight=ts.compare(J, W1[:, 0], W1[:, 1])).source == by_value
    assert ts.draw(J, highlight=[W1[0, 1]]).source == by_value


def test_a_tensor_and_a_scalar_highlight_side_by_side():
    """A hand-built net with a scalar weight and a matrix: each gets its own colour."""
    X = ts.Value(np.array([[1.0, 2.0], [0.5, -1.0]]), "X", requires_grad=False)
    W = ts.Value(np.array([[0.3], [-0.2]]), "W")
    s = ts.Value(1.5, "s")
    J = ((X @ W).tanh() * s).sum()
    J.label = "J"
    J.backward()
    text = text_of(parse_dot(ts.draw(J, highlight=[W, s]).source).graph["label"])
    assert "∂J/∂W" in text and "∂J/∂s" in text and "shapes: 2×1 = 2×2 · 2×1" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot binary is not installed")
def test_the_readme_picture_of_the_matrix_form_is_legible_on_a_slide():
    """The README's call (layer boxes off): text ≥ 9 px on a 1280-px slide, no wider than
    2:1; the legend's own text is never smaller than 12 pt."""
    J, p = coffee()
    graph = ts.draw(J, highlight=[p["W1"]], clusters=False)
    measured = graph.legibility()
    assert measured.smallest(1280) >= 9, measured.summary()
    assert measured.aspect <= 2.0, measured.summary()
    svg = graph.pipe(format="svg").decode()
    legend = re.findall(r'font-size="([\d.]+)"[^>]*>([^<]*(?:shapes:|δ1 = |δ2 = |∂J/∂W1 = )[^<]*)<',
                        svg)
    assert len(legend) >= 6 and all(float(size) >= 12 for size, _ in legend), legend
