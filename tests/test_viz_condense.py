"""Big graphs: condensed into a few legible boxes (units, repeated steps, the end of the
computation, the examples of a batch after the first) with a note saying so."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_viz import close, course_net, parse_dot, text_of

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.testing import strategies as tst
from tinygrad_sym.viz.colors import HIGHLIGHTS
from tinygrad_sym.viz.condense import CONDENSED_BOXES, condense


def batch_cost(examples: int, hidden: list[int]) -> tuple[ts.Value, nn.Module]:
    """The cost of a scalar sigmoid MLP over `examples` examples, after backward."""
    ts.manual_seed(0)
    twin = nn.MLP(2, [*hidden, 1], activation="sigmoid").to_scalar()
    X = np.random.default_rng(1).normal(size=(examples, 2))
    J = nn.cost(twin, X, (X[:, 0] > 0).astype(float))
    J.backward()
    return J, twin


def boxes(dot) -> dict[str, str]:
    """Each drawn box (value card or summary, not op pill) by DOT name, as text."""
    return {name: text_of(a["label"]) for name, a in dot.nodes.items()
            if not name.endswith("op")}


@given(tst.expressions(max_steps=8), st.integers(1, 12), st.data())
def test_a_plan_draws_every_node_exactly_once(expression, max_nodes, data):
    root = expression(*expression.leaves())
    order = ts.topological_order(root)
    keep = data.draw(st.sets(st.sampled_from(order), max_size=3))
    plan = condense(order, root, max_nodes, keep)
    summarised = [node for summary in plan.summaries for node in summary.members]
    assert sorted(map(id, plan.shown + summarised)) == sorted(map(id, order))
    assert root in plan.shown and keep <= set(plan.shown)
    assert all(plan.owner[n] is s for s in plan.summaries for n in s.members)
    assert all(len(summary.members) > 1 for summary in plan.summaries)
    if len(order) <= max_nodes:
        assert plan.note is None and plan.shown == order
    else:
        assert plan.size <= max(min(max_nodes, CONDENSED_BOXES), len(keep | {root}) + 1)
        assert f"{len(order):,} nodes drawn as {plan.size:,} boxes" in plan.note


def test_small_graphs_are_not_condensed():
    net = course_net()
    dot = parse_dot(ts.draw(net["J"]).source)
    assert "Condensed" not in text_of(dot.graph["label"])
    assert len(boxes(dot)) == len(ts.topological_order(net["J"]))


def test_a_batch_draws_its_first_example_and_one_box_for_the_others():
    """J = mean(L1, …, L200): example 1 drawn node by node (its nodes named x1⁽¹⁾, …), the
    shared weights once, examples 2–200 as one box listing their losses; a note says so."""
    J, twin = batch_cost(200, [3])
    dot = parse_dot(ts.draw(J).source)
    drawn = boxes(dot)
    note = text_of(dot.graph["label"])
    assert "J adds up 200 examples: example 1 drawn in full, the others as one box" in note
    (rest,) = [text for text in drawn.values() if text.startswith("examples 2–200")]
    assert "L2 " in rest and "… and 191 more" in rest
    headers = [text.split(" ")[0] for text in drawn.values()]
    assert {"x1⁽¹⁾", "z1⁽¹⁾", "a4⁽¹⁾", "y⁽¹⁾", "L1"} <= set(headers)
    assert not any("⁽²⁾" in header for header in headers)
    for _, parameter in twin.named_parameters():
        assert headers.count(parameter.label) == 1  # each weight once
    assert len(drawn) <= 30


def test_every_example_drawn_has_its_own_names():
    J, _ = batch_cost(3, [2])
    dot = parse_dot(ts.draw(J, max_examples=None).source)
    headers = [text.split(" ")[0] for text in boxes(dot).values()]
    assert len(headers) == len(set(headers))  # no two cards share a name
    for k in (1, 2, 3):
        superscript = "⁽" + "¹²³"[k - 1] + "⁾"
        assert {f"x1{superscript}", f"z1{superscript}", f"a3{superscript}", f"L{k}"} <= set(
            headers)
    with pytest.raises(ValueError, match="max_examples"):
        ts.draw(J, max_examples=0)


def test_a_batch_drawn_whole_is_condensed_unit_by_unit_with_each_step_once():
    J, twin = batch_cost(200, [3])
    total = len(ts.topological_order(J))
    assert total > 2000
    dot = parse_dot(ts.draw(J, max_examples=None).source)
    drawn = boxes(dot)
    note = text_of(dot.graph["label"])
    assert f"Condensed view: {total:,} nodes drawn as {len(drawn)} boxes" in note
    assert len(drawn) <= 20
    units = {text.split(" nodes")[0].rsplit(" ", 1)[0]: text for text in drawn.values()
             if text.startswith("layer")}
    assert sorted(units) == ["layer 1 · unit 1", "layer 1 · unit 2", "layer 1 · unit 3",
                             "layer 2 · unit 4"]
    for _, parameter in twin.named_parameters():
        unit_text = next(t for t in drawn.values() if f" {parameter.label} " in f" {t} ")
        shown = re.search(rf" {parameter.label} (\S+) (\S+)", unit_text)
        assert close(shown.group(1), parameter.data) and close(shown.group(2), parameter.grad)
    assert any(text.startswith("x1 ×200") for text in drawn.values())
    assert any(text.split(" ")[0] == "J" for text in drawn.values())  # the root as itself


def test_a_wide_model_collapses_to_layers():
    J, _ = batch_cost(2, [40, 40])
    dot = parse_dot(ts.draw(J).source)
    titles = [text.split(" ")[:2] for text in boxes(dot).values()]
    assert ["layer", "1"] in titles and ["layer", "2"] in titles
    assert not any("unit" in " ".join(t) for t in titles)
    assert len(boxes(dot)) <= CONDENSED_BOXES


def test_highlight_survives_condensing():
    J, twin = batch_cost(2, [40])
    w1 = dict(twin.named_parameters())["w1"]
    dot = parse_dot(ts.draw(J, highlight=[w1], max_examples=None).source)
    cards = boxes(dot)
    assert "Condensed view" in text_of(dot.graph["label"])
    assert any(text.split(" ")[0] == "w1" for text in cards.values())
    coloured = [a for _, _, a in dot.edges if HIGHLIGHTS[0] in a.get("color", "")]
    assert len(coloured) >= 2 * 4  # w1 → z → a → z_out → a_out → J, through op pills
    assert "∂J/∂w1" in text_of(dot.graph["label"])


def test_a_batch_highlight_with_too_many_paths_keeps_the_weight_only():
    J, twin = batch_cost(200, [3])
    w1 = dict(twin.named_parameters())["w1"]
    dot = parse_dot(ts.draw(J, highlight=[w1], max_examples=None).source)
    assert len(boxes(dot)) <= 25
    legend = text_of(dot.graph["label"])
    assert "200 paths: too many to list one by one" in legend
    total = re.search(r"∂J/∂w1 .*? = (\S+)", legend).group(1)
    assert close(total, w1.grad)


@pytest.mark.parametrize("shape", ["chain", "wide"])
def test_ten_thousand_nodes_are_condensed(shape):
    """(How long it takes is measured in benchmarks/render.py, not here.)"""
    if shape == "chain":
        x = ts.Value(0.5, "w")
        for _ in range(3400):
            x = (x * 0.999).tanh() + 0.001
    else:
        x = sum(ts.Value(0.01 * i, f"w{i}") * ts.Value(1.0, f"x{i}", requires_grad=False)
                for i in range(2500))
    x.label = "J"
    x.backward()
    assert len(ts.topological_order(x)) >= 10_000
    dot = parse_dot(ts.draw(x).source)
    assert len(boxes(dot)) <= CONDENSED_BOXES
    assert "earlier computation" in " ".join(boxes(dot).values())
    assert "J" in [text.split(" ")[0] for text in boxes(dot).values()]


def test_max_nodes_is_checked_and_can_show_everything():
    J, _ = batch_cost(20, [3])
    total = len(ts.topological_order(J))
    everything = ts.draw(J, max_nodes=total, max_examples=None).source
    assert len(boxes(parse_dot(everything))) == total
    with pytest.raises(ValueError, match="max_nodes"):
        ts.draw(J, max_nodes=0)
