"""ts.draw(J, highlight=[W1]) on a tensor net: W1's chain of matrices in the highlight
colour, and the matrix form of the chain rule, with shapes and numbers, on the legend; each
card says how it was computed and writes its incoming edges' local derivatives (no op
nodes), each where its edge arrives."""

import itertools
import re
import shutil

import numpy as np
import pytest
from test_viz import (
    close,
    edges_ending_at_their_rows,
    op_rows,
    parse_dot,
    text_of,
)

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.explainer import Names


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
    colour = dot.edge(dot.name_of("W1"), dot.name_of("Z1"))["color"]
    route = ["Z1", "A1", "Z2", "A2"]
    for parent, child in itertools.pairwise(route):
        assert dot.edge(dot.name_of(parent), dot.name_of(child))["color"] == colour
    assert dot.edge(dot.name_of("X"), dot.name_of("Z1"))["color"] != colour
    assert dot.edge(dot.name_of("W2"), dot.name_of("Z2"))["color"] != colour


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


needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot binary is not installed")


@needs_dot
def test_the_readme_picture_of_the_matrix_form_is_legible_in_a_column_and_on_a_slide():
    """The README's call: text ≥ 9 px on a 1280-px slide, ≥ 6.5 px (median ≥ 8 px) in an
    880-px column, no wider than 2:1; the legend's own text is never smaller than 12 pt."""
    J, p = coffee()
    graph = ts.draw(J, highlight=[p["W1"]])
    measured = graph.legibility()
    assert measured.smallest(1280) >= 9, measured.summary()
    assert measured.smallest(880) >= 6.5, measured.summary()
    assert measured.median(880) >= 8, measured.summary()
    assert measured.aspect <= 2.0, measured.summary()
    svg = graph.pipe(format="svg").decode()
    legend = re.findall(r'font-size="([\d.]+)"[^>]*>([^<]*(?:shapes:|δ1 = |δ2 = |∂J/∂W1 = )[^<]*)<',
                        svg)
    assert len(legend) >= 6 and all(float(size) >= 12 for size, _ in legend), legend


# ------------------------------------------------------- the op inside its result's card


def test_a_tensor_picture_writes_each_op_in_its_result_card():
    """No op nodes between the cards: each computed card says how it was computed, in the
    legend's notation, and a result without a name is titled by its op."""
    J, _ = coffee()
    dot = parse_dot(ts.draw(J).source)
    assert not [name for name in dot.nodes if name.endswith("op")]
    for name, computed in (("Z1", "= X·W1 + b1"), ("A1", "= σ(Z1)"), ("Z2", "= A1·W2 + b2"),
                           ("A2", "= σ(Z2)"), ("J", "= mean(BCE(A2, y))")):
        assert op_rows(dot, dot.name_of(name))["op"] == computed, name
    assert dot.card("BCE(A2,").startswith("BCE(A2, y) 4×1")
    assert op_rows(dot, dot.name_of("BCE(A2,"))["op"].startswith("BCE(A2, y)")
    for name in ("X", "W1", "b1", "y"):  # leaves: no op, so no op row
        assert "op" not in op_rows(dot, dot.name_of(name))


def test_a_tensor_cards_derivatives_come_from_the_op_table_and_meet_their_edges():
    """Every edge into a card arrives at the row that writes its local derivative (the op
    table's, through local_derivative), or at the op's row when none is written (from X
    and y, which take no gradient); it leaves its operand from the value's row."""
    J, _ = coffee()
    dot = parse_dot(ts.draw(J).source)
    names = Names(J)

    def card(node: ts.Value) -> str:
        return dot.name_of(names.given(node) or "BCE(A2,")  # the unnamed one: its title

    checked = 0
    for node in ts.topological_order(J):
        if node.op is None:
            continue
        head = card(node)
        rows = op_rows(dot, head)
        for index, parent in enumerate(node.parents):
            edge = dot.edge(card(parent), head)
            assert edge["tailport"] == "v"
            port = edge["headport"].split(":")[0]
            if not parent.requires_grad:
                assert port == "op", parent.label
                continue
            found = ts.local_derivative(node, index, name=names)
            named = names.given(node) and parent.label  # the unnamed one: no ∂…/∂… name
            name = f"∂{names.given(node)}/∂{parent.label} = " if named else ""
            written = rows[port].replace(")/ (", ")/(")  # a quotient is broken after its /
            assert written == f"{name}{found.formula}", (port, rows[port])
            checked += 1
    assert checked == 2 + 1 + 3 + 1 + 1 + 1  # W1 b1 | Z1 | A1 W2 b2 | Z2 | A2 | u1


def test_a_tensor_card_holds_its_op_and_every_derivative_in_its_tooltip():
    J, _ = coffee()
    dot = parse_dot(ts.draw(J).source)
    tip = dot.nodes[dot.name_of("Z1")]["tooltip"]
    for line in ("Z1 = affine(X, W1, b1)", "∂Z1/∂X = · W1ᵀ", "∂Z1/∂W1 = Xᵀ ·",
                 "∂Z1/∂b1 = 1"):
        assert line in tip, line


def test_a_scalar_twins_batch_keeps_its_op_nodes():
    """Only a tensor net's picture writes ops in the cards: the scalar twin on four roasts
    (whose per-example losses are stacked into a tensor) keeps one op node per op."""
    ts.manual_seed(0)
    X, y = ts.datasets.coffee_roasting()
    X, y = ts.datasets.Normalizer.fit(X)(X)[:4], y[:4]
    twin = nn.MLP(2, [3, 1]).to_scalar()
    J = nn.cost(twin, X, y)
    J.backward()
    dot = parse_dot(ts.draw(J).source)
    assert len([name for name in dot.nodes if name.endswith("op")]) >= 8
    assert all("tailport" not in attributes or attributes["tailport"] == "op:e"
               for _, _, attributes in dot.edges)


@needs_dot
def test_each_arrow_into_a_tensor_card_ends_at_the_row_of_its_derivative():
    """In Graphviz's layout (`dot -Tjson`), the tip of each edge into a card lies on the
    lines of the row that writes its derivative, and nearer to it than to any other row."""
    J, p = coffee()
    assert edges_ending_at_their_rows(ts.draw(J, highlight=[p["W1"]])) == 9
