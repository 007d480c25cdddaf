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
from .derivation import paragraph
from .explanation import MAX_PATHS, explain
from .factor import DIGITS, number

INPUTS = {"x1": 0.52, "x2": 0.30}
TARGET = 1.0
PARAMETERS = {
    "w1": 1.2, "w2": 0.5, "b1": 0.07,
    "w3": -0.6, "w4": 0.9, "b2": 0.1,
    "w5": 0.73, "w6": -0.45, "b3": 0.2,
}
TIED = {**PARAMETERS, "w3": 1.2, "w4": 0.5, "b2": 0.07, "w6": 0.73}
NETS = {"2-2-1": PARAMETERS, "2-2-1-tied": TIED}
UNITS = {1: ("w1", "w2", "b1"), 2: ("w3", "w4", "b2"), 3: ("w5", "w6", "b3")}
"""Each unit's weights and bias; units 1 and 2 form layer 1, unit 3 is layer 2."""


def _named(node: Value, label: str, unit: int) -> Value:
    """`node` labelled, in the cluster of its unit: ("layer 1", "unit 2")."""
    node.label = label
    node.group = ("layer 2" if unit == 3 else "layer 1", f"unit {unit}")
    return node


def demo_net(net: str = "2-2-1") -> dict[str, Value]:
    """Every named node of the demo net (x1, x2, w1…w6, b1…b3, z1…a3, y, J), J last."""
    if net not in NETS:
        raise ValueError(f"unknown demo net {net!r}; choose one of {', '.join(NETS)}")
    values = NETS[net]
    nodes = {name: Value(data, name, requires_grad=False) for name, data in INPUTS.items()}
    for unit, names in UNITS.items():
        nodes.update({name: _named(Value(values[name]), name, unit) for name in names})
    inputs = [nodes["x1"], nodes["x2"]]
    for unit, (first, second, bias) in UNITS.items():
        if unit == 3:
            inputs = [nodes["a1"], nodes["a2"]]
        z = linear([nodes[first], nodes[second]], inputs, nodes[bias])
        nodes[f"z{unit}"] = _named(z, f"z{unit}", unit)
        nodes[f"a{unit}"] = _named(z.sigmoid(), f"a{unit}", unit)
    nodes["y"] = Value(TARGET, "y", requires_grad=False)
    nodes["J"] = apply(ops.BINARY_CROSS_ENTROPY, nodes["a3"], nodes["y"])
    nodes["J"].label = "J"  # the loss belongs to no unit: no group
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
