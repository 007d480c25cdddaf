"""`TorchGraph`, what `from_torch` returns, and its scalar view: the course's w1, w2, … picture.

The rebuilt graph mirrors PyTorch's node for node: W1 is `fc1.weight` as PyTorch holds it
(units × inputs), with a transpose node above it. When the graph is an MLP under a loss
(Linear layers, activations, one of the supported losses), `net()` re-expresses it as an
`nn.MLP` with the same numbers and `scalar_view()` runs that net's scalar twin on the same
examples: one Value per weight, named w1, w2, … as `nn` names them, whose gradients are
PyTorch's `.grad` entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .. import nn
from ..value import Value
from .errors import NotAnMLP
from .modules import build_net
from .structure import LinearLayer, LossRecord, MLPShape, mlp_shape


@dataclass(frozen=True, eq=False)
class TorchGraph:
    """A PyTorch graph rebuilt with the same numbers.

    `loss` is its root (labelled J); `parameters` are its leaves that require a gradient,
    by name (W1, b1, … for Linear layers, in graph order); `torch_names` gives PyTorch's
    name of each ("W1" → "fc1.weight") when a module was passed to `from_torch`.
    """

    loss: Value
    parameters: dict[str, Value]
    torch_names: dict[str, str]
    layers: tuple[LinearLayer, ...] = field(repr=False)
    loss_record: LossRecord | None = field(repr=False)

    @cached_property
    def _shape(self) -> MLPShape | NotAnMLP:
        """The graph as an MLP under a loss, or the reason it is not one (found once)."""
        try:
            return mlp_shape(self.loss_record, list(self.layers))
        except NotAnMLP as error:
            return error

    @property
    def is_mlp(self) -> bool:
        """True when the graph is an MLP under a loss (so `net` and `scalar_view` work)."""
        return isinstance(self._shape, MLPShape)

    def _mlp(self) -> MLPShape:
        """The graph as an MLP under a loss, or NotAnMLP saying what fits and what does not."""
        if isinstance(self._shape, NotAnMLP):
            raise NotAnMLP(
                f"this graph is not an MLP under a loss: {self._shape}. The net and the scalar "
                "view need Linear layers (with bias) in a chain, each followed by at most one "
                "of sigmoid, tanh, relu, softmax, from a constant input batch (examples × "
                "inputs) to MSELoss, BCELoss, BCEWithLogitsLoss or CrossEntropyLoss with "
                "reduction='mean'. The rebuilt graph itself (`.loss`) can still be drawn.")
        return self._shape

    def net(self, scalar: bool = False) -> nn.Sequential:
        """The MLP as an `nn.MLP` (an `nn.Sequential` if its hidden activations differ),
        holding the same numbers: its W1 is PyTorch's `fc1.weight` transposed."""
        layers = self._mlp().arrays()
        hidden = {activation for _, _, activation in layers[:-1]}
        return build_net(layers, nn.MLP if len(hidden) <= 1 else nn.Sequential, scalar)

    def scalar_view(self, examples: Any = None) -> ScalarView:
        """The same loss on one Value per weight (w1, w2, … b1, …, as nn names them).

        `examples` picks rows of the batch (an index, a slice, a list); by default all of
        them, so J is PyTorch's loss and each weight's gradient its `.grad` entry. One
        example gives the course's picture of one forward and backward pass.
        """
        shape = self._mlp()
        rows = np.arange(len(shape.inputs))
        rows = rows if examples is None else np.atleast_1d(rows[examples])
        if rows.size == 0:
            raise ValueError("scalar_view: no examples selected")
        twin = self.net(scalar=True)
        loss = nn.cost(twin, shape.inputs[rows], shape.targets[rows], shape.loss)
        return ScalarView(loss, dict(twin.named_parameters()), twin,
                          _origins(twin, shape, self.parameters, self.torch_names),
                          [int(row) for row in rows])


@dataclass(frozen=True, eq=False)
class ScalarView:
    """An MLP graph at the scalar level: `loss` over the chosen `examples`, `parameters` w1 …
    b1 …, the scalar `net`, and where each weight sits in PyTorch (`origins["w3"]` =
    ("fc1.weight", (1, 0)): unit 2's weight on input 1)."""

    loss: Value
    parameters: dict[str, Value]
    net: nn.Sequential = field(repr=False)
    origins: dict[str, tuple[str, tuple[int, ...]]]
    examples: list[int]

    def origin(self, name: str) -> str:
        """Where a scalar weight sits in PyTorch, as text: 'fc1.weight[1, 0]'."""
        tensor, index = self.origins[name]
        return f"{tensor}[{', '.join(map(str, index))}]"


def _origins(twin: nn.Sequential, shape: MLPShape, parameters: dict[str, Value],
             torch_names: dict[str, str]) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Scalar name → (PyTorch's tensor name, index in PyTorch's layout: units × inputs)."""
    name_of = {parameter: name for name, parameter in parameters.items()}
    labels = {}
    for k, (layer, bias) in enumerate(zip(shape.layers, shape.biases(), strict=True), start=1):
        labels[f"W{k}"], labels[f"b{k}"] = name_of[layer.weight], name_of[bias]
    origins = {}
    for name, _ in twin.named_parameters():
        tensor, index = twin.locate(name)
        if tensor.startswith("W"):
            index = index[::-1]  # nn holds W as inputs × units, PyTorch as units × inputs
        label = labels[tensor]
        origins[name] = (torch_names.get(label, label), tuple(int(i) for i in index))
    return origins
