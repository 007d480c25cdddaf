"""The chain-rule explainer on hand-built graphs, against numbers computed independently."""

import math
import sys

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import ops
from tinygrad_sym.stories.demo_net import INPUTS, PARAMETERS, TARGET, demo_net, explain_cli
from tinygrad_sym.value import describe, record


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def forward_221(p, x1=INPUTS["x1"], x2=INPUTS["x2"], y=TARGET):
    """The 2→2→1 net in plain floats: (a1, a2, a3, J)."""
    a1 = sigmoid(p["w1"] * x1 + p["w2"] * x2 + p["b1"])
    a2 = sigmoid(p["w3"] * x1 + p["w4"] * x2 + p["b2"])
    a3 = sigmoid(p["w5"] * a1 + p["w6"] * a2 + p["b3"])
    return a1, a2, a3, -(y * math.log(a3) + (1 - y) * math.log(1 - a3))


def finite_difference(p, name, h=1e-6):
    up, down = dict(p), dict(p)
    up[name] += h
    down[name] -= h
    return (forward_221(up)[3] - forward_221(down)[3]) / (2 * h)


# ------------------------------------------------------------------ the course's 2→2→1 net


def test_w1_is_one_path_of_five_factors_from_the_course():
    nodes = demo_net()
    explanation = ts.explain(nodes["J"], nodes["w1"])
    a1, _, a3, _ = forward_221(PARAMETERS)
    (path,) = explanation.paths
    assert [node.label for node in path.nodes] == ["J", "a3", "z3", "a1", "z1", "w1"]
    assert [f.name for f in path.factors] == [
        "∂J/∂a3", "∂a3/∂z3", "∂z3/∂a1", "∂a1/∂z1", "∂z1/∂w1"]
    assert [f.formula for f in path.factors] == [
        "(a3 − y)/(a3·(1 − a3))", "a3·(1 − a3)", "w5", "a1·(1 − a1)", "x1"]
    expected = [(a3 - 1) / (a3 * (1 - a3)), a3 * (1 - a3), PARAMETERS["w5"], a1 * (1 - a1),
                INPUTS["x1"]]
    assert [f.value for f in path.factors] == pytest.approx(expected, rel=1e-12)
    # sigmoid + cross-entropy: ∂J/∂z3 = a3 − y, the textbook shortcut
    by_hand = (a3 - 1) * PARAMETERS["w5"] * a1 * (1 - a1) * INPUTS["x1"]
    assert explanation.total == pytest.approx(by_hand, rel=1e-12)
    assert explanation.total == pytest.approx(finite_difference(PARAMETERS, "w1"), rel=1e-6)
    assert explanation.agrees and not explanation.grouped and explanation.path_count == 1


def test_the_text_reads_as_the_chain_rule_with_formulas_numbers_and_a_check():
    nodes = demo_net()
    text = str(ts.explain(nodes["J"], nodes["w1"]))
    a1, _, a3, _ = forward_221(PARAMETERS)
    assert "∂J/∂w1 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂a1 · ∂a1/∂z1 · ∂z1/∂w1" in text
    assert "J → a3 → z3 → a1 → z1 → w1" in text
    for line in (f"∂z1/∂w1 = x1 {'':20}= 0.52", f"∂z3/∂a1 = w5 {'':20}= 0.73",
                 f"∂a1/∂z1 = a1·(1 − a1) {'':11}= {a1 * (1 - a1):.4g}"):
        assert line in text
    total = (a3 - 1) * 0.73 * a1 * (1 - a1) * 0.52
    assert f"= {total:.4g}".replace("-", "−") in text
    assert "Check: backpropagation" in text and "w1.grad" in text and "the same number" in text


def test_factor_prints_as_formula_and_number():
    nodes = demo_net()
    explanation = ts.explain(nodes["J"], nodes["b1"])
    factors = {f.name: f for f in explanation.paths[0].factors}
    assert str(factors["∂z3/∂a1"]) == "∂z3/∂a1 = w5 = 0.73"
    assert str(factors["∂z1/∂b1"]) == "∂z1/∂b1 = 1"  # a number formula is not repeated
    assert factors["∂z3/∂a1"].parent is nodes["a1"] and factors["∂z3/∂a1"].index == 1
    assert nodes["a1"] is nodes["z3"].parents[factors["∂z3/∂a1"].index]


def forward_nodes(parameters, x1, x2, target, loss_label):
    """The 2→2→1 net on the given inputs and target, with the demo's parameter nodes:
    {z1, a1, …, a3, loss}, each labelled as the course draws it."""
    nodes = {}
    inputs = [x1, x2]
    for unit, (first, second) in ((1, ("w1", "w2")), (2, ("w3", "w4")), (3, ("w5", "w6"))):
        if unit == 3:
            inputs = [nodes["a1"], nodes["a2"]]
        z = ts.weighted_sum([parameters[first], parameters[second]], inputs, parameters[f"b{unit}"])
        a = z.sigmoid()
        z.label, a.label = f"z{unit}", f"a{unit}"
        nodes[z.label], nodes[a.label] = z, a
    nodes["loss"] = record(ops.BINARY_CROSS_ENTROPY, nodes["a3"], target)
    nodes["loss"].label = loss_label
    return nodes


def test_an_input_reached_through_both_hidden_units_has_two_paths():
    x1 = ts.Value(0.52, "x1")  # differentiable: it reaches J through both hidden units
    demo = demo_net()
    nodes = forward_nodes(demo, x1, demo["x2"], 1.0, "J")
    explanation = ts.explain(nodes["loss"], x1)
    a1, a2, a3 = nodes["a1"], nodes["a2"], nodes["a3"]
    p = PARAMETERS
    by_hand = (a3.data - 1) * (p["w5"] * a1.data * (1 - a1.data) * p["w1"]
                               + p["w6"] * a2.data * (1 - a2.data) * p["w3"])
    assert explanation.path_count == len(explanation.paths) == 2
    assert [p.route for p in explanation.paths] == ["J → a3 → z3 → a1 → z1 → x1",
                                                     "J → a3 → z3 → a2 → z2 → x1"]
    assert explanation.total == pytest.approx(by_hand, rel=1e-12)
    text = str(explanation)
    assert "Path 1: J → a3 → z3 → a1 → z1 → x1" in text and "Sum over the 2 paths" in text


# ------------------------------------------------------------------ small hand-built graphs


def test_x_times_x_has_two_edges_to_x_and_two_paths():
    x = ts.Value(3.0, "x")
    f = x * x
    f.label = "f"
    explanation = ts.explain(f, x)
    assert [p.factors[0].index for p in explanation.paths] == [0, 1]
    assert [p.product for p in explanation.paths] == [3.0, 3.0]
    assert explanation.total == 6.0


def test_a_shortcut_adds_a_path():
    x, y = ts.Value(2.0, "x"), ts.Value(5.0, "y")
    xy = x * y
    xy.label = "xy"
    f = xy + x
    f.label = "f"
    explanation = ts.explain(f, x)
    assert sorted(p.route for p in explanation.paths) == ["f → x", "f → xy → x"]
    assert sorted(p.product for p in explanation.paths) == [1.0, 5.0]
    assert explanation.total == 6.0


def test_exponentially_many_paths_are_grouped_by_node_not_listed():
    x = ts.Value(1.0, "x")
    v = x
    for _ in range(60):  # v = v + v, sixty times: 2⁶⁰ paths from v down to x
        v = v + v
    explanation = ts.explain(v, x)
    assert explanation.grouped and explanation.paths == []
    assert explanation.path_count == 2**60
    assert explanation.total == 2.0**60 == explanation.backward_grad
    text = " ".join(str(explanation).split())
    assert "1,152,921,504,606,846,976 paths" in text and "group them by node" in text
    assert len(explanation.nodes) == 61


@pytest.mark.parametrize(("max_paths", "grouped"), [(8, False), (7, True)])
def test_max_paths_is_the_limit(max_paths, grouped):
    x = ts.Value(0.5, "x")
    v = x
    for _ in range(3):
        v = v * v  # 2³ paths
    explanation = ts.explain(v, x, max_paths=max_paths)
    assert explanation.grouped is grouped
    assert explanation.path_count == 8 and len(explanation.paths) == (0 if grouped else 8)
    assert explanation.total == pytest.approx(8 * 0.5**7, rel=1e-12)


def test_deep_chains_need_no_recursion():
    x = ts.Value(1.0, "x")
    v = x
    depth = 3 * sys.getrecursionlimit()
    for _ in range(depth):
        v = v * 0.999
    explanation = ts.explain(v, x, max_paths=1)
    assert len(explanation.paths[0].factors) == depth
    assert explanation.total == pytest.approx(0.999**depth, rel=1e-9)
    assert str(explanation).count("\n") > depth


def test_a_root_that_ignores_wrt_has_gradient_zero():
    a, b = ts.Value(1.0, "a"), ts.Value(2.0, "b")
    J = a * 3.0
    J.label = "J"
    explanation = ts.explain(J, b)
    assert explanation.paths == [] and explanation.total == 0.0 and explanation.agrees
    assert "J does not depend on b" in str(explanation)


def test_the_root_itself_has_derivative_one():
    a = ts.Value(1.5, "a")
    J = a.tanh()
    J.label = "J"
    explanation = ts.explain(J, J)
    assert explanation.total == 1.0 and explanation.agrees
    assert str(explanation).startswith("∂J/∂J = 1")


def test_errors_name_the_problem_and_the_fix():
    a = ts.Value(1.0, "a")
    x = ts.Value(2.0, "x", requires_grad=False)
    with pytest.raises(ValueError, match=r"x is a constant.*requires_grad=True"):
        ts.explain(a * x, x)
    tensor = ts.Value([1.0, 2.0], "v")
    with pytest.raises(ValueError, match=r"shape \(2,\).*\.sum\(\) or \.mean\(\)"):
        ts.explain(tensor, a)
    with pytest.raises(TypeError, match="must be a Value"):
        ts.explain(a, 1.0)


def test_a_stretch_of_tensors_between_scalars_is_crossed_as_one_factor():
    a = ts.Value(0.5, "a")
    v = ts.Value([1.0, 2.0, 4.0], "v", requires_grad=False)
    total = (v * a).sum()  # Σ vᵢ·a: a is broadcast over v
    total.label = "J"
    explanation = ts.explain(total, a)
    (path,) = explanation.paths
    (factor,) = path.factors
    assert factor.value == 7.0 == explanation.total == explanation.backward_grad
    assert [describe(node) for node in factor.via] == ["(v × a)"]
    assert factor.edges == ((total, 0), (total.parents[0], 1))
    assert explanation.edges == list(factor.edges)  # what a picture highlights
    assert explanation.nodes == [total, a, total.parents[0]]


def test_unreadable_generated_names_become_short_names_without_touching_the_graph():
    x, y = ts.Value(0.5, "x"), ts.Value(-1.5, "y")
    first, second = x * y, x * y  # both would be called (x × y)
    f = first.tanh() + second * x
    nodes = ts.topological_order(f)
    explanation = ts.explain(f, x)
    assert [node.label for node in nodes] == ["x", "y", None, None, None, None, None]
    assert explanation.legend == ("u1 = x × y", "u2 = tanh(u1)", "u3 = x × y", "u4 = u3 × x",
                                  "f = u2 + u4")
    assert [path.route for path in explanation.paths] == [
        "f → u2 → u1 → x", "f → u4 → u3 → x", "f → u4 → x"]
    tanh_factor = explanation.paths[0].factors[1]
    assert tanh_factor.format() == f"∂u2/∂u1 = 1 − u2² = {1 - math.tanh(-0.75) ** 2:.4g}"
    assert str(explanation).startswith("Unlabeled intermediate results get short names here: "
                                       "u1 = x × y; u2 = tanh(u1);")
    # a graph whose generated names read well keeps them
    plain = ts.explain(x * y + y, x)
    assert plain.legend == () and plain.paths[0].route == "((x × y) + y) → (x × y) → x"


def test_scalars_stacked_together_are_crossed_to_one_by_one():
    """stack(y, p) with p = y·x: the stretch's factor down to y is 3 alone; the route
    through p is a path of its own (5 · x), not part of that factor."""
    y, x = ts.Value(0.5, "y"), ts.Value(2.0, "x")
    p = y * x
    p.label = "p"
    J = (ts.stack([y, p]) * np.array([3.0, 5.0])).sum()
    J.label = "J"
    explanation = ts.explain(J, y)
    assert [(path.route, [f.value for f in path.factors]) for path in explanation.paths] == [
        ("J → y", [3.0]), ("J → p → y", [5.0, 2.0])]
    assert explanation.total == 13.0 == explanation.backward_grad


# --------------------------------------------------------------------------- sums of terms


def batch_221(data):
    """The demo parameters applied to several examples: J = mean of per-example losses."""
    nodes = demo_net()
    losses = [
        forward_nodes(nodes, ts.Value(u1, "x1", False), ts.Value(u2, "x2", False),
                      ts.Value(target, "y", False), "L")["loss"]
        for (u1, u2), target in data
    ]
    J = sum(losses) / len(losses)
    J.label = "J"
    return nodes, J


DATA = [((0.52, 0.30), 1.0), ((0.10, 0.90), 0.0), ((0.70, 0.60), 1.0)]


def test_a_batch_mean_is_a_sum_of_per_example_contributions():
    nodes, J = batch_221(DATA)
    explanation = ts.explain(J, nodes["w1"])
    contributions = explanation.contributions
    assert [c.name for c in contributions] == ["example 1", "example 2", "example 3"]
    assert [c.weight for c in contributions] == pytest.approx([1 / 3] * 3, rel=1e-12)
    for c, ((u1, u2), y) in zip(contributions, DATA, strict=True):
        a1, _, a3, _ = forward_221(PARAMETERS, u1, u2, y)
        by_hand = (a3 - y) * PARAMETERS["w5"] * a1 * (1 - a1) * u1
        assert c.explanation.total == pytest.approx(by_hand, rel=1e-12)
        assert c.value == pytest.approx(by_hand / 3, rel=1e-12)
    assert explanation.total == pytest.approx(sum(c.value for c in contributions), rel=1e-12)
    assert explanation.agrees
    text = str(explanation)
    assert "J is the mean of 3 terms" in text and "one per example" in text
    # each example's copies are told apart by its number: L⁽¹⁾, a3⁽¹⁾
    assert "example 1 in detail" in text and "∂L⁽¹⁾/∂w1 = ∂L⁽¹⁾/∂a3⁽¹⁾ · ∂a3⁽¹⁾/∂z3⁽¹⁾" in text


def test_a_big_batch_groups_its_paths_by_example():
    data = [((0.1 * k, 0.05 * k), float(k % 2)) for k in range(30)]
    nodes, J = batch_221(data)
    explanation = ts.explain(J, nodes["w1"])
    assert explanation.grouped and explanation.path_count == 30
    assert len(explanation.contributions) == 30 and explanation.agrees
    text = str(explanation)
    assert "… and 18 more terms" in text and "grouped by term" in text


def test_a_regularized_loss_splits_into_data_term_and_penalty():
    nodes = demo_net()
    w1 = nodes["w1"]
    penalty = w1 * w1
    penalty.label = "w1²"
    J = nodes["J"] + 0.01 * penalty
    J.label = "R"
    explanation = ts.explain(J, w1)
    assert [c.name for c in explanation.contributions] == ["J", "w1²"]
    assert [c.weight for c in explanation.contributions] == [1.0, 0.01]
    assert explanation.contributions[1].explanation.total == 2 * w1.data
    assert explanation.agrees and not explanation.by_terms  # not a batch: paths are listed
    assert "a weighted sum of 2 terms" in str(ts.explain(J, w1, max_paths=0))


# -------------------------------------------------------------------------------- the CLI


def test_cli_text_compares_or_explains_the_demo_weights():
    text = explain_cli("2-2-1", ["w1", "w3"])
    assert "w5 = 0.73" in text and "Verdict: ∂J/∂w1 ≠ ∂J/∂w3" in text
    assert "∂J/∂w1 = ∂J/∂a3" in explain_cli("2-2-1", ["w1"])
    assert "identical updates (symmetry)" in explain_cli("2-2-1-tied", ["w1", "w3"])
    assert explain_cli("2-2-1", ["w1", "w2", "w5"]).count("Verdict") == 2
    with pytest.raises(ValueError, match=r"no node named w9.*w1"):
        explain_cli("2-2-1", ["w9"])
    with pytest.raises(ValueError, match="unknown demo net"):
        explain_cli("3-3-3", ["w1"])


# ------------------------------------------------------------------ nets built by ts.nn


def test_a_trained_tensor_net_is_explained_weight_by_weight_through_its_scalar_twin():
    nn = pytest.importorskip("tinygrad_sym.nn")
    ts.manual_seed(3)
    X = np.array([[0.52, 0.30], [0.10, 0.90], [0.70, 0.60], [0.20, 0.40]])
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    net = nn.MLP(2, [2, 1], activation="sigmoid")
    nn.fit(net, X, y, loss=nn.binary_cross_entropy, epochs=30, progress=False)
    twin = net.to_scalar()
    weights = dict(twin.named_parameters())
    # the tensor net's own gradient on example 1, an independent computation
    net.zero_grad()
    nn.cost(net, X[:1], y[:1]).backward()
    matrix, position = net.locate("w1")
    tensor_grad = dict(net.named_parameters())[matrix].grad[position]
    explanation = ts.explain(nn.cost(twin, X[:1], y[:1]), weights["w1"])
    assert [f.name for f in explanation.paths[0].factors] == [
        "∂J/∂a3", "∂a3/∂z3", "∂z3/∂a1", "∂a1/∂z1", "∂z1/∂w1"]
    assert explanation.total == pytest.approx(tensor_grad, rel=1e-9)
    # the whole batch: J = mean(stack(L1, …, L4)), one contribution per example
    batch = ts.explain(nn.cost(twin, X, y), weights["w1"])
    assert [c.name for c in batch.contributions] == ["L1", "L2", "L3", "L4"]
    assert [c.weight for c in batch.contributions] == pytest.approx([0.25] * 4, rel=1e-12)
    assert batch.contributions[0].explanation.total == pytest.approx(tensor_grad, rel=1e-9)
    assert batch.agrees and "J is the mean of 4 terms" in " ".join(str(batch).split())


def test_nn_tied_init_gives_a_symmetric_comparison():
    nn = pytest.importorskip("tinygrad_sym.nn")
    ts.manual_seed(5)
    tied = nn.Tied(("w1", "w3"), ("w2", "w4"), ("b1", "b2"), ("w5", "w6"))
    net = nn.MLP(2, [2, 1], activation="sigmoid", init=tied, scalar=True)
    weights = dict(net.named_parameters())
    J = nn.cost(net, np.array([[0.52, 0.30], [0.1, 0.9]]), np.array([[1.0], [0.0]]))
    comparison = ts.compare(J, weights["w1"], weights["w3"])
    assert comparison.symmetric
    assert "identical updates (symmetry)" in comparison.verdict
    assert "w5 = w6" in " ".join(str(comparison).split())


def test_compare_on_a_batch_details_the_example_that_differs_most():
    """XOR's four examples on the README's 2→2→1 net: at (0, 0) both contributions are 0;
    the detailed term is the one whose contributions differ most, named with its example,
    and no zero is printed as −0."""
    from tinygrad_sym import nn

    net = nn.MLP(2, [2, 1], scalar=True, init={"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9,
                                                "w5": 0.73, "w6": -0.45})
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    J = nn.cost(net, X, np.array([0.0, 1.0, 1.0, 0.0]))
    J.backward()
    w = dict(net.named_parameters())
    comparison = ts.compare(J, w["w1"], w["w3"])
    pairs = list(zip(comparison.explanation_a.contributions,
                     comparison.explanation_b.contributions, strict=True))
    gaps = [abs(a.value - b.value) for a, b in pairs]
    k = gaps.index(max(gaps)) + 1
    assert k != 1 and gaps[0] == 0.0
    text = " ".join(str(comparison).split())  # one line: the text is wrapped at 92
    assert "−0 " not in text + " "
    assert f"The largest difference is in L{k} (example {k}):" in text
    assert f"Within it, factor by factor (∂L{k}/∂w1 vs ∂L{k}/∂w3" in text
    assert f"∂z3⁽{'¹²³⁴'[k - 1]}⁾/∂a1⁽{'¹²³⁴'[k - 1]}⁾ = w5 = 0.73" in text  # its own nodes
    assert f"in L{k} (example {k}), which differs most" in " ".join(comparison.verdict.split())


def test_short_names_read_as_what_they_are():
    """A stack of z1, z2, z3 is the vector z; an element of u1 is u1[1]; a neuron is
    w1·x1 + w2·x2 + b1 (the names the blobs story's picture and legend use)."""
    from tinygrad_sym.explainer import Names

    z = [ts.Value(0.1 * k, f"z{k}") for k in (1, 2, 3)]
    loss = -ts.stack(z).log_softmax()[1]
    names = Names(loss)
    stacked = loss.parents[0].parents[0].parents[0]
    assert names(stacked) == "z" and names.definition(stacked) == "z = [z1, z2, z3]"
    picked = loss.parents[0]
    assert names.meaning(picked) == f"{names(picked.parents[0])}[1]"
    assert names.meaning(picked.parents[0]) == "log_softmax(z)"
    w, x = [ts.Value(0.5, "w1"), ts.Value(-1.0, "w2")], [ts.Value(2.0, "x1"), ts.Value(1.0, "x2")]
    neuron = ts.weighted_sum(w, x, ts.Value(0.1, "b1"))
    assert Names(neuron).meaning(neuron) == "w1·x1 + w2·x2 + b1"


# ------------------------------------------------------------ displays: Jupyter, IPython, REPL


def test_explanations_display_as_their_text_in_jupyter_and_ipython():
    pretty = pytest.importorskip("IPython.lib.pretty").pretty  # IPython: the notebook extra
    nodes = demo_net()
    comparison = ts.compare(nodes["J"], nodes["w1"], nodes["w3"])
    explanation = ts.explain(nodes["J"], nodes["w1"])
    for shown in (comparison, explanation):
        text = str(shown)
        assert pretty(shown) == text  # IPython, and a notebook's text/plain output
        page = shown._repr_html_()
        assert page.startswith("<pre style=\"font-family: ui-monospace") and page.endswith("</pre>")
        unbold = page[page.index(">") + 1:].removesuffix("</pre>")
        for tag in ("<b>", "</b>"):
            unbold = unbold.replace(tag, "")
        assert unbold == text.replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;")
    assert "<b>DIFFERENT</b>" in comparison._repr_html_()


def test_reprs_are_one_line_summaries():
    nodes = demo_net()
    assert repr(ts.explain(nodes["J"], nodes["w1"])) == (
        "<Explanation ∂J/∂w1 = −0.03531: 1 path, agrees with backward; "
        "print() it for the derivation>")
    assert repr(ts.compare(nodes["J"], nodes["w1"], nodes["w3"])) == (
        "<Comparison ∂J/∂w1 = −0.03531 vs ∂J/∂w3 = 0.02518: 2 factor pairs differ; "
        "print() it for the table>")
    tied = demo_net("2-2-1-tied")
    assert "identical updates" in repr(ts.compare(tied["J"], tied["w1"], tied["w3"]))
