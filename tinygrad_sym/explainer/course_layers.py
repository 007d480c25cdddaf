"""A tensor net's layers read off its graph, and the scalar twin's name of each entry.

A net built by `nn` (or by hand the same way) computes, layer after layer, Z = A_in · W + b
(one affine node, or a matmul and a bias added to it) and A = activation(Z), from the data
X up to the loss. Reading that chain off the graph gives each weight matrix its place in
the course's numbering (`numbering`), so every entry can be named as the scalar twin
(`model.to_scalar()`) names its nodes: W1[0, 1] is w3 (unit 2's weight on x1), A1[k, 1] is
a2, Z2[k, 0] is z4, X[k, 0] is x1, b1[1] is b2. The explainer never imports `nn`: the
layers come from the graph, the names from the convention.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..numbering import Numbering, numberings
from ..value import Value, topological_order
from .matrix_chain import LEFT, product_side
from .naming import superscript


@dataclass(frozen=True, eq=False)
class Layer:
    """One layer: `product` = inputs · weights, `z` that product with its bias added (the
    product itself when there is no bias), `a` the activation of z (z when linear)."""

    inputs: Value
    weights: Value
    bias: Value | None
    product: Value
    z: Value
    a: Value
    numbering: Numbering


def _weights_of(node: Value) -> Value | None:
    """The weight matrix of a product node A · W (+ b) whose W is a parameter, else None."""
    op = node.op
    if op is None or len(node.parents) < 2 or product_side(op.derivatives[1]) != LEFT:
        return None
    inputs, weights = node.parents[:2]
    if weights.parents or not weights.requires_grad or weights.ndim != 2 or inputs.ndim != 2:
        return None
    return weights


def _bias_of(node: Value, users: dict[Value, list[Value]]) -> tuple[Value | None, Value]:
    """The bias added to a product (affine's third operand, or a parameter vector added to
    it), and the node that holds the sum."""
    if len(node.parents) == 3:
        return node.parents[2], node
    for user in users.get(node, ()):
        others = [parent for parent in user.parents if parent is not node]
        if (user.op.name == "add" and len(others) == 1 and not others[0].parents
                and others[0].requires_grad and others[0].ndim == 1):
            return others[0], user
    return None, node


def _activation_of(z: Value, users: dict[Value, list[Value]]) -> Value:
    """The activation applied to z (its one elementwise unary user), or z itself."""
    found = [user for user in users.get(z, ()) if user.op.elementwise and len(user.parents) == 1]
    return found[0] if len(found) == 1 else z


class CourseLayers:
    """The layers of `root`'s graph, input first, and the twin's names of their entries.

    `layers` is empty when the graph is not such a chain (then `problem` says why); the
    per-example loss under a root that averages it is named L1, L2, … as `nn.cost` names
    the twin's.
    """

    def __init__(self, root: Value) -> None:
        self.root = root
        self.layers: list[Layer] = []
        self.problem = ""
        self.examples = 0
        order = topological_order(root)
        users: dict[Value, list[Value]] = {}
        for node in order:
            for parent in dict.fromkeys(node.parents):
                users.setdefault(parent, []).append(node)
        products = [node for node in order if _weights_of(node) is not None]
        if not products:
            self.problem = "no product X · W of an input and a weight matrix leads to it"
            return
        shapes = [product.parents[1].shape for product in products]
        layout = numberings(shapes[0][0], [shape[1] for shape in shapes])
        previous = None
        for product, numbering in zip(products, layout, strict=True):
            inputs, weights = product.parents[:2]
            if previous is not None and inputs is not previous.a:
                self.problem = (f"the input of {weights.label or 'a weight matrix'}'s product is "
                                "not the previous layer's activation")
                self.layers = []
                return
            bias, z = _bias_of(product, users)
            layer = Layer(inputs, weights, bias, product, z, _activation_of(z, users), numbering)
            self.layers.append(layer)
            previous = layer
        self.examples = self.layers[0].inputs.shape[0]

    def layer_of(self, weights: Value) -> Layer | None:
        """The layer whose weight matrix or bias vector `weights` is."""
        return next((layer for layer in self.layers
                     if weights is layer.weights or weights is layer.bias), None)

    def role(self, node: Value, index: tuple[int, ...]) -> str:
        """What a weight matrix's or bias's entry is: "unit 2's weight on x1", "unit 2's
        bias" (units counted from 1 across the net, as the course does)."""
        layer = self.layer_of(node)
        assert layer is not None
        numbering = layer.numbering
        if node is layer.bias:
            return f"unit {numbering.unit(index[-1])}'s bias"
        i, j = index
        position = self.layers.index(layer)
        source = (f"x{i + 1}" if position == 0
                  else f"a{self.layers[position - 1].numbering.unit(i)}")
        return f"unit {numbering.unit(j)}'s weight on {source}"

    def describe_part(self, node: Value, selection: dict[int, int]) -> str | None:
        """What a row, column or entry of a layer's array is, in the twin's names: "unit 2's
        weights [w3, w4]", "the weights out of a1 [w7]", "a2 over the examples"; None for
        arrays that are not a layer's."""
        layer = self.layer_of(node)
        if layer is not None and node is layer.weights:
            names = [self.scalar_name(node, index) for index in _indices(node.shape, selection)]
            listed = f" [{', '.join(names)}]" if len(names) <= 6 else ""
            if len(selection) == 2:
                return f"{self.role(node, tuple(selection[a] for a in (0, 1)))}{listed}"
            if 1 in selection:
                return f"unit {layer.numbering.unit(selection[1])}'s weights{listed}"
            if 0 in selection:
                source = self.role(node, (selection[0], 0)).split(" on ")[-1]
                return f"the weights out of {source}{listed}"
        if layer is not None and node is layer.bias and selection:
            return self.role(node, (selection[0],))
        if 1 in selection and 0 not in selection and node.ndim == 2:
            name = self._name(node, (0, selection[1]))
            if name is not None and name[0] in "axz":
                return f"{name} over the examples"
        return None

    def scalar_name(self, node: Value, index: tuple[int, ...]) -> str | None:
        """The twin's name of `node[index]`, or None where the twin has no such node. A
        node of one example among several carries its number, as the twin's explanation
        writes it (a2⁽¹⁾ for A1[0, 1]); a weight or a bias is shared by all (w3)."""
        name = self._name(node, index)
        if (name and self.examples > 1 and name[0] in "xazy" and index
                and node.shape[:1] == (self.examples,)):
            return name + superscript(index[0] + 1)
        return name

    def _name(self, node: Value, index: tuple[int, ...]) -> str | None:
        """The twin's label of `node[index]` (x1, a2, z4, w3, b2, L1, y, J)."""
        if node is self.root:
            return node.label or "J"
        for layer in self.layers:
            numbering = layer.numbering
            if node is layer.weights:
                return numbering.weight(*index)
            if node is layer.bias:
                return numbering.bias(index[-1])
            if node in (layer.z, layer.product) and len(index) == 2:
                return f"z{numbering.unit(index[1])}"
            if node is layer.a and len(index) == 2:
                return f"a{numbering.unit(index[1])}"
        first = self.layers[0] if self.layers else None
        if first is not None and node is first.inputs and len(index) == 2:
            return f"x{index[1] + 1}"
        if self.per_example_loss(node) and index and index[1:] in ((), (0,)):
            return f"L{index[0] + 1}"
        if node.label == "y" and not node.requires_grad:
            return "y"
        return None

    def per_example_loss(self, node: Value) -> bool:
        """True for the per-example losses under the root (one per example, which J
        averages or adds up: the twin's L1, L2, …)."""
        root = self.root
        return (bool(self.layers) and node in root.parents and root.op is not None
                and root.op.adds_up and node.shape[:1] == (self.examples,)
                and node.size == self.examples)


def _indices(shape: tuple[int, ...], selection: dict[int, int]) -> list[tuple[int, ...]]:
    """Every index of an array of `shape` inside a selection ({1: 0}: column 0)."""
    ranges = [[selection[a]] if a in selection else range(n) for a, n in enumerate(shape)]
    return [tuple(index) for index in itertools.product(*ranges)]
