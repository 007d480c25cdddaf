"""The README's 2→2→1 sigmoid net, and the text `tinygrad-sym explain` prints about it.

Two inputs x1, x2; hidden units 1 (w1 on x1, w2 on x2, b1) and 2 (w3, w4, b2); output unit
3 (w5 on a1, w6 on a2, b3); J = binary cross-entropy of a3 against y = 1. It is built with
`nn.MLP(2, [2, 1], scalar=True, init=...)` exactly as the README builds it, with fixed
weights (as if drawn at random once) and zero biases, so every run, slide and test sees
the same numbers. The "tied" start makes the two hidden units equal (w1 = w3, w2 = w4,
w5 = w6): the symmetry that gradient descent can never break.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import nn
from ..explainer import compare, explain
from ..explainer.explanation import MAX_PATHS
from ..explainer.explanation_text import paragraph
from ..explainer.factor import DIGITS, number
from ..value import Value, topological_order

INPUTS = {"x1": 0.52, "x2": 0.30}
TARGET = 1.0
WEIGHTS = {"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9, "w5": 0.73, "w6": -0.45}
TIED = {"w1": 0.2, "w2": -0.3, "w3": 0.2, "w4": -0.3, "w5": 0.5, "w6": 0.5}
NETS = {"2-2-1": WEIGHTS, "2-2-1-tied": TIED}
"""The weights of each demo net by name; every bias starts at 0 (nn's default)."""
BIASES = {"b1": 0.0, "b2": 0.0, "b3": 0.0}
PARAMETERS = {**WEIGHTS, **BIASES}
"""Every parameter of the untied net, biases included."""


def demo_net(net: str = "2-2-1") -> dict[str, Value]:
    """Every named node of the demo net (x1, x2, w1…w6, b1…b3, z1…a3, y, J) after
    `J.backward()`, J last."""
    if net not in NETS:
        raise ValueError(f"unknown demo net {net!r}; choose one of {', '.join(NETS)}")
    model = nn.MLP(2, [2, 1], scalar=True, init=NETS[net])
    J = nn.binary_cross_entropy(model(list(INPUTS.values())), TARGET)
    J.backward()
    nodes = {node.label: node for node in topological_order(J) if node.label}
    return {**dict(model.named_parameters()), **nodes, "J": J}


def describe_net(net: str, nodes: dict[str, Value], digits: int = DIGITS) -> str:
    """One paragraph: the net and its numbers."""
    parameters = ", ".join(f"{name} = {number(nodes[name].data, digits)}"
                           for name in (*NETS[net], *BIASES))
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
    _check_names(net, names, nodes)
    root = nodes["J"]
    texts = [describe_net(net, nodes, digits)]
    if len(names) == 1:
        texts.append(str(explain(root, nodes[names[0]], max_paths, digits)))
    for other in names[1:]:
        texts.append(str(compare(root, nodes[names[0]], nodes[other], max_paths, digits)))
    return "\n\n".join(texts)


def _check_names(net: str, names: list[str], nodes: dict[str, Value]) -> None:
    """Refuse, in the command line's words, names that cannot be explained: none, unknown,
    constants (no gradient), or one name twice."""
    if not names:
        raise ValueError("name at least one weight, e.g. --weights w1 w3")
    explainable = [name for name, node in nodes.items() if name != "J" and node.requires_grad]
    choices = f"choose among {', '.join(explainable)}"
    unknown = [name for name in names if name not in nodes or name == "J"]
    if unknown:
        raise ValueError(f"no node named {', '.join(unknown)} in the {net} net; {choices}")
    constants = [name for name in names if not nodes[name].requires_grad]
    if constants:
        raise ValueError(f"{', '.join(constants)} {'is' if len(constants) == 1 else 'are'} "
                         f"data, not parameters: backpropagation computes no gradient for "
                         f"{'it' if len(constants) == 1 else 'them'}; {choices}")
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"{', '.join(twice)} is named twice: compare two different weights, "
                         f"e.g. --weights w1 w3")
