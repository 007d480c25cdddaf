"""`Module`: something with named parameters that can be called on inputs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..value import Value, zeros_like
from .files import write_model


class Module:
    """Base of layers and nets: parameters by name, gradients reset, state saved and loaded."""

    def forward(self, x: Any) -> Any:
        raise NotImplementedError

    def __call__(self, x: Any) -> Any:
        return self.forward(x)

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs, in the net's order (w1, w2, …, b1, … or W1, b1, …)."""
        raise NotImplementedError

    def parameters(self) -> list[Value]:
        return [parameter for _, parameter in self.named_parameters()]

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to zero (leaves accumulate across backward calls)."""
        for parameter in self.parameters():
            reset_grad(parameter)

    def state_dict(self) -> dict[str, Any]:
        """A copy of every parameter's value by name: floats, or arrays."""
        return {
            name: parameter.data if type(parameter.data) is float else parameter.data.copy()
            for name, parameter in self.named_parameters()
        }

    def architecture(self) -> dict[str, Any]:
        """What rebuilds the model with `nn.load`: sizes, activations, granularity, dtype."""
        raise NotImplementedError(f"{type(self).__name__} cannot describe itself for saving")

    def save(self, path: str | os.PathLike) -> Path:
        """Write the parameters and the architecture to an .npz file (the suffix is added
        when missing), atomically; return its path. `nn.load(path)` rebuilds the model."""
        return write_model(path, self.architecture(), self.state_dict())

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from `state` (names and shapes must match)."""
        parameters = dict(self.named_parameters())
        if set(state) != set(parameters):
            missing, unexpected = set(parameters) - set(state), set(state) - set(parameters)
            raise KeyError(f"load_state_dict: missing {sorted(missing)}, "
                           f"unexpected {sorted(unexpected)}")
        for name, value in state.items():
            assign(parameters[name], value, name)


def reset_grad(parameter: Value) -> None:
    """Set a parameter's gradient to zero (0.0, or a new array of zeros: never in place,
    since backward may have handed the old array to an intermediate node's .grad too)."""
    parameter.grad = zeros_like(parameter.data)


def assign(parameter: Value, value: Any, name: str) -> None:
    """Overwrite a parameter's data in place (arrays) or by assignment (Python floats)."""
    if type(parameter.data) is float:
        if np.ndim(value) != 0:
            raise ValueError(f"{name} is a number, the value given has shape {np.shape(value)}")
        parameter.data = float(value)
        return
    if np.shape(value) != parameter.data.shape:
        raise ValueError(f"{name} has shape {parameter.data.shape}, "
                         f"the value given has {np.shape(value)}")
    parameter.data[...] = value
