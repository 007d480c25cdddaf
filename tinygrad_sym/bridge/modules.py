"""An `nn` net as a `torch.nn.Sequential` and back, with the same architecture and weights.

`nn` holds a layer's weights as W (inputs × units) and computes x @ W + b; PyTorch's
`nn.Linear` holds `weight` (units × inputs) and computes x @ weightᵀ + bias. The bridge
transposes, copies, and maps the activations onto PyTorch's modules one to one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..nn.layers import MLP, Dense, Sequential
from .errors import NotAnMLP
from .saved import to_numpy
from .torch_import import require_torch

Layer = tuple[np.ndarray, np.ndarray, str]
"""A layer as nn holds it: weights (inputs × units), biases (units,), activation name."""

TORCH_ACTIVATIONS = {"Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "relu", "Softmax": "softmax",
                     "Identity": "linear"}
"""PyTorch's activation modules, by nn's activation names."""


def build_net(layers: Sequence[Layer], kind: type[Sequential], scalar: bool) -> Sequential:
    """An nn net of `layers`: an MLP when `kind` is MLP and every hidden layer has the same
    activation, else a Sequential of Dense layers (a plain MLP cannot hold different ones)."""
    hidden = {activation for _, _, activation in layers[:-1]}
    if issubclass(kind, MLP) and len(hidden) <= 1:
        weights, _, output_activation = layers[-1]
        net = kind(layers[0][0].shape[0], [w.shape[1] for w, _, _ in layers],
                   activation=hidden.pop() if hidden else output_activation,
                   output_activation=output_activation, init="zeros", scalar=scalar,
                   dtype=weights.dtype)
        net.load_state_dict({name: array for k, (w, b, _) in enumerate(layers, start=1)
                             for name, array in ((f"W{k}", w), (f"b{k}", b))})
        return net
    if issubclass(kind, MLP):
        raise NotAnMLP(f"its hidden layers use different activations "
                       f"({', '.join(a for _, _, a in layers[:-1])}), which nn.MLP cannot "
                       "hold: use nn.Sequential.from_torch")
    return Sequential(*[Dense.from_arrays(w, b, activation, scalar) for w, b, activation in layers])


def to_torch(net: Sequential) -> Any:
    """`net` as a `torch.nn.Sequential` of Linear and activation modules, same weights
    (copied), in the net's dtype (a scalar net's numbers are float64)."""
    torch = require_torch()
    modules = []
    for layer in net.layers:
        weights = layer.weight_matrix()
        dtype = torch.float32 if weights.dtype == np.float32 else torch.float64
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(weights.T)))
            linear.bias.copy_(torch.from_numpy(layer.bias_vector()))
        modules.append(linear)
        if layer.activation == "softmax":
            modules.append(torch.nn.Softmax(dim=-1))
        elif layer.activation != "linear":
            modules.append({"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
                            "relu": torch.nn.ReLU}[layer.activation]())
    return torch.nn.Sequential(*modules)


def torch_layers(module: Any) -> list[Layer]:
    """The layers of a `torch.nn.Sequential` of Linear and activation modules, or an error
    naming the module that does not fit."""
    torch = require_torch()
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch takes a torch.nn.Sequential of Linear and activation "
                        f"modules, not {type(module).__name__}")
    layers: list[list[Any]] = []
    for position, child in enumerate(module):
        kind = type(child).__name__
        if isinstance(child, torch.nn.Linear):
            if child.bias is None:
                raise NotAnMLP(f"module {position} (Linear) has no bias; nn's Dense layers "
                               "always have one")
            layers.append([to_numpy(child.weight).T.copy(), to_numpy(child.bias), "linear"])
        elif kind in TORCH_ACTIVATIONS and type(child).__module__.startswith("torch.nn"):
            if not layers or layers[-1][2] != "linear":
                raise NotAnMLP(f"module {position} ({kind}) does not follow a Linear module")
            if kind == "Softmax" and child.dim not in (-1, 1):
                raise NotAnMLP(f"module {position} (Softmax) uses dim={child.dim}; nn's "
                               "softmax runs over the last axis (dim=-1)")
            layers[-1][2] = TORCH_ACTIVATIONS[kind]
        else:
            raise NotAnMLP(f"module {position} ({kind}) is not supported: use Linear, "
                           f"{', '.join(TORCH_ACTIVATIONS)}")
    if not layers:
        raise NotAnMLP("the Sequential holds no Linear module")
    return [(weights, biases, activation) for weights, biases, activation in layers]


def from_torch(module: Any, kind: type[Sequential], scalar: bool = False) -> Sequential:
    """The nn net (`kind`: MLP or Sequential) computing what the PyTorch `module` computes."""
    return build_net(torch_layers(module), kind, scalar)
