"""The forum's 2→2→1 sigmoid net, built by hand, and the text `tinygrad-sym explain` prints.

Two inputs x1, x2; hidden units 1 (w1 on x1, w2 on x2, b1) and 2 (w3, w4, b2); output unit
3 (w5 on a1, w6 on a2, b3); J = binary cross-entropy of a3 against y. The numbers are
fixed (as if drawn at random once) so every run, slide and test sees the same ones; the
"tied" variant starts the two hidden units equal (w1 = w3, w2 = w4, b1 = b2, w5 = w6).
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import ops
from ..value import Value, apply, linear
from .compare import compare
from .explanation import MAX_PATHS, explain, paragraph
from .paths import DIGITS, number

INPUTS = {"x1": 0.52, "x2": 0.30}
TARGET = 1.0
PARAMETERS = {
    "w1": 1.2, "w2": 0.5, "b1": 0.07,
    "w3": -0.6, "w4": 0.9, "b2": 0.1,
    "w5": 0.73, "w6": -0.45, "b3": 0.2,
}
TIED = {**PARAMETERS, "w3": 1.2, "w4": 0.5, "b2": 0.07, "w6": 0.73}
NETS = {"2-2-1": PARAMETERS, "2-2-1-tied": TIED}


def _named(node: Value, label: str, group: tuple[str, ...]) -> Value:
    node.label, node.group = label, group
    return node


def demo_net(net: str = "2-2-1") -> dict[str, Value]:
    """Every named node of the demo net (x1, x2, y, w1…w6, b1…b3, z1…a3, J), J last."""
    if net not in NETS:
        raise ValueError(f"unknown demo net {net!r}; choose one of {', '.join(NETS)}")
    values = NETS[net]
    nodes = {name: Value(data, name, requires_grad=False) for name, data in INPUTS.items()}
    for name, data in values.items():
        unit = int(name[1]) if name[0] == "b" else (int(name[1:]) + 1) // 2
        layer = "layer 2" if unit == 3 else "layer 1"
        nodes[name] = _named(Value(data), name, (layer, f"unit {unit}"))
    hidden = [nodes["x1"], nodes["x2"]]
    for unit, weights in ((1, ("w1", "w2")), (2, ("w3", "w4")), (3, ("w5", "w6"))):
        group = ("layer 2" if unit == 3 else "layer 1", f"unit {unit}")
        inputs = hidden if unit < 3 else [nodes["a1"], nodes["a2"]]
        z = linear([nodes[w] for w in weights], inputs, nodes[f"b{unit}"])
        nodes[f"z{unit}"] = _named(z, f"z{unit}", group)
        nodes[f"a{unit}"] = _named(z.sigmoid(), f"a{unit}", group)
    nodes["y"] = Value(TARGET, "y", requires_grad=False)
    nodes["J"] = _named(apply(ops.BINARY_CROSS_ENTROPY, nodes["a3"], nodes["y"]), "J", ("loss",))
    return nodes


def describe_net(net: str, nodes: dict[str, Value], digits: int = DIGITS) -> str:
    """One paragraph: the net and its numbers."""
    parameters = ", ".join(f"{name} = {number(nodes[name].data, digits)}" for name in NETS[net])
    inputs = ", ".join(f"{name} = {number(nodes[name].data, digits)}" for name in INPUTS)
    shape = net.removesuffix("-tied")
    tied = " (tied: the two hidden units start equal)" if net.endswith("-tied") else ""
    return "\n".join(paragraph(
        f"The demo {shape.replace('-', '→')} sigmoid net{tied}: inputs {inputs}, target "
        f"y = {number(TARGET, digits)}; {parameters}; J = binary cross-entropy of "
        f"a3 = {number(nodes['a3'].data, digits)} against y, J = {number(nodes['J'].data, digits)}."
    ))


def explain_cli(
    net: str = "2-2-1",
    weights: Sequence[str] = ("w1", "w3"),
    max_paths: int = MAX_PATHS,
    digits: int = DIGITS,
) -> str:
    """The text of `tinygrad-sym explain --net NET --weights W…` on the demo net.

    One name: the derivation of ∂J/∂name. Two or more: the first compared with each other.
    """
    nodes = demo_net(net)
    names = list(weights)
    if not names:
        raise ValueError("explain: name at least one weight, e.g. --weights w1 w3")
    unknown = [name for name in names if name not in nodes or name == "J"]
    if unknown:
        raise ValueError(f"explain: no node named {', '.join(unknown)} in the {net} net; "
                         f"choose among {', '.join(n for n in nodes if n != 'J')}")
    root = nodes["J"]
    texts = [describe_net(net, nodes, digits)]
    if len(names) == 1:
        texts.append(str(explain(root, nodes[names[0]], max_paths, digits)))
    for other in names[1:]:
        texts.append(str(compare(root, nodes[names[0]], nodes[other], max_paths, digits)))
    return "\n\n".join(texts)
