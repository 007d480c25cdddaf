"""The shape of a rebuilt graph: its Linear layers, and whether it is an MLP under a loss.

Read from the rebuilt `Value`s alone (no PyTorch): a Linear layer is `x @ Wᵀ + b` with W
and b parameters, one `affine` node (what `nn.Linear` records on a batch) or a matmul and
an add. An MLP is a chain of such layers, each followed by at most one activation, from a
constant input batch X up to a loss against constant targets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import ops
from ..value import Value
from .errors import NotAnMLP

ACTIVATION_OPS = {ops.SIGMOID: "sigmoid", ops.TANH: "tanh", ops.RELU: "relu",
                  ops.SOFTMAX: "softmax"}
"""The ops a layer may apply to its pre-activations, by nn's activation names."""

LOSSES = {
    "MseLossBackward0": "mse",
    "BinaryCrossEntropyBackward0": "binary_cross_entropy",
    "BinaryCrossEntropyWithLogitsBackward0": "bce_with_logits",
    "NllLossBackward0": "softmax_cross_entropy",
}
"""PyTorch's loss nodes, by the name of the `nn` loss that computes the same number."""


@dataclass(frozen=True, eq=False)
class LinearLayer:
    """z = x @ Wᵀ + b: `weight` is the parameter as PyTorch holds it (units × inputs)."""

    weight: Value
    transposed: Value  # the node Wᵀ, as PyTorch's TBackward0 records it
    bias: Value | None
    input: Value
    output: Value
    activation: Value | None  # the activation applied to z, when one is (and only it)


@dataclass(frozen=True, eq=False)
class LossRecord:
    """The loss at the root of a rebuilt graph: which one, its reduction, its operands."""

    torch_name: str
    reduction: str
    operands: tuple[Value | np.ndarray, ...]  # class labels stay an integer array


@dataclass(frozen=True, eq=False)
class MLPShape:
    """A rebuilt graph that is an MLP under a loss: what `nn` needs to compute it again."""

    layers: tuple[LinearLayer, ...]
    activations: tuple[str, ...]
    loss: str
    inputs: np.ndarray
    targets: np.ndarray

    def arrays(self) -> list[tuple[np.ndarray, np.ndarray, str]]:
        """Each layer as nn holds it: weights (inputs × units), biases, activation."""
        return [(layer.weight.data.T.copy(), np.array(biases.data, copy=True), activation)
                for layer, biases, activation in zip(self.layers, self.biases(),
                                                     self.activations, strict=True)]

    def biases(self) -> list[Value]:
        """Each layer's bias vector (`mlp_shape` refuses a layer without one)."""
        return [layer.bias for layer in self.layers if layer.bias is not None]


def _is_parameter(node: Value, ndim: int) -> bool:
    """True for a leaf that requires a gradient and has `ndim` axes."""
    return node.op is None and node.requires_grad and node.ndim == ndim


def _transposed_parameter(node: Value) -> Value | None:
    """W when `node` is Wᵀ of a matrix parameter W, else None."""
    if node.op is ops.TRANSPOSE and (node.attrs or {}).get("axes") in (None, (1, 0)):
        weight = node.parents[0]
        return weight if _is_parameter(weight, 2) else None
    return None


def linear_layers(order: list[Value]) -> list[LinearLayer]:
    """The Linear layers of a graph (`order`: its nodes, parents first), input side first."""
    consumers: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            consumers.setdefault(parent, []).append(node)
    layers = []
    for node in order:
        found: tuple[Value, Value, Value | None, Value] | None = None  # W, Wᵀ, b, x
        if node.op is ops.AFFINE:
            x, transposed, bias = node.parents
            weight = _transposed_parameter(transposed)
            if weight is not None and _is_parameter(bias, 1):
                found = (weight, transposed, bias, x)
        elif node.op is ops.MATMUL:
            x, transposed = node.parents
            weight = _transposed_parameter(transposed)
            if weight is not None and not _bias_added(node, consumers):
                found = (weight, transposed, None, x)
        elif node.op is ops.ADD:
            product, bias = node.parents
            if product.op is ops.MATMUL and _bias_added(product, consumers):
                x, transposed = product.parents
                weight = _transposed_parameter(transposed)
                if weight is not None:
                    found = (weight, transposed, bias, x)
        if found is not None:
            users = consumers.get(node, [])
            activation = users[0] if len(users) == 1 and users[0].op in ACTIVATION_OPS else None
            layers.append(LinearLayer(*found, node, activation))
    return layers


def _bias_added(product: Value, consumers: dict[Value, list[Value]]) -> bool:
    """True when the matmul `product` only feeds `product + b`, b a vector parameter."""
    users = consumers.get(product, [])
    return (len(users) == 1 and users[0].op is ops.ADD and users[0].parents[0] is product
            and _is_parameter(users[0].parents[1], 1))


def mlp_shape(loss: LossRecord | None, layers: list[LinearLayer]) -> MLPShape:
    """The graph as an MLP under a loss, or NotAnMLP saying what does not fit."""
    if loss is None:
        raise NotAnMLP(f"its root is not one of the losses {', '.join(LOSSES)}")
    if loss.reduction != "mean":
        raise NotAnMLP(f"its loss {loss.torch_name} has reduction={loss.reduction!r}; "
                       "the scalar view computes the mean (PyTorch's default)")
    prediction, targets = loss.operands
    assert isinstance(prediction, Value)  # rebuilt from the graph: only class labels stay arrays
    kind = LOSSES[loss.torch_name]
    if kind == "softmax_cross_entropy":
        if prediction.op is not ops.LOG_SOFTMAX or (prediction.attrs or {}).get("axis") not in (
                -1, prediction.ndim - 1):
            raise NotAnMLP("its nll_loss is not taken of log_softmax over the last axis "
                           "(nn.CrossEntropyLoss on logits)")
        prediction = prediction.parents[0]
    if isinstance(targets, Value) and targets.requires_grad:
        raise NotAnMLP("its targets require a gradient")
    targets = np.asarray(targets.data if isinstance(targets, Value) else targets)
    if kind != "softmax_cross_entropy" and targets.shape == prediction.shape:
        while prediction.op is ops.RESHAPE:  # model(X).squeeze(1) or .view(-1) before the loss
            prediction = prediction.parents[0]
        targets = targets.reshape(prediction.shape)  # the same pairs, element by element
    by_output = {layer.output: layer for layer in layers}
    chain: list[LinearLayer] = []
    activations: list[str] = []
    node = prediction
    while True:
        activation = "linear" if node.op is None else ACTIVATION_OPS.get(node.op, "linear")
        below = node.parents[0] if activation != "linear" else node
        layer = by_output.get(below)
        if layer is None or (activation != "linear" and layer.activation is not node):
            what = "an activation" if activation != "linear" else "the loss"
            raise NotAnMLP(f"{what} is applied to something that is not a Linear layer's output "
                           f"({below.op.name if below.op else 'a leaf'})")
        if layer.bias is None:
            raise NotAnMLP("a Linear layer has no bias (nn.Dense always has one)")
        if activation == "softmax" and (node.attrs or {}).get("axis") not in (-1, node.ndim - 1):
            raise NotAnMLP("a softmax is not taken over the last axis")
        chain.append(layer)
        activations.append(activation)
        node = layer.input
        if node.op is None:
            break
    chain.reverse()
    activations.reverse()
    _check_chain(chain, node, prediction, targets, kind)
    return MLPShape(tuple(chain), tuple(activations), kind, np.asarray(node.data), targets)


def _check_chain(chain: list[LinearLayer], inputs: Value, prediction: Value,
                 targets: np.ndarray, kind: str) -> None:
    """Refuse what nn's MLP would compute differently: a batch that is not (examples ×
    inputs), shared weights, targets of another shape."""
    if inputs.ndim != 2:
        raise NotAnMLP(f"its input has shape {inputs.shape}, not (examples, inputs)")
    weights = [layer.weight for layer in chain] + [layer.bias for layer in chain]
    if len(set(weights)) != len(weights):
        raise NotAnMLP("some layers share a parameter")
    expected = prediction.shape[:1] if kind == "softmax_cross_entropy" else prediction.shape
    if targets.shape != expected:
        raise NotAnMLP(f"its targets have shape {targets.shape}, its predictions "
                       f"{prediction.shape}")
