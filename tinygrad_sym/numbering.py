"""The course's names for a layer's parameters, at both granularities.

In a 2→2→1 net the scalar weights are numbered across the whole net, unit by unit, layer
by layer: unit 1 has w1 (on x1) and w2 (on x2), unit 2 has w3 and w4, the output unit w5
and w6; biases b1, b2, b3 follow the units. The same numbers as tensors are W1 (2×2), b1,
W2 (2×1), b2: w3 is W1[0, 1], the weight of unit 2 on x1. `Numbering` maps one to the other.

A convention two parts of the package speak, so it stands below both: `nn` names its
layers' parameters and nodes with it, and the explainer, which never imports `nn`, uses it
to say which scalar weight of the twin an entry of a weight matrix is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCALAR_NAME = re.compile(r"([wb])(\d+)$")
_TENSOR_NAME = re.compile(r"W(\d+)$")


@dataclass(frozen=True)
class Numbering:
    """Where a layer of `nin` inputs and `nout` units sits in its net's numbering."""

    nin: int
    nout: int
    layer: int = 1
    first_unit: int = 1
    first_weight: int = 1

    def following(self, nout: int) -> Numbering:
        """The numbering of the next layer, of `nout` units, fed by this one."""
        return Numbering(
            self.nout, nout, self.layer + 1, self.first_unit + self.nout,
            self.first_weight + self.nin * self.nout,
        )

    # ----------------------------------------------------------------- scalar names
    def weight(self, i: int, j: int) -> str:
        """The name of unit j's weight on input i (both counted from 0): w1, w2, …"""
        return f"w{self.first_weight + j * self.nin + i}"

    def bias(self, j: int) -> str:
        """The name of unit j's bias (j counted from 0): b1, b2, …"""
        return f"b{self.first_unit + j}"

    def unit(self, j: int) -> int:
        """Unit j's number in the whole net (j counted from 0)."""
        return self.first_unit + j

    def scalar_names(self) -> list[str]:
        """Every scalar parameter name of the layer: weights unit by unit, then biases."""
        weights = [self.weight(i, j) for j in range(self.nout) for i in range(self.nin)]
        return weights + [self.bias(j) for j in range(self.nout)]

    # ----------------------------------------------------------------- tensor names
    @property
    def weight_matrix(self) -> str:
        return f"W{self.layer}"

    @property
    def bias_vector(self) -> str:
        return f"b{self.layer}"

    def tensor_names(self) -> list[str]:
        return [self.weight_matrix, self.bias_vector]

    @property
    def group(self) -> tuple[str]:
        return (f"layer {self.layer}",)

    def unit_group(self, j: int) -> tuple[str, str]:
        return (f"layer {self.layer}", f"unit {self.unit(j)}")

    # ----------------------------------------------------------------------- lookup
    def locate(self, name: str) -> tuple[str, tuple[int, ...]] | None:
        """Where scalar parameter `name` lives in this layer's tensors: ("W1", (0, 1)) for w3.

        None if the name is not one of this layer's scalar parameters.
        """
        match = _SCALAR_NAME.match(name)
        if not match:
            return None
        kind, number = match.group(1), int(match.group(2))
        if kind == "w":
            offset = number - self.first_weight
            if 0 <= offset < self.nin * self.nout:
                unit, weight = divmod(offset, self.nin)
                return self.weight_matrix, (weight, unit)
        else:
            offset = number - self.first_unit
            if 0 <= offset < self.nout:
                return self.bias_vector, (offset,)
        return None

    def owns_matrix(self, name: str) -> bool:
        """True if `name` is this layer's weight matrix (W1 for layer 1)."""
        match = _TENSOR_NAME.match(name)
        return bool(match) and int(match.group(1)) == self.layer


def numberings(nin: int, sizes: list[int]) -> list[Numbering]:
    """The numbering of every layer of a net with `nin` inputs and layers of `sizes` units."""
    result = [Numbering(nin, sizes[0])]
    for nout in sizes[1:]:
        result.append(result[-1].following(nout))
    return result
