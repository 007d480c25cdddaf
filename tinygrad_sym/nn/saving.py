"""Save and load models: `model.save(path)` writes an .npz file, `nn.load(path)` rebuilds.

    net.save("coffee.npz")                       # W1, b1, W2, b2 and the architecture
    same = nn.load("coffee.npz")                 # the same net, bit for bit
    twin = nn.load("coffee.npz", scalar=True)    # as its scalar twin: w1 … w9, b1 … b4
    nn.load("coffee.npz", into=net)              # into a net you built (names, shapes fit)

The file format is in `nn.files`. A file that does not fit raises before anything is
changed: a name or a shape that is not the net's names the parameter.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import ModelFileError, ShapeError
from ..numbering import Numbering
from .files import read_model
from .layers import MLP, Dense, Sequential, load_layers
from .module import Module


def load(
    path: str | os.PathLike, scalar: bool | None = None, into: Module | None = None
) -> Module:
    """The model saved in `path` by `model.save`, rebuilt with its numbers, bit for bit.

    `scalar=True` / `False` rebuilds it at that granularity (a tensor net's scalar twin,
    say); `into=net` loads the numbers into a net you built instead (either granularity;
    its layers must have the saved sizes and activations) and returns it.
    """
    architecture, state = read_model(path)
    if into is None:
        model = _build(architecture, scalar, path)
    elif scalar is not None:
        raise ValueError("load: give scalar= or into=, not both (a net keeps its granularity)")
    else:
        model = into
    layers = _layers(model)
    _check_state(state, layers, model, path)
    if into is not None:
        _check_activations(architecture, layers, path)
    load_layers(layers, state)
    return model


def _layers(model: Module) -> list[Dense]:
    """The Dense layers of a net, or the layer itself."""
    if isinstance(model, Sequential):
        return model.layers
    if isinstance(model, Dense):
        return [model]
    raise TypeError(f"load: into= takes a Dense layer or a net of them, not {type(model).__name__}")


def _build(architecture: Mapping[str, Any], scalar: bool | None, path: Any) -> Module:
    """A model of the described architecture, its parameters zero (then loaded)."""
    try:
        scalar = bool(architecture["scalar"] if scalar is None else scalar)
        nin = int(architecture["nin"])
        layers = []
        for spec in architecture["layers"]:
            units, dtype = int(spec["units"]), np.dtype(spec["dtype"])
            if dtype.kind != "f":
                raise ValueError(f"dtype {dtype} is not a float type")
            layers.append(Dense.from_arrays(np.zeros((nin, units), dtype), np.zeros(units, dtype),
                                            spec["activation"], scalar))
            nin = units
        if architecture["class"] == "Dense":
            [layer] = layers
            layer.renumber(Numbering(layer.nin, layer.nout, *architecture["numbering"]))
            return layer
        kind = MLP if architecture["class"] == "MLP" else Sequential  # subclasses: Sequential
        model = kind.__new__(kind)
        Sequential.__init__(model, *layers)
        return model
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(f"{path}: the architecture it describes cannot be built "
                             f"({error!r}): the file was not written by model.save") from None


def _expected_shapes(layers: list[Dense]) -> list[dict[str, tuple[int, ...]]]:
    """The parameters' names and shapes, the layers' own granularity first, then the other."""
    scalar = {name: () for layer in layers for name in layer.numbering.scalar_names()}
    tensor = {}
    for layer in layers:
        numbering = layer.numbering
        tensor[numbering.weight_matrix] = (numbering.nin, numbering.nout)
        tensor[numbering.bias_vector] = (numbering.nout,)
    return [scalar, tensor] if layers[0].scalar else [tensor, scalar]


def _check_state(
    state: Mapping[str, np.ndarray], layers: list[Dense], model: Module, path: Any
) -> None:
    """Raise, naming the parameter, unless `state` holds exactly the parameters of
    `layers` (at either granularity), each with its shape, as float numbers."""
    candidates = _expected_shapes(layers)
    expected = next((c for c in candidates if set(c) == set(state)), None)
    if expected is None:
        expected = max(candidates, key=lambda c: len(set(c) & set(state)))
        unexpected = [name for name in state if name not in expected]
        missing = [name for name in expected if name not in state]
        problems = [f"{', '.join(unexpected)}: not a parameter of this net"] if unexpected else []
        problems += [f"{', '.join(missing)}: missing from the file"] if missing else []
        raise KeyError(f"{path} does not fit {model!r}: {'; '.join(problems)} (its parameters: "
                       f"{', '.join(expected)})")
    for name, shape in expected.items():
        value = state[name]
        if value.shape != shape:
            raise ShapeError(f"{path}: parameter {name} has shape {value.shape} in the file but "
                             f"{shape} in {model!r}")
        if value.dtype.kind != "f":
            raise ModelFileError(f"{path}: parameter {name} holds {value.dtype}, not numbers")


def _check_activations(architecture: Mapping[str, Any], layers: list[Dense], path: Any) -> None:
    """Raise, naming the layer, where the file's activations differ from the layers'."""
    saved = [spec.get("activation") for spec in architecture.get("layers", [])]
    for layer, activation in zip(layers, saved, strict=False):
        if activation != layer.activation:
            raise ValueError(
                f"{path}: layer {layer.numbering.layer} of the saved net uses {activation}, this "
                f"one {layer.activation}; load it as it was saved with nn.load(path)")
