"""Initialisation schemes: where gradient descent starts.

The default, `GlorotUniform`, is Keras' default for a `Dense` layer: weights drawn
uniformly from [−limit, limit] with limit = √(6 / (fan_in + fan_out)), biases zero.
Random numbers come from `tinygrad_sym.seeding.rng()`, so `ts.manual_seed(s)` fixes them;
a scalar net and a tensor net built after the same seed start from the same numbers.

`init=` accepts a scheme object, "glorot_uniform" (or "random"), "zeros", a number (every
weight and bias set to it), or a dict of explicit values by name, e.g.
`{"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.5}` (the parameters not
named keep the default random values). `Tied(("w1", "w3"), ...)` draws random values and
then makes each group equal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..numbering import Numbering
from ..seeding import rng


class ParameterTable:
    """A net's initial weight matrices and bias vectors, read and written by name.

    Scalar names (w3, b2) address one number; tensor names address a whole array: W1, and
    b1 when the value given is a vector (a number given for b1 sets unit 1's bias).
    """

    def __init__(self, layers: list[tuple[Numbering, np.ndarray, np.ndarray]]) -> None:
        self.layers = layers

    def names(self) -> list[str]:
        return [name for numbering, _, _ in self.layers for name in numbering.scalar_names()]

    def _slot(self, name: str) -> tuple[np.ndarray, tuple[int, ...]]:
        for numbering, weights, biases in self.layers:
            where = numbering.locate(name)
            if where is not None:
                array = weights if where[0] == numbering.weight_matrix else biases
                return array, where[1]
        raise ValueError(self._unknown(name))

    def _array(self, name: str, value: np.ndarray) -> np.ndarray:
        for numbering, weights, biases in self.layers:
            if numbering.owns_matrix(name):
                return weights
            if name == numbering.bias_vector and value.ndim == 1:
                return biases
        raise ValueError(self._unknown(name))

    def _unknown(self, name: str) -> str:
        tensors = [n for numbering, _, _ in self.layers for n in numbering.tensor_names()]
        scalars = self.names()
        return (
            f"no parameter named {name!r} in this net: its parameters are "
            f"{', '.join(scalars)} (one number each) or {', '.join(tensors)} (per layer)"
        )

    def __getitem__(self, name: str) -> float:
        array, index = self._slot(name)
        return float(array[index])

    def __setitem__(self, name: str, value: Any) -> None:
        try:
            value = np.asarray(value)
        except ValueError:  # ragged rows
            value = np.asarray(None)
        if value.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be set to numbers, not {type(value).__name__} "
                            f"{value!r:.40}")
        value = value.astype(np.float64)
        if value.ndim == 0:
            array, index = self._slot(name)
            array[index] = value
            return
        array = self._array(name, value)
        if value.shape != array.shape:
            raise ValueError(f"{name} has shape {array.shape}, the value given has {value.shape}")
        array[...] = value


class Init:
    """A scheme: how to draw a layer's weights and biases (float64; the layer casts them)."""

    def weights(self, nin: int, nout: int) -> np.ndarray:
        raise NotImplementedError

    def biases(self, nout: int) -> np.ndarray:
        return np.zeros(nout)

    def adjust(self, table: ParameterTable) -> None:
        """Change values by name after every layer was drawn (explicit and tied schemes)."""

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in vars(self).items())
        return f"{type(self).__name__}({fields})"


class GlorotUniform(Init):
    """Keras' Dense default: U(−limit, limit), limit = √(6 / (fan_in + fan_out)); zero biases."""

    def weights(self, nin: int, nout: int) -> np.ndarray:
        limit = math.sqrt(6.0 / (nin + nout))
        return rng().uniform(-limit, limit, size=(nin, nout))


class Zeros(Init):
    """Every weight and bias zero: fine for logistic regression, fatal for hidden layers."""

    def weights(self, nin: int, nout: int) -> np.ndarray:
        return np.zeros((nin, nout))


class Constant(Init):
    """Every weight and bias set to `value`."""

    def __init__(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise TypeError(f"Constant: the value must be a number, not {type(value).__name__} "
                            f"{value!r:.40}")
        if not math.isfinite(value):
            raise ValueError(f"Constant: the value must be finite, got {value}: every unit "
                             "would compute nan")
        self.value = float(value)

    def weights(self, nin: int, nout: int) -> np.ndarray:
        return np.full((nin, nout), self.value)

    def biases(self, nout: int) -> np.ndarray:
        return np.full(nout, self.value)


class Adjusted(Init):
    """Draw every layer with `base` (Glorot by default), then `adjust` some values by name."""

    def __init__(self, base: Init | None = None) -> None:
        self.base = base or GlorotUniform()

    def weights(self, nin: int, nout: int) -> np.ndarray:
        return self.base.weights(nin, nout)

    def biases(self, nout: int) -> np.ndarray:
        return self.base.biases(nout)

    def adjust(self, table: ParameterTable) -> None:
        self.base.adjust(table)


class Explicit(Adjusted):
    """Values given by name (w1=0.2, or W1=matrix); the other parameters from `base`."""

    def __init__(self, values: Mapping[str, Any], base: Init | None = None) -> None:
        super().__init__(base)
        self.values = dict(values)

    def adjust(self, table: ParameterTable) -> None:
        super().adjust(table)
        for name, value in self.values.items():
            table[name] = value
            if not np.all(np.isfinite(np.asarray(value, dtype=np.float64))):
                raise ValueError(f"init: {name} must be finite, got {value!r:.40}")


class Tied(Adjusted):
    """Draw with `base`, then give every parameter of a group the value of the group's first.

    `Tied(("w1", "w3"), ("w2", "w4"), ("w5", "w6"))` makes the two hidden units of a 2→2→1
    net start identical, with random values.
    """

    def __init__(self, *groups: Iterable[str], base: Init | None = None) -> None:
        super().__init__(base)
        self.groups = [tuple(group) for group in groups]

    def adjust(self, table: ParameterTable) -> None:
        super().adjust(table)
        for first, *others in self.groups:
            for name in others:
                table[name] = table[first]


SCHEMES: dict[str, type[Init]] = {"glorot_uniform": GlorotUniform, "random": GlorotUniform,
                                  "zeros": Zeros}


def resolve(init: Any) -> Init:
    """The scheme meant by an `init=` argument (see the module's docstring)."""
    if init is None:
        return GlorotUniform()
    if isinstance(init, Init):
        return init
    if isinstance(init, str):
        if init not in SCHEMES:
            raise ValueError(f"unknown init {init!r}: use one of {', '.join(SCHEMES)}, "
                             "a number, or a dict of values by parameter name")
        return SCHEMES[init]()
    if isinstance(init, Mapping):
        return Explicit(init)
    if isinstance(init, int | float) and not isinstance(init, bool):
        return Constant(init)
    raise TypeError(f"init must be a scheme, a name, a number or a dict, not {type(init).__name__}")


def initial_values(
    init: Any, layers: list[Numbering], dtype: Any = np.float64
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Draw every layer's (weights, biases), in layer order, then apply names and ties."""
    scheme = resolve(init)
    table = ParameterTable([
        (numbering, scheme.weights(numbering.nin, numbering.nout), scheme.biases(numbering.nout))
        for numbering in layers
    ])
    scheme.adjust(table)
    return [(weights.astype(dtype), biases.astype(dtype)) for _, weights, biases in table.layers]
