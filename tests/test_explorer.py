"""The explorer's data, without a browser: the graph as JSON (its schema, every number
against the engine), the page (self-contained, the same document embedded), the backward
steps and the film (frames against the engine replayed from History, size, parting).
The page in a real browser: tests/test_explorer_browser.py."""

from __future__ import annotations

import json
import math
import re
import shutil
import textwrap

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.explainer import Names
from tinygrad_sym.explainer.factor import number as explainer_number
from tinygrad_sym.explainer.factor import numbers_as_slots, split_slots
from tinygrad_sym.explorer import frames as film_frames
from tinygrad_sym.explorer.document import SCHEMA, text_of
from tinygrad_sym.testing import strategies as tst
from tinygrad_sym.viz.labels import number

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot binary is not installed")

README_INIT = {"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9, "w5": 0.73, "w6": -0.45}

NODE_KEYS = {"index", "name", "label", "definition", "kind", "op", "symbol", "parents",
             "requires_grad", "shape", "dtype", "group", "value", "gradient", "value_text",
             "gradient_text"}
EDGE_KEYS = {"parent", "child", "operand", "name", "formula", "value", "text", "gradient_flows"}
KINDS = {"parameter", "input", "constant", "computed", "root"}


def readme_net():
    """The README's 2→2→1 net after one backward pass: (J, its weights by name)."""
    net = nn.MLP(2, [2, 1], scalar=True, init=README_INIT)
    J = nn.binary_cross_entropy(net([0.52, 0.30]), 1.0)
    J.backward()
    return J, dict(net.named_parameters())


def number_from_json(item):
    """A JSON number, or one of the strings the schema writes for NaN and ±inf."""
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(item, item)


def same_numbers(written, data):
    """The document's number (or nested lists) equals the engine's data exactly."""
    if data is None:
        return written is None
    expected = np.asarray(data, dtype=float)
    found = np.vectorize(number_from_json, otypes=[float])(np.asarray(written, dtype=object))
    return found.shape == expected.shape and np.array_equal(found, expected, equal_nan=True)


def validate(document, root):
    """The document follows the schema and every number is the engine's."""
    assert set(document) == {"schema", "root", "digits", "nodes", "edges"}
    assert document["schema"] == SCHEMA
    order = ts.topological_order(root)
    names = Names(root)
    nodes, edges = document["nodes"], document["edges"]
    assert len(nodes) == len(order) and document["root"] == len(order) - 1
    digits = document["digits"]
    for i, (entry, node) in enumerate(zip(nodes, order, strict=True)):
        assert set(entry) == NODE_KEYS
        assert entry["index"] == i and entry["name"] == names(node)
        assert entry["label"] == (node.label or None)
        assert entry["kind"] in KINDS
        assert entry["op"] == (node.op.name if node.op else None)
        assert entry["symbol"] == (node.op.symbol if node.op else None)
        assert entry["parents"] == [order.index(parent) for parent in node.parents]
        assert entry["requires_grad"] is node.requires_grad
        assert entry["shape"] == list(node.shape)
        assert entry["dtype"] == str(np.result_type(node.data))
        assert entry["group"] == (list(node.group) if node.group else None)
        assert same_numbers(entry["value"], node.data)
        assert same_numbers(entry["gradient"], node.grad)
        if not node.shape:
            assert entry["value_text"] == number(node.data, digits)
        if entry["definition"] is not None:
            assert entry["definition"].startswith(entry["name"] + " = ")
    position = 0
    for child_index, node in enumerate(order):
        for k, parent in enumerate(node.parents):
            edge = edges[position]
            position += 1
            assert set(edge) == EDGE_KEYS
            assert (edge["child"], edge["operand"]) == (child_index, k)
            assert edge["parent"] == order.index(parent)
            derivative = ts.local_derivative(node, k, name=names)
            assert edge["formula"] == derivative.formula
            assert edge["name"] == f"∂{names(node)}/∂{names(parent)}"
            assert edge["text"].startswith(f"{edge['name']} = {edge['formula']}")
            assert edge["gradient_flows"] is parent.requires_grad
            if derivative.value is None:
                assert edge["value"] is None and (node.shape or parent.shape)
            else:
                assert number_from_json(edge["value"]) == pytest.approx(
                    derivative.value, nan_ok=True, rel=0, abs=0)
    assert position == len(edges)


def test_to_json_of_the_readme_net():
    J, w = readme_net()
    document = json.loads(ts.to_json(J))
    validate(document, J)
    nodes = {node["name"]: node for node in document["nodes"]}
    assert nodes["w1"]["gradient"] == w["w1"].grad
    assert nodes["w1"]["gradient_text"] == "−0.03531"
    assert nodes["w1"]["kind"] == "parameter" and nodes["J"]["kind"] == "root"
    assert nodes["x1"]["kind"] == "input" and nodes["x1"]["gradient"] is None
    assert nodes["w1"]["group"] == ["layer 1", "unit 1"]
    edge = next(e for e in document["edges"] if e["name"] == "∂z3/∂a1")
    assert edge["formula"] == "w5" and edge["value"] == 0.73
    assert edge["text"] == "∂z3/∂a1 = w5 = 0.73"


@given(tst.expressions(max_steps=6))
def test_to_json_of_random_graphs(expression):
    root = expression(*expression.leaves())
    root.backward()
    validate(json.loads(ts.to_json(root)), root)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # ∂log(a)/∂a = 1/0
def test_to_json_of_tensors_and_non_finite_numbers():
    X = ts.Value(np.array([[1.0, -2.0], [0.5, 3.0]], dtype=np.float32), "X")
    W = ts.Value(np.ones((2, 1), dtype=np.float32), "W")
    with pytest.warns(RuntimeWarning, match="divide by zero"):  # numpy's, for log(0) = −inf
        out = ts.Value(0.0, "zero").log() + (X @ W).sum()
        out.backward()
    text = ts.to_json(out)
    document = json.loads(text)  # strict JSON: no bare NaN or Infinity
    assert "-Infinity" in text
    validate(document, out)
    matrix = next(n for n in document["nodes"] if n["name"] == "X")
    assert matrix["shape"] == [2, 2] and matrix["dtype"] == "float32"
    assert matrix["value"] == [[1.0, -2.0], [0.5, 3.0]]


def test_to_json_short_names_match_the_explainer():
    x = ts.Value(2.0, "x")
    y = x
    for _ in range(4):
        y = (y * x).tanh() + y  # deep unlabeled results: the explainer names them u1, u2…
    y.backward()
    document = json.loads(ts.to_json(y))
    names = Names(y)
    assert names.short, "expected short names in this graph"
    short = [n for n in document["nodes"] if n["definition"]]
    assert {n["name"] for n in short} == set(names.short.values())
    assert all(n["definition"] == names.definition(node)
               for n in short for node in names.short if names(node) == n["name"])


def test_to_json_refuses_bad_input():
    with pytest.raises(TypeError, match="root must be a Value"):
        ts.to_json(3.0)
    with pytest.raises(ValueError, match="digits"):
        ts.to_json(ts.Value(1.0), digits=0)


@needs_dot
def test_explore_page_is_self_contained(tmp_path):
    J, w = readme_net()
    page = ts.explore(J, highlight=[w["w1"], w["w3"]])
    html = page.html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    # Nothing is loaded from anywhere: no src/href attributes, no url(), no fetch.
    assert not re.search(r"\b(src|href)\s*=", html)
    assert "url(" not in html and "fetch(" not in html and "XMLHttpRequest" not in html
    embedded = json.loads(re.search(r'<script type="application/json" id="ts-data">(.*?)'
                                    r"</script>", html, re.S)[1])
    assert embedded["graph"] == json.loads(ts.to_json(J))  # the same document
    path = page.save(tmp_path / "page")
    assert path.name == "page.html" and path.read_text(encoding="utf-8") == html
    assert "<iframe srcdoc=" in page._repr_html_()


@needs_dot
def test_explore_holds_explanations_comparisons_and_steps():
    J, w = readme_net()
    data = ts.explore(J).data
    order = ts.topological_order(J)
    i1, i3 = order.index(w["w1"]), order.index(w["w3"])
    assert data["explanations"][str(i1)]["text"] == str(ts.explain(J, w["w1"]))
    assert data["comparisons"][f"{i1},{i3}"] == str(ts.compare(J, w["w1"], w["w3"]))
    assert "−0.03531" in data["explanations"][str(i1)]["text"]
    steps = data["steps"]
    visited = [order[step["node"]] for step in steps]
    # The engine's order: every node that needs a gradient, each after all its children.
    assert set(visited) == {node for node in order if node.requires_grad}
    for k, node in enumerate(visited):
        children = [c for c in order if any(p is node for p in c.parents)]
        assert all(visited.index(c) < k for c in children if c.requires_grad)
        assert steps[k]["gradient_text"] == number(node.grad, 4)
        assert steps[k]["lines"][0].startswith(f"∂J/∂{node.label} = ")
    a1 = steps[visited.index(next(n for n in order if n.label == "a1"))]
    assert any("(−0.4306) · 0.73" in line for line in a1["lines"])


@needs_dot
def test_explore_refuses_what_it_cannot_show():
    J, w = readme_net()
    with pytest.raises(ValueError, match="at most two"):
        ts.explore(J, highlight=[w["w1"], w["w2"], w["w3"]])
    with pytest.raises(ValueError, match="max_nodes"):
        ts.explore(J, max_nodes=5)
    fresh = ts.Value(1.0, "a") * 2.0
    with pytest.raises(ValueError, match="backward"):
        ts.explore(fresh)


def filled(words, numbers):
    """A template's words with numbers between them, as the page joins them."""
    return words[0] + "".join(n + w for n, w in zip(numbers, words[1:], strict=True))


def test_numbers_as_slots_keep_the_layout_and_give_every_number_back():
    values = [-0.03531, 0.025181, 1.5e-7, 0.0, -0.0, 2.0, math.nan, math.inf]
    def table():
        return "\n".join(f"  {explainer_number(x):<12}|{explainer_number(-x):>9}" for x in values)
    with numbers_as_slots() as slots:
        slotted = table()
    plain = table()
    assert len(slotted) == len(plain) and "0.02518" not in slotted
    assert [len(line) for line in slotted.splitlines()] == [len(line) for line in
                                                             plain.splitlines()]
    words, marks = split_slots(slotted)
    assert filled(words, [slots[mark][1] for mark in marks]) == plain
    assert [slots[mark][0] for mark in marks][:2] == [-0.03531, 0.03531]


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=12),
       st.text(alphabet="ab 1−.\n", max_size=6))
def test_slotted_text_wraps_like_the_real_one(values, separator):
    """Wrapped (as explanations wrap their prose), a text with placeholders breaks its lines
    exactly where the real text does: the words of one serve the other."""
    def prose():
        return separator.join(f"x = {explainer_number(x)}" for x in values)
    with numbers_as_slots() as slots:
        slotted = textwrap.wrap(prose(), 20, break_on_hyphens=False)
    plain = textwrap.wrap(prose(), 20, break_on_hyphens=False)
    words, marks = split_slots("\n".join(slotted))
    assert filled(words, [slots[mark][1] for mark in marks]) == "\n".join(plain)


# ---------------------------------------------------------------------------- the film

TIED = {"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.5}
X = np.array([[0.3, -1.2], [1.1, 0.4], [-0.7, 0.9], [0.2, 0.1]])
Y = np.array([[1.0], [0.0], [1.0], [0.0]])


def trained(init, epochs=30):
    net = nn.MLP(2, [2, 1], init=init)
    history = nn.fit(net, X, Y, optimizer=nn.SGD(net.parameters(), lr=0.5), epochs=epochs,
                     progress=False, record_parameters=True)
    return net, history


def expected_gradients(net, history, step, examples=1):
    """The graph of J at a recorded step, computed here with nn (the film must agree)."""
    twin = net.to_scalar()
    twin.load_state_dict(history.parameters[step])
    J = nn.cost(twin, X[:examples], Y[:examples])
    J.backward()
    return J


def panel_text(film, step):
    """The film's panel at `step`, as the page joins it."""
    which, numbers = film["comparisons"][step]
    return filled(film["templates"][which], numbers)


def assert_film_shows_the_engine(film, net, history, steps, examples=1):
    """At each of `steps`: the cards' values and gradients, the edges' local derivatives
    and the panel's comparison are what the engine and `compare` give at that step."""
    for step in steps:
        J = expected_gradients(net, history, step, examples)
        order = ts.topological_order(J)
        assert film["values"][step] == [text_of(n.data, 4) for n in order]
        assert film["gradients"][step] == [None if n.grad is None else text_of(n.grad, 4)
                                           for n in order]
        edges = [(node, i) for node in order for i in range(len(node.parents))]
        for k, (child, operand) in enumerate(edges):
            value = ts.local_derivative(child, operand).value  # None: a Jacobian
            expected = (None, None if value is None else number(value, 4))
            assert film["derivatives"][step][k] in expected, (step, k)
        a, b = (next(n for n in order if n.label == name) for name in ("w1", "w3"))
        assert film["gap"][step] == pytest.approx(abs(a.grad - b.grad), rel=1e-3)
        assert panel_text(film, step) == str(ts.compare(J, a, b)), step


@needs_dot
def test_film_frames_are_the_engines_numbers_at_each_step():
    net, history = trained({**TIED, "w6": 0.6})
    page = ts.film(history, net, X[:1], Y[:1], highlight=("w1", "w3"))
    film = page.data["film"]
    assert film["frames"] == len(history.parameters) == 31
    assert_film_shows_the_engine(film, net, history, range(31))
    assert film["parting"]["step"] == 0
    assert "w5 = 0.5 vs ∂z3/∂a2 = w6 = 0.6" in film["parting"]["text"]


@needs_dot
def test_film_of_a_batch_shows_the_engines_numbers_too():
    # J = mean(L1, L2): stack and mean are no elementwise ops, so the film runs the twin
    # step by step, and the comparison (term by term) is written at every step.
    net, history = trained({**TIED, "w6": 0.6}, epochs=8)
    film = ts.film(history, net, X[:2], Y[:2]).data["film"]
    assert_film_shows_the_engine(film, net, history, range(9), examples=2)


def test_the_film_computes_every_step_in_one_pass_where_it_can():
    net, history = trained({**TIED, "w6": 0.6}, epochs=20)
    for examples, one_pass in ((1, True), (2, False)):
        steps = film_frames.Steps(net, history.parameters, history.cost, X[:examples],
                                  Y[:examples])
        frames = film_frames.record(steps, steps.graph(0))
        assert frames.replayed is one_pass
        if one_pass:  # the engine's array path, to the last bits of its scalar path
            twin = film_frames.scanned(steps)
            for replayed, scanned in ((frames.values, twin.values),
                                      (frames.gradients, twin.gradients),
                                      (frames.derivatives, twin.derivatives)):
                assert np.allclose(np.array(replayed, dtype=float),
                                   np.array(scanned, dtype=float), rtol=1e-13, atol=0,
                                   equal_nan=True)


@needs_dot
def test_film_of_a_tied_start_never_parts():
    net, history = trained(TIED)
    film = ts.film(history, net, X[:1], Y[:1]).data["film"]
    assert film["parting"]["step"] is None
    assert "never part" in film["parting"]["text"]
    assert set(film["gap"]) == {0.0}


@needs_dot
def test_film_names_the_factor_that_differs_first():
    # w5 = w6 but unit 2 starts elsewhere: a1(1 − a1) vs a2(1 − a2) differ, not w5 vs w6.
    net, history = trained({**TIED, "w3": 0.9, "w4": 0.4}, epochs=3)
    film = ts.film(history, net, X[:1], Y[:1]).data["film"]
    assert film["parting"]["step"] == 0
    first = film["parting"]["text"].split("is ", 1)[1]
    assert first.startswith("∂a1/∂z1 = a1·(1 − a1)")


@needs_dot
def test_film_of_1500_steps_stays_small():
    net, history = trained({**TIED, "w6": 0.6}, epochs=1500)
    page = ts.film(history, net, X[:1], Y[:1])
    assert page.data["film"]["frames"] == 1501
    assert len(page.html.encode("utf-8")) < 3_000_000
    assert_film_shows_the_engine(page.data["film"], net, history, [*range(0, 1501, 100), 1500])


def test_film_refuses_a_history_without_parameters():
    net = nn.MLP(2, [2, 1], init=TIED)
    history = nn.fit(net, X, Y, epochs=1, progress=False)
    with pytest.raises(ValueError, match="record_parameters=True"):
        ts.film(history, net, X[:1], Y[:1])
    _, recorded = trained(TIED, epochs=1)
    with pytest.raises(ValueError, match="no parameter named w9"):
        ts.film(recorded, net, X[:1], Y[:1], highlight=("w1", "w9"))
