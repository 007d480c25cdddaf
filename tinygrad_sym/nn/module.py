"""`Module`: something with named parameters that can be called on inputs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..value import Value, mark_changed, reset_grad
from .files import write_model
from .interrupts import deferred_interrupts


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
        """Set every parameter from `state` (names and shapes must match): all values are
        checked before any is written, and the parameters' versions move on."""
        parameters = dict(self.named_parameters())
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict: state must be a dict of values by name, "
                            f"not {type(state).__name__}")
        if set(state) != set(parameters):
            missing, unexpected = set(parameters) - set(state), set(state) - set(parameters)
            raise ValueError(f"load_state_dict: missing {sorted(missing)}, "
                           f"unexpected {sorted(unexpected)}")
        values = [(parameters[name], checked_value(parameters[name], value, name))
                  for name, value in state.items()]
        overwrite(values)


def checked_value(parameter: Value, value: Any, name: str) -> Any:
    """`value` as the new data of `parameter`: a float for a scalar, an array of its shape
    (cast to its dtype), or a clear error naming the parameter."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be set to numbers, not {type(value).__name__} "
                        f"{value!r:.40}") from None
    if type(parameter.data) is float:
        if array.ndim != 0:
            raise ValueError(f"{name} is a number, the value given has shape {array.shape}")
        return float(array)
    if array.shape != parameter.data.shape:
        raise ValueError(f"{name} has shape {parameter.data.shape}, "
                         f"the value given has {array.shape}")
    return array.astype(parameter.data.dtype)


def overwrite(values: list[tuple[Value, Any]]) -> None:
    """Write checked values into their parameters (arrays in place, floats by assignment),
    all of them with Ctrl-C held back, and move their versions on."""
    with deferred_interrupts():
        for parameter, value in values:
            if type(parameter.data) is float:
                parameter._data = value
            else:
                parameter._data[...] = value
        mark_changed(*(parameter for parameter, _ in values))
