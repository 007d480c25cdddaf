"""ts.draw: what the DOT source says (cards, values, gradients, edge formulas, colours,
clusters, legend, escaping). Files and the `dot` binary are tested in test_viz_render.py.

The helpers here (the course's 2→2→1 net built by hand, a small DOT parser) are shared by
the other test_viz* modules.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_sym as ts
from tinygrad_sym import nn, ops
from tinygrad_sym.stories.demo_net import demo_net
from tinygrad_sym.testing import strategies as tst
from tinygrad_sym.value import record
from tinygrad_sym.viz.colors import GradientScale, contrast, luminance, text_on

# ------------------------------------------------------------------------------ the net

WEIGHTS = {"w1": 0.3, "w2": -0.6, "w3": 0.8, "w4": 0.25, "w5": 0.73, "w6": -0.41}
BIASES = {"b1": 0.1, "b2": -0.2, "b3": 0.05}


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def course_net(groups: bool = True, **changes: float) -> dict[str, ts.Value]:
    """The course's 2→2→1 sigmoid net with binary cross-entropy, built by hand, after
    backward. Units carry group ("layer 1", "unit 1") etc. unless `groups` is False;
    `changes` overrides parameters (w6=0.73)."""
    nodes = {"x1": ts.Value(0.5, "x1", requires_grad=False),
             "x2": ts.Value(-1.2, "x2", requires_grad=False),
             "y": ts.Value(1.0, "y", requires_grad=False)}
    parameters = {**WEIGHTS, **BIASES, **changes}
    nodes.update({name: ts.Value(v, name) for name, v in parameters.items()})
    for unit, (first, second), inputs in ((1, ("w1", "w2"), ("x1", "x2")),
                                          (2, ("w3", "w4"), ("x1", "x2")),
                                          (3, ("w5", "w6"), ("a1", "a2"))):
        z = ts.weighted_sum([nodes[first], nodes[second]], [nodes[i] for i in inputs],
                      nodes[f"b{unit}"])
        a = z.sigmoid()
        z.label, a.label = f"z{unit}", f"a{unit}"
        nodes[z.label], nodes[a.label] = z, a
        if groups:
            group = ("layer 2" if unit == 3 else "layer 1", f"unit {unit}")
            for name in (first, second, f"b{unit}", z.label, a.label):
                nodes[name].group = group
    nodes["J"] = record(ops.BINARY_CROSS_ENTROPY, nodes["a3"], nodes["y"])
    nodes["J"].label = "J"
    nodes["J"].backward()
    return nodes


# -------------------------------------------------------------------------- DOT parsing


@dataclass
class Dot:
    """The statements of a DOT source: nodes and edges with their attributes, clusters."""

    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    clusters: dict[str, dict] = field(default_factory=dict)  # name -> {"attrs", "nodes"}
    graph: dict[str, str] = field(default_factory=dict)

    def card(self, label: str) -> str:
        """The plain text of the card whose header is `label`."""
        found = [text_of(a["label"]) for a in self.nodes.values()
                 if "label" in a and text_of(a["label"]).split(" ")[0] == label]
        assert len(found) == 1, f"{len(found)} cards named {label!r}"
        return found[0]

    def name_of(self, label: str) -> str:
        """The DOT name of the card whose header is `label`."""
        (name,) = [n for n, a in self.nodes.items()
                   if "label" in a and text_of(a["label"]).split(" ")[0] == label]
        return name

    def edge(self, tail: str, head: str) -> dict[str, str]:
        (attributes,) = [a for t, h, a in self.edges if (t, h) == (tail, head)]
        return attributes


def _value(text: str, start: int) -> tuple[str, int]:
    """A DOT attribute value starting at `start`: <html>, "quoted" or bare."""
    if text[start] == "<":
        depth, i = 0, start
        while True:
            depth += {"<": 1, ">": -1}.get(text[i], 0)
            i += 1
            if depth == 0:
                return text[start + 1 : i - 1], i
    if text[start] == '"':
        i = start + 1
        while text[i] != '"' or text[i - 1] == "\\":
            i += 1
        return text[start + 1 : i], i + 1
    end = start
    while end < len(text) and not text[end].isspace() and text[end] != "]":
        end += 1
    return text[start:end], end


def attributes_of(text: str) -> dict[str, str]:
    """Attributes `a=1 b="x" label=<...>` as a dict."""
    found, i = {}, 0
    while i < len(text):
        if text[i].isspace() or text[i] == ",":
            i += 1
            continue
        equals = text.index("=", i)
        key = text[i:equals].strip()
        found[key], i = _value(text, equals + 1)
    return found


def parse_dot(source: str) -> Dot:
    dot = Dot()
    cluster = None
    for raw in source.split("\n")[1:]:
        line = raw.strip()
        if line.startswith("subgraph"):
            cluster = line.split()[1]
            dot.clusters[cluster] = {"attrs": {}, "nodes": []}
        elif line == "}":
            cluster = None
        elif line.startswith(("node [", "edge [")):
            continue
        elif not line or re.match(r"\w+=", line):  # graph attributes: key=value, no node
            target = dot.clusters[cluster]["attrs"] if cluster else dot.graph
            target.update(attributes_of(line))
        else:
            head, _, rest = line.partition(" [")
            attributes = attributes_of(rest[:-1])
            if " -> " in head:
                tail, to = head.split(" -> ")
                dot.edges.append((tail, to, attributes))
            else:
                dot.nodes[head] = attributes
                if cluster:
                    dot.clusters[cluster]["nodes"].append(head)
    return dot


def card_numbers(card: str) -> tuple[str, str | None]:
    """The value and the gradient a card's text shows ('w1 0.3 ∂J/∂w1 −0.029' → ('0.3',
    '−0.029')); the gradient is None on a card without one (an input)."""
    words = card.split(" ")
    named = [i for i, word in enumerate(words) if word.startswith("∂") and "/∂" in word]
    if not named:
        return words[-1], None
    return words[named[-1] - 1], words[named[-1] + 1]


def text_of(label: str) -> str:
    """The text a reader sees in an HTML-like label."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", label)).split())


def number_in(text: str) -> float:
    """A number as the picture writes it ('−0.02947', '1.5×10⁻⁷') back to a float."""
    superscripts = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
    text = text.replace("−", "-")
    if "×10" in text:
        mantissa, exponent = text.split("×10")
        return float(mantissa) * 10 ** int(exponent.translate(superscripts))
    return float(text)


def close(shown: str, exact: float, digits: int = 4) -> bool:
    """`shown` is `exact` to `digits` significant digits."""
    return math.isclose(number_in(shown), exact, rel_tol=0.6 * 10 ** (1 - digits), abs_tol=1e-300)


# ------------------------------------------------------------------------- value cards


def test_every_card_shows_its_label_value_and_gradient():
    net = course_net()
    dot = parse_dot(ts.draw(net["J"]).source)
    for name, node in net.items():
        card = dot.card(name)
        assert card.split(" ")[0] == name
        value, grad = card_numbers(card)
        assert close(value, node.data), (name, value, node.data)
        if node.grad is None:
            assert f"∂J/∂{name}" not in card and grad is None
        else:
            assert f"∂J/∂{name} {grad}" in card
            assert close(grad, node.grad), (name, grad, node.grad)


def test_gradients_match_the_chain_rule_done_by_hand():
    """The numbers on the picture are the course's formulas, not only the engine's."""
    net = course_net()
    dot = parse_dot(ts.draw(net["J"], digits=6).source)
    a1, a2, a3 = (sigmoid(net[f"z{k}"].data) for k in (1, 2, 3))
    dJ_dz3 = a3 - 1.0  # BCE after a sigmoid, y = 1
    for weight, a_k, w_out, x in (("w1", a1, 0.73, 0.5), ("w3", a2, -0.41, 0.5),
                                  ("w2", a1, 0.73, -1.2)):
        words = dot.card(weight).split(" ")
        expected = dJ_dz3 * w_out * a_k * (1 - a_k) * x
        assert close(words[words.index(f"∂J/∂{weight}") + 1], expected, digits=5)


def test_digits_sets_the_significant_digits():
    net = course_net()
    for digits in (2, 4, 7):
        card = parse_dot(ts.draw(net["J"], digits=digits).source).card("w1")
        grad = card.split(" ")[-1].replace("−", "").lstrip("0.")
        assert len(grad.replace(".", "")) <= digits
        assert close(card.split(" ")[-1], net["w1"].grad, digits)
    with pytest.raises(ValueError, match="digits"):
        ts.draw(net["J"], digits=0)


def test_kinds_of_values_look_different():
    """Parameters, inputs, computed values and the output each have their own header fill."""
    net = course_net()
    dot = parse_dot(ts.draw(net["J"]).source)

    def header_fill(label: str) -> str:
        return re.search(r'<TD BGCOLOR="(#[0-9a-f]+)"',
                         dot.nodes[dot.name_of(label)]["label"]).group(1)

    parameters = {header_fill(n) for n in (*WEIGHTS, *BIASES)}
    inputs = {header_fill(n) for n in ("x1", "x2", "y")}
    computed = {header_fill(n) for n in ("z1", "a1", "z3", "a3")}
    assert len(parameters) == len(inputs) == len(computed) == 1
    assert len(parameters | inputs | computed | {header_fill("J")}) == 4
    assert "∂J/∂x1" not in dot.card("x1")  # inputs have no gradient row


def layout(graph) -> dict:
    """Graphviz's layout of the picture (`dot -Tjson`): positions of nodes, edges, texts."""
    done = subprocess.run(["dot", "-Tjson"], input=graph.source.encode(), capture_output=True,
                          check=True)
    return json.loads(done.stdout)


def text_lines(drawn: dict) -> dict[str, list[tuple[str, float]]]:
    """Each drawn node's lines of text with their heights (y, up), from `layout`."""
    return {item["name"]: [(op["text"], op["pt"][1]) for op in item.get("_ldraw_", [])
                           if op["op"] == "T"] for item in drawn["objects"]}


def op_rows(dot: Dot, op: str) -> dict[str, str]:
    """The rows of an op node by port ('op' the symbol, 'i0' … the derivatives), as text."""
    return {port: text_of(row) for port, row in
            re.findall(r'<TD PORT="(\w+)"[^>]*>(.*?)</TD>', dot.nodes[op]["label"])}


def edges_ending_at_their_rows(graph) -> int:
    """Check, in Graphviz's layout, that the arrow of each edge into an op's derivative row
    ends on that row's lines and nearer to it than to any other row of the op (the symbol's
    included); returns how many edges were checked."""
    dot = parse_dot(graph.source)
    drawn = layout(graph)
    names = {item["_gvid"]: item["name"] for item in drawn["objects"]}
    lines = text_lines(drawn)
    checked = 0
    for edge in drawn["edges"]:
        port = edge.get("headport", "").split(":")[0]
        if not port.startswith("i"):
            continue
        head = names[edge["head"]]
        texts = [text for text, _ in lines[head]]
        spans = {}
        for row, text in op_rows(dot, head).items():
            for start in range(len(texts)):  # the row's lines: consecutive texts
                for end in range(start + 1, len(texts) + 1):
                    if " ".join(texts[start:end]) == text:
                        ys = [y for _, y in lines[head][start:end]]
                        spans[row] = (min(ys) - 4, max(ys) + 10)
        tip = edge["_hdraw_"][-1]["points"][1][1]  # the arrowhead's point

        def distance(row: str, tip: float = tip, spans: dict = spans) -> float:
            low, high = spans[row]
            return max(low - tip, tip - high, 0.0)

        assert distance(port) == 0 and min(spans, key=distance) == port, (head, port, tip,
                                                                         spans)
        checked += 1
    return checked


def test_op_nodes_are_small_pills_with_the_op_symbol():
    net = course_net()
    dot = parse_dot(ts.draw(net["J"]).source)
    ops_drawn = [name for name in dot.nodes if name.endswith("op")]
    symbols = sorted(op_rows(dot, name)["op"] for name in ops_drawn)
    assert symbols == sorted(["Σwx+b"] * 3 + ["σ"] * 3 + ["BCE"])
    plain = parse_dot(ts.draw(net["J"], derivatives=False).source)
    pills = [a for name, a in plain.nodes.items() if name.endswith("op")]
    assert sorted(text_of(a["label"]) for a in pills) == symbols
    assert all(a["fontsize"] == "11" and a["shape"] == "box" for a in pills)


# ------------------------------------------------------------------------------- edges


def test_edges_carry_the_local_derivative_as_formula_and_value():
    """Each derivative is written in the op node, on the row its edge arrives at."""
    net = course_net()
    dot = parse_dot(ts.draw(net["J"]).source)
    z3_op, a1_op = dot.name_of("z3") + "op", dot.name_of("a1") + "op"
    into_z3 = dot.edge(dot.name_of("a1"), z3_op)
    assert op_rows(dot, z3_op)[into_z3["headport"].split(":")[0]] == "∂z3/∂a1 = w5 = 0.73"
    assert into_z3["tooltip"] == "∂z3/∂a1 = w5 = 0.73"
    into_a1 = dot.edge(dot.name_of("z1"), a1_op)
    row = op_rows(dot, a1_op)[into_a1["headport"].split(":")[0]]
    formula, value = row.rsplit(" = ", 1)
    assert formula == "∂a1/∂z1 = a1·(1 − a1)"
    assert close(value, net["a1"].data * (1 - net["a1"].data))
    bias = dot.edge(dot.name_of("b3"), z3_op)
    assert op_rows(dot, z3_op)[bias["headport"].split(":")[0]] == "∂z3/∂b3 = 1"  # not repeated


def test_which_edges_write_their_derivative():
    """'auto' (the default): every edge a gradient flows through, so not the edges from
    the inputs x1, x2 or the target y; 'all': those too; False: none (tooltips keep them)."""
    net = course_net()
    # auto: w, w, b of each unit; a1, a2 into z3; z into each σ; a3 into the loss
    for mode, expected in (("auto", 3 * 3 + 2 + 3 + 1), ("all", 3 * 5 + 3 + 2),
                           (False, 0)):
        dot = parse_dot(ts.draw(net["J"], derivatives=mode).source)
        into_ops = [a for _, head, a in dot.edges if head.endswith("op")]
        rows = [a for a in into_ops if a.get("headport", "op").split(":")[0] != "op"]
        assert len(rows) == expected, mode
        assert len(into_ops) == 3 * 5 + 3 + 2 and all("tooltip" in a for a in into_ops)
    dot = parse_dot(ts.draw(net["J"]).source)
    from_y = dot.edge(dot.name_of("y"), dot.name_of("J") + "op")
    assert from_y["headport"] == "op:w" and from_y["tooltip"].startswith("∂J/∂y = ")
    with pytest.raises(ValueError, match="derivatives must be one of"):
        ts.draw(net["J"], derivatives="some")


def test_inputs_are_left_of_the_output_and_format_sets_what_render_makes():
    net = course_net()
    graph = ts.draw(net["J"])
    assert 'rankdir=LR' in graph.source and graph.format == "png"
    assert ts.draw(net["J"], format="svg").format == "svg"


# ------------------------------------------------------------------------ gradient colour


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def test_contrast_is_the_wcag_ratio():
    """Reference values of the WCAG 2 contrast ratio, as contrast checkers report them."""
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#767676") == pytest.approx(4.54, abs=0.005)  # lightest AA grey
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.005)
    assert luminance("#ff0000") == pytest.approx(0.2126)


@given(st.floats(1e-6, 1e6), st.floats(0, 1), st.floats(0, 1))
def test_gradient_colour_shows_sign_and_size(largest, small, large):
    small, large = sorted((small, large))
    scale = GradientScale(largest)
    for sign in (-1, 1):
        weak, strong = scale.fill(sign * small * largest), scale.fill(sign * large * largest)
        assert luminance(strong) <= luminance(weak) + 1e-9  # bigger is deeper
        red, _, blue = _rgb(strong)
        if large > 0.05:
            assert (red > blue) == (sign < 0)  # red negative, blue positive


@given(st.floats(-2, 2, allow_nan=False))
def test_text_on_every_gradient_colour_is_readable(t):
    fill = GradientScale(1.0).fill(t)
    assert contrast(fill, text_on(fill)) >= 4.5  # WCAG AA for normal text


def test_parameter_cards_are_coloured_by_their_gradient():
    net = course_net()
    dot = parse_dot(ts.draw(net["J"]).source)
    fills = {}
    for name in WEIGHTS:
        label = dot.nodes[dot.name_of(name)]["label"]
        fills[name] = re.findall(r'BGCOLOR="(#[0-9a-f]+)"', label)[-1]
    for name, fill in fills.items():
        red, _, blue = _rgb(fill)
        assert (red > blue) == (net[name].grad < 0), name
    by_size = sorted(WEIGHTS, key=lambda n: abs(net[n].grad))
    lums = [luminance(fills[n]) for n in by_size]
    assert lums == sorted(lums, reverse=True)


# ---------------------------------------------------------------------------- highlight


def _path_edges(dot: Dot, route: list[str]) -> list[tuple[str, str]]:
    """The DOT edges of a route of labels from the input to the root (via op pills)."""
    edges = []
    for parent, child in itertools.pairwise(route):
        op = dot.name_of(child) + "op"
        edges += [(dot.name_of(parent), op), (op, dot.name_of(child))]
    return edges


def test_highlight_colours_each_weight_path_in_its_own_colour():
    net = course_net()
    dot = parse_dot(ts.draw(net["J"], highlight=[net["w1"], net["w3"]]).source)
    w1_path = _path_edges(dot, ["w1", "z1", "a1", "z3", "a3", "J"])
    w3_path = _path_edges(dot, ["w3", "z2", "a2", "z3", "a3", "J"])
    colour = {edge: dot.edge(*edge)["color"] for edge in set(w1_path) | set(w3_path)}
    first, second = colour[w1_path[0]], colour[w3_path[0]]
    assert first != second
    for edge in w1_path:
        assert first in colour[edge].split(":")
    for edge in w3_path:
        assert second in colour[edge].split(":")
    shared = set(w1_path) & set(w3_path)
    # z3 → a3 → J: five edges (through the σ and BCE pills) on both paths, in both colours
    assert len(shared) == 5 and all(colour[e] == f"{first}:{second}" for e in shared)
    others = [a for t, h, a in dot.edges if (t, h) not in colour and a.get("style") != "invis"]
    assert others and all(a["color"] == "#cfcfcf" for a in others)  # the rest fades
    assert f'COLOR="{first}"' in dot.nodes[dot.name_of("w1")]["label"]


def test_highlight_legend_multiplies_the_factors_and_bolds_the_differences():
    net = course_net()
    source = ts.draw(net["J"], highlight=[net["w1"], net["w3"]]).source
    legend = parse_dot(source).graph["label"]
    text = text_of(legend)
    assert "∂J/∂w1" in text and "∂J/∂w3" in text
    for name in ("w1", "w3"):
        totals = re.findall(rf"∂J/∂{name} = .*? = (\S+) ", text + " ")
        assert totals, text
    rows = text.split("∂J/∂w3 =")
    row_w1, row_w3 = rows[0].split("∂J/∂w1 =")[1], rows[1]
    for row, factor, weight in ((row_w1, "∂z3/∂a1 w5 = 0.73", "w1"),
                                (row_w3, "∂z3/∂a2 w6 = −0.41", "w3")):
        assert factor in row
        assert close(row.split(" = ")[-1].split(" ")[0], net[weight].grad)
    bold = re.findall(r"<B>([^<]*)</B>", legend)
    assert "w5 = 0.73" in bold and "w6 = −0.41" in bold
    assert "x1 = 0.5" not in bold  # the same factor on both paths: not a difference


def test_the_weights_that_make_the_gradients_differ_are_marked_on_the_graph():
    """w5 is a factor of ∂J/∂w1 and w6 of ∂J/∂w3: their cards take the paths' colours."""
    net = course_net()
    dot = parse_dot(ts.draw(net["J"], highlight=[net["w1"], net["w3"]]).source)
    first = dot.edge(dot.name_of("w1"), dot.name_of("z1") + "op")["color"]
    second = dot.edge(dot.name_of("w3"), dot.name_of("z2") + "op")["color"]

    def border(label: str) -> tuple[str, str | None]:
        table = re.match(r"<TABLE[^>]*>", dot.nodes[dot.name_of(label)]["label"]).group(0)
        style = re.search(r'STYLE="(\w+)"', table)
        return re.search(r'COLOR="(#[0-9a-f]+)"', table).group(1), style and style.group(1)

    assert border("w5") == (first, "dashed") and border("w6") == (second, "dashed")
    assert border("b3")[1] is None and border("w2")[1] is None
    # Units started equal: every factor is the same on both paths, nothing is marked.
    tied = course_net(w3=WEIGHTS["w1"], w4=WEIGHTS["w2"], b2=BIASES["b1"], w6=WEIGHTS["w5"])
    source = ts.draw(tied["J"], highlight=[tied["w1"], tied["w3"]]).source
    legend = parse_dot(source).graph["label"]
    assert 'STYLE="dashed"' not in source
    bold = re.findall(r"<B>([^<]*)</B>", legend)
    assert bold and all(text.startswith(("∂J/∂", "= ")) for text in bold)  # names, totals
    assert tied["w1"].grad == tied["w3"].grad


def test_highlight_takes_explanations_and_comparisons():
    net = course_net()
    by_values = ts.draw(net["J"], highlight=[net["w1"], net["w3"]]).source
    by_explanations = ts.draw(net["J"], highlight=[ts.explain(net["J"], net["w1"]),
                                                   ts.explain(net["J"], net["w3"])]).source
    by_comparison = ts.draw(net["J"], highlight=ts.compare(net["J"], net["w1"], net["w3"])).source
    single = text_of(parse_dot(ts.draw(net["J"], highlight=net["w1"]).source).graph["label"])
    assert by_values == by_explanations == by_comparison
    assert "∂J/∂w1" in single and "∂J/∂w3" not in single


def test_highlight_errors_name_the_problem():
    net = course_net()
    with pytest.raises(TypeError, match="highlight takes Values"):
        ts.draw(net["J"], highlight=["w1"])
    other = course_net()
    with pytest.raises(ValueError, match="same root"):
        ts.draw(net["J"], highlight=ts.explain(other["J"], other["w1"]))


def test_highlight_of_a_node_the_root_ignores_says_so():
    a, b = ts.Value(2.0, "a"), ts.Value(3.0, "b")
    out = a * 2.0
    out.label = "out"
    out.backward()
    text = text_of(parse_dot(ts.draw(out, highlight=[b]).source).graph["label"])
    assert "does not depend on b" in text


def test_highlight_with_several_paths_lists_each_and_their_sum():
    x = ts.Value(0.7, "x")
    y = x * x + x.sigmoid()
    y.label = "y"
    y.backward()
    text = text_of(parse_dot(ts.draw(y, highlight=[x]).source).graph["label"])
    total = re.search(r"sum over the 3 paths = (\S+)", text)
    assert total and close(total.group(1), x.grad)
    assert len(re.findall(r"∂y/∂", text)) >= 3  # every path's factors are listed


def test_highlight_colours_every_edge_through_a_tensor_stretch():
    """J = mean(stack(L1, L2, L3)): one factor ∂J/∂Lk = 1/n crosses the stack, and the
    picture colours all of its edges, Lk → stack → mean → J."""
    ts.manual_seed(0)
    net = nn.MLP(2, [2, 1], activation="sigmoid", scalar=True)
    X = np.array([[0.52, 0.30], [0.10, 0.90], [0.70, 0.60]])
    J = nn.cost(net, X, np.array([1.0, 0.0, 1.0]))
    J.backward()
    w1 = dict(net.named_parameters())["w1"]
    dot = parse_dot(ts.draw(J, highlight=[w1], max_examples=None).source)
    (colour,) = {a["color"] for tail, _, a in dot.edges if tail == dot.name_of("w1")}
    (stacked,) = [tail for tail, head, _ in dot.edges if head == dot.name_of("J") + "op"]
    stretch = [(stacked, dot.name_of("J") + "op"), (dot.name_of("J") + "op", dot.name_of("J")),
               (stacked + "op", stacked)]
    stretch += [(dot.name_of(f"L{k}"), stacked + "op") for k in (1, 2, 3)]
    for edge in stretch:
        assert dot.edge(*edge)["color"] == colour, edge


def test_the_picture_uses_the_explainers_short_names():
    """Unlabeled results the explainer calls u1, u2, … carry those names on their cards and
    edges, so the legend's factors can be found on the picture."""
    x, y = ts.Value(0.5, "x"), ts.Value(-1.5, "y")
    f = (x * y).tanh() + (x * y) * x  # two results would both be called (x × y)
    f.backward()
    dot = parse_dot(ts.draw(f, highlight=[x]).source)
    legend = text_of(dot.graph["label"])
    factor_names = set(re.findall(r"∂(\w+)/∂(\w+)", legend))
    assert ("u2", "u1") in factor_names
    for name in {name for pair in factor_names for name in pair}:
        dot.card(name)  # exactly one card has that name
    assert dot.card("u2").startswith("u2 ● = tanh(u1)")  # the dot: on the highlighted path
    tanh_op = dot.name_of("u2") + "op"
    tanh_edge = dot.edge(dot.name_of("u1"), tanh_op)
    assert op_rows(dot, tanh_op)[tanh_edge["headport"].split(":")[0]].startswith(
        "∂u2/∂u1 = 1 − u2² = ")
    assert all(node.label is None for node in ts.topological_order(f) if node.op)


# ----------------------------------------------------------------------------- clusters


def test_units_are_drawn_as_clusters_named_by_layer_and_unit():
    net = course_net()
    dot = parse_dot(ts.draw(net["J"]).source)
    members = {text_of(c["attrs"]["label"]): {text_of(dot.nodes[n]["label"]).split(" ")[0]
                                              for n in c["nodes"] if not n.endswith("op")}
               for c in dot.clusters.values()}
    assert members == {
        "layer 1 · unit 1": {"w1", "w2", "b1", "z1", "a1"},
        "layer 1 · unit 2": {"w3", "w4", "b2", "z2", "a2"},
        "layer 2 · unit 3": {"w5", "w6", "b3", "z3", "a3"},
    }


def test_hand_built_graphs_and_clusters_off_have_no_clusters():
    assert not parse_dot(ts.draw(course_net(groups=False)["J"]).source).clusters
    assert not parse_dot(ts.draw(course_net()["J"], clusters=False).source).clusters


def test_the_loss_of_the_explainers_demo_net_is_in_no_cluster():
    nodes = demo_net()
    dot = parse_dot(ts.draw(nodes["J"]).source)
    clustered = {name for cluster in dot.clusters.values() for name in cluster["nodes"]}
    assert len(dot.clusters) == 3 and dot.name_of("a3") in clustered
    assert dot.name_of("J") not in clustered and dot.name_of("y") not in clustered


def test_nn_scalar_mlp_is_drawn_unit_by_unit():
    ts.manual_seed(0)
    twin = nn.MLP(2, [3, 1], activation="sigmoid").to_scalar()
    J = nn.cost(twin, np.array([[0.2, -0.4]]), np.array([1.0]))
    J.backward()
    dot = parse_dot(ts.draw(J).source)
    names = sorted(text_of(c["attrs"]["label"]) for c in dot.clusters.values())
    assert names == ["layer 1 · unit 1", "layer 1 · unit 2", "layer 1 · unit 3",
                     "layer 2 · unit 4"]
    for name, parameter in twin.named_parameters():
        words = dot.card(parameter.label).split(" ")
        assert close(words[-1], parameter.grad), name


# ------------------------------------------------------------------------------ tensors


def test_tensor_cards_show_shape_and_a_preview():
    W = ts.Value(np.array([[0.5, -1.0], [2.0, 0.25], [1.5, -0.5]]), "W1")
    x = ts.Value(np.array([1.0, 2.0]), "x", requires_grad=False)
    big = ts.Value(np.arange(40.0).reshape(5, 8) / 10, "B")
    loss = ((W @ x).sum() + big.sum())
    loss.label = "J"
    loss.backward()
    dot = parse_dot(ts.draw(loss).source)
    card_W = dot.card("W1")
    assert "3×2" in card_W
    assert "[0.5, −1, 2, 0.25, 1.5, −0.5]" in card_W  # six values: all shown
    assert card_W.count("[1, 2, 1, 2, 1, 2]") == 1  # its gradient, x in each row
    card_big = dot.card("B")
    norm = np.linalg.norm(big.data)
    assert "5×8" in card_big and f"‖·‖ {ts.viz.labels.number(norm)}" in card_big
    heat = dot.nodes[dot.name_of("W1")]["label"]
    assert heat.count('WIDTH="9"') == 6  # a 3×2 heat map of the gradient


# ----------------------------------------------------------------------------- escaping


@given(st.text(max_size=30))
def test_any_label_is_escaped_into_well_formed_html(label):
    a = ts.Value(1.5, label or None)
    a.group = (label, "unit <1>")
    out = a * 2.0
    out.label = label + "&"
    out.backward()
    dot = parse_dot(ts.draw(out, highlight=[a]).source)
    visible = "".join(ch for ch in label if ch.isprintable() or ch == " ")
    for attributes in [*dot.nodes.values(), dot.graph,
                       *(c["attrs"] for c in dot.clusters.values())]:
        if "label" in attributes and attributes["label"].startswith("<"):
            ElementTree.fromstring(f"<root>{attributes['label']}</root>")
    if label.strip() and label.isprintable():
        assert any(visible in text_of(a["label"]) for a in dot.nodes.values())


def test_markup_in_a_label_is_shown_as_written():
    a = ts.Value(1.0, '<b>&"')
    out = a * 3.0
    out.label = "J"
    out.backward()
    graph = ts.draw(out)
    dot = parse_dot(graph.source)
    assert any(text_of(n["label"]).startswith('<b>&"') for n in dot.nodes.values())
    assert "<b>&" not in graph.source  # only escaped


# -------------------------------------------------------------------- random graphs


@given(tst.expressions(max_steps=6))
def test_any_graph_draws_every_node_with_its_numbers(expression):
    leaves = expression.leaves()
    root = expression(*leaves)
    root.label = "out"
    root.backward()
    dot = parse_dot(ts.draw(root).source)
    order = ts.topological_order(root)
    cards = [n for n in dot.nodes if not n.endswith("op")]
    assert len(cards) == len(order)
    for leaf in leaves:
        if leaf in order:
            card = dot.card(leaf.label)
            value, grad = card_numbers(card)
            assert close(value, leaf.data) and f"∂out/∂{leaf.label} {grad}" in card
            if math.isfinite(leaf.grad):
                assert close(grad, leaf.grad)


def test_the_key_explains_the_colours_and_the_title_comes_first():
    net = course_net()
    graph = ts.draw(net["J"], title="2→2→1 <net>")
    dot = parse_dot(graph.source)
    key = text_of(dot.graph["label"])
    assert dot.graph["labelloc"] == "t" and key.startswith("2→2→1 <net>")  # title on top
    for kind in ("parameter (learned)", "input / constant", "computed", "output"):
        assert kind in key
    # The scale reaches the largest gradient drawn (a3's, larger than any parameter's):
    # nothing saturates; one mark per power of ten below it, on both sides of 0.
    largest = max(abs(node.grad) for name, node in net.items() if node.grad is not None
                  and name != "J")
    marks = re.search(r"gradient \(log scale\): (.*)$", key).group(1).split(" ")
    assert marks[len(marks) // 2] == "0" and len(marks) % 2 == 1
    assert marks[0] == "−" + marks[-1].lstrip("+") and close(marks[0], -largest, 2)
    assert "+0.1" in marks and "−0.1" in marks
    root_card = dot.nodes[dot.name_of("J")]["label"]
    assert root_card.count("BGCOLOR") == 2  # white card, dark header: its seed 1 uncoloured
    plain = parse_dot(ts.draw(net["J"], key=False).source)
    assert "label" not in plain.graph


def test_colours_tell_powers_of_ten_apart():
    """Coffee's numbers: ∂J/∂a4 = −1.005 and ∂J/∂w7 = −0.0048 must not share a colour
    (a linear scale fitted to the parameters made both its deepest red)."""
    scale = GradientScale.fit([1.005, 0.00484, 0.0001063, 5.96e-7, 3.1e-12])
    assert scale.largest == 1.005 and scale.floor == pytest.approx(1.005e-6)
    shades = [scale.fill(-g) for g in (1.005, 0.1, 0.00484, 0.0001063, 5.96e-7)]
    lums = [luminance(shade) for shade in shades]
    assert lums == sorted(lums) and len(set(shades)) == len(shades)  # deeper when larger
    assert lums[2] - lums[0] > 0.05  # −0.0048 is visibly lighter than −1.005
    assert scale.intensity(-1.005) == 1 and scale.intensity(0.1) == pytest.approx(5 / 6, 0.01)
    assert scale.ticks() == [1.005, 0.1, 0.01, 0.001, 0.0001, 1e-05]
    assert scale.fill(0.0) == scale.fill(-0.0) == "#f7f7f7"
    one = GradientScale.fit([0.3])  # a single magnitude: one decade below it
    assert one.floor == pytest.approx(0.03) and one.ticks() == [0.3, 0.1]


@given(tst.expressions(max_steps=5, shape=(2, 3)))
def test_any_tensor_graph_draws_every_node(expression):
    root = expression(*expression.leaves()).sum()
    root.label = "out"
    root.backward()
    dot = parse_dot(ts.draw(root, format="svg").source)
    cards = [n for n in dot.nodes if not n.endswith("op")]
    assert len(cards) == len(ts.topological_order(root))
    for leaf in expression.leaves():
        assert all("2×3" in text_of(a["label"]) for a in dot.nodes.values()
                   if text_of(a["label"]).startswith(f"{leaf.label} "))
