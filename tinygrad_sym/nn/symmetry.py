"""Symmetry diagnostics: units gradient descent cannot tell apart, and units that match.

Two hidden units with the same incoming weights, bias and outgoing weights compute the same
activation and receive the same gradient, so every update keeps them equal: the layer has
fewer distinct units than it seems. `symmetric_units` finds them. `match_units` pairs the
hidden units of two trained nets by what they compute, to show that two runs learned the
same features with the units in a different order.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..modes import no_grad
from .layers import Sequential


@dataclass(frozen=True)
class SymmetricGroup:
    """Units (numbered across the net, as in the course) of one layer that are identical."""

    layer: int
    units: tuple[int, ...]

    def __str__(self) -> str:
        return f"layer {self.layer}: units {', '.join(map(str, self.units))} are identical"


def _signature(model: Sequential, index: int) -> np.ndarray:
    """One row per unit of layer `index`: incoming weights, bias, outgoing weights."""
    layer, following = model.layers[index], model.layers[index + 1]
    return np.column_stack([layer.weight_matrix().T, layer.bias_vector(),
                            following.weight_matrix()])


def symmetric_units(model: Sequential, atol: float = 0.0) -> list[SymmetricGroup]:
    """Groups of hidden units whose incoming weights, bias and outgoing weights are equal
    (to within `atol`; the default 0 asks for exact, bitwise equality).

    The output layer is not examined: its units have different targets, so the loss itself
    tells them apart. Scalar nets keep tied units exactly equal. In tensor nets the BLAS
    matrix product behind the weight gradient can round one column differently from the
    others (seen with OpenBLAS for layers of 5, 7 or 9 units), so tied units may drift apart
    by a few ulps: pass a small `atol` to look past that.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"symmetric_units: model must be an nn net (MLP, Sequential), not "
                        f"{type(model).__name__}")
    groups = []
    for index in range(len(model.layers) - 1):
        signature = _signature(model, index)
        numbering = model.layers[index].numbering
        unassigned = list(range(len(signature)))
        while unassigned:
            first = unassigned.pop(0)
            twins = [j for j in unassigned
                     if np.allclose(signature[first], signature[j], rtol=0.0, atol=atol)]
            if twins:
                unassigned = [j for j in unassigned if j not in twins]
                units = tuple(numbering.unit(j) for j in [first, *twins])
                groups.append(SymmetricGroup(numbering.layer, units))
    return groups


@dataclass(frozen=True)
class UnitMatch:
    """Which unit of net B computes what each unit of net A computes.

    `pairs[i] = (unit of A, unit of B, correlation)`: the correlation of their activations
    over the inputs given; a negative one means B's unit computes the mirror feature
    (σ(−z) = 1 − σ(z)), which its outgoing weight of opposite sign turns into the same thing.
    """

    layer: int
    pairs: tuple[tuple[int, int, float], ...]

    @property
    def permutation(self) -> tuple[int, ...]:
        """B's unit for each of A's units, in A's order."""
        return tuple(b for _, b, _ in self.pairs)

    @property
    def is_identity(self) -> bool:
        return all(a == b for a, b, _ in self.pairs)

    @property
    def weakest(self) -> float:
        """The smallest |correlation| among the pairs: near 1 means the same features."""
        return min(abs(c) for _, _, c in self.pairs)


def match_units(model_a: Sequential, model_b: Sequential, X: Any, layer: int = 1) -> UnitMatch:
    """Pair the units of hidden layer `layer` of two nets of the same shape by their activations
    over the inputs X, choosing the one-to-one matching with the largest total |correlation|.
    """
    a = _layer_activations(model_a, X, layer)
    b = _layer_activations(model_b, X, layer)
    if a.shape != b.shape:
        raise ValueError(f"layer {layer} has shapes {a.shape} and {b.shape} in the two nets")
    units = a.shape[1]
    if units > 8:
        raise ValueError(f"match_units tries every pairing: {units} units is too many (≤ 8)")
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.nan_to_num(np.corrcoef(a.T, b.T)[:units, units:])
    best = max(itertools.permutations(range(units)),
               key=lambda order: sum(abs(correlation[i, j]) for i, j in enumerate(order)))
    numbering = model_a.layers[layer - 1].numbering
    pairs = tuple((numbering.unit(i), numbering.unit(j), float(correlation[i, j]))
                  for i, j in enumerate(best))
    return UnitMatch(layer, pairs)


def _layer_activations(model: Sequential, X: Any, layer: int) -> np.ndarray:
    """The activations (n, units) of hidden layer `layer` (counted from 1) over X."""
    tensor = model if not model.scalar else model.to_tensor()
    with no_grad():
        return np.asarray(tensor.activations(np.asarray(X, dtype=tensor.layers[0].dtype))
                          [layer - 1].data)
