"""Dense layers and nets, at two granularities: one scalar `Value` per weight, or one matrix.

    net = MLP(2, [3, 1])               # W1 (2×3), b1, W2 (3×1), b2: fast, for training
    twin = net.to_scalar()             # w1 … w9, b1 … b4: the same numbers, one node each
    a4 = twin([200.0, 13.9])           # z1 = w1·x1 + w2·x2 + b1, a1 = σ(z1), …, a4

Scalar nets name every node as the course draws it (x1, w1, b1, z1, a1, …) and tag the
parameters and z/a nodes with `group = ("layer 1", "unit 2")`, so a graph can be drawn
and explained weight by weight.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from ..errors import ShapeError
from ..numbering import Numbering, numberings
from ..value import Value, affine, stack, weighted_sum
from .init import ParameterTable, initial_values
from .module import Module, overwrite

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "softmax")

Net = TypeVar("Net", bound="Sequential")
"""A Sequential or a subclass of it (an MLP): a net's twins are of its own class."""


def _check_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}: use one of {', '.join(ACTIVATIONS)}")


def _check_width(what: str, width: Any) -> int:
    """A count of inputs or units: a positive int, or a clear error."""
    if isinstance(width, bool) or not isinstance(width, int | np.integer) or width < 1:
        raise ValueError(f"{what} must be a positive integer, got {width!r:.40}")
    return int(width)


def _check_dtype(dtype: Any) -> np.dtype:
    """A float dtype for the parameters (float64 or float32), or a clear error."""
    try:
        kind = np.dtype(dtype).kind
    except TypeError:
        kind = None
    if kind != "f":
        raise TypeError(f"dtype must be a float type (np.float64 or np.float32), got {dtype!r}")
    return np.dtype(dtype)


def _number(x: Any, index: int) -> float:
    """Input number `index` of an example as a float, or a clear error."""
    if isinstance(x, str) or not isinstance(x, int | float | np.integer | np.floating):
        raise TypeError(f"input x{index + 1} must be a number, not {type(x).__name__} {x!r:.40}")
    return float(x)


def _activate(z: Value, activation: str) -> Value:
    """The activation of a tensor of pre-activations (softmax along the last axis)."""
    if activation == "linear":
        return z
    if activation == "softmax":
        return z.softmax(axis=-1)
    return getattr(z, activation)()


class Dense(Module):
    """A fully connected layer: `nout` units, each a = activation(w·x + b).

    `scalar=True` keeps every weight as its own scalar Value (w1, w2, …), else one matrix
    `W` of shape (nin, nout) and a vector `b` (W1, b1). Default init: Glorot uniform
    weights and zero biases, like Keras' Dense (see `nn.init`). `Dense(...)` builds a
    `ScalarDense` or a `TensorDense`: what differs between the granularities (how the
    numbers are held, named and applied) lives in those two classes, the rest here.
    """

    scalar: bool
    nin: int
    nout: int
    activation: str
    dtype: np.dtype
    numbering: Numbering

    def __new__(cls, *args: Any, **kwargs: Any) -> Dense:
        if cls is Dense:  # Dense(..., scalar=...) picks the granularity
            scalar = kwargs.get("scalar", args[4] if len(args) > 4 else False)
            cls = ScalarDense if scalar else TensorDense
        return super().__new__(cls)

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "sigmoid",
        init: Any = None,
        scalar: bool = False,
        dtype: Any = np.float64,
        numbering: Numbering | None = None,
    ) -> None:
        nin, nout = _check_width("Dense: nin", nin), _check_width("Dense: nout", nout)
        numbering = numbering or Numbering(nin, nout)
        if (numbering.nin, numbering.nout) != (nin, nout):
            raise ValueError(f"numbering {numbering} does not describe a {nin}→{nout} layer")
        [(weights, biases)] = initial_values(init, [numbering], _check_dtype(dtype))
        self._set_up(weights, biases, activation, numbering)

    @classmethod
    def from_arrays(
        cls,
        weights: np.ndarray,
        biases: np.ndarray,
        activation: str = "sigmoid",
        scalar: bool = False,
        numbering: Numbering | None = None,
    ) -> Dense:
        """A layer holding the given weight matrix (nin, nout) and bias vector (nout,)."""
        weights, biases = np.asarray(weights), np.asarray(biases)
        if weights.ndim != 2 or biases.shape != weights.shape[1:]:
            raise ShapeError(f"Dense needs weights (nin, nout) and biases (nout,), "
                             f"got {weights.shape} and {biases.shape}")
        layer = object.__new__(ScalarDense if scalar else TensorDense)
        layer._set_up(weights, biases, activation, numbering or Numbering(*weights.shape))
        return layer

    def _set_up(self, weights: np.ndarray, biases: np.ndarray, activation: str,
                numbering: Numbering) -> None:
        _check_activation(activation)
        self.nin, self.nout = weights.shape
        self.activation = activation
        self.dtype = weights.dtype
        self._hold(weights, biases)
        self.renumber(numbering)

    # ------------------------------------------------- what each granularity defines
    def _hold(self, weights: np.ndarray, biases: np.ndarray) -> None:
        """Make the parameters, holding these numbers."""
        raise NotImplementedError

    def renumber(self, numbering: Numbering) -> None:
        """Give the parameters the names and groups of position `numbering` in a net."""
        raise NotImplementedError

    def weight_matrix(self) -> np.ndarray:
        """A copy of the weights as a matrix (nin, nout): column j holds unit j's weights."""
        raise NotImplementedError

    def bias_vector(self) -> np.ndarray:
        """A copy of the biases as a vector (nout,)."""
        raise NotImplementedError

    def new_values(self, weights: np.ndarray, biases: np.ndarray) -> list[tuple[Value, Any]]:
        """Each parameter with its value in a weight matrix and a bias vector of this layer's
        shapes (for `module.overwrite`)."""
        raise NotImplementedError

    def load_arrays(self, weights: Any, biases: Any) -> None:
        """Overwrite the parameters with a weight matrix (nin, nout) and a bias vector (nout,),
        all or none, and move their versions on."""
        weights, biases = np.asarray(weights, np.float64), np.asarray(biases, np.float64)
        if weights.shape != (self.nin, self.nout) or biases.shape != (self.nout,):
            raise ShapeError(f"load_arrays: layer {self.numbering.layer} needs weights of shape "
                             f"{(self.nin, self.nout)} and biases of shape {(self.nout,)}, got "
                             f"{weights.shape} and {biases.shape}")
        overwrite(self.new_values(weights, biases))

    # ------------------------------------------------------------- shared by both
    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set the parameters from a state of either granularity (W1, b1 or w1, w2, …, b1, …)."""
        load_layers([self], state)

    def to_scalar(self) -> Dense:
        """This layer with one scalar Value per weight, holding the same numbers."""
        return self._twin(scalar=True)

    def to_tensor(self) -> Dense:
        """This layer with one weight matrix and one bias vector, holding the same numbers."""
        return self._twin(scalar=False)

    def _twin(self, scalar: bool) -> Dense:
        return Dense.from_arrays(self.weight_matrix().astype(self.dtype),
                                 self.bias_vector().astype(self.dtype),
                                 self.activation, scalar, self.numbering)

    def architecture(self) -> dict[str, Any]:
        """What rebuilds this layer: its sizes, activation, granularity, dtype, and its place
        in a net (which names its parameters: W2, or w7, w8, …)."""
        numbering = self.numbering
        return {"class": "Dense", "nin": self.nin, "scalar": self.scalar,
                "layers": [self.layer_architecture()],
                "numbering": [numbering.layer, numbering.first_unit, numbering.first_weight]}

    def layer_architecture(self) -> dict[str, Any]:
        """This layer's entry in a net's architecture: units, activation, dtype."""
        return {"units": self.nout, "activation": self.activation, "dtype": str(self.dtype)}

    def __repr__(self) -> str:
        kind = "scalar" if self.scalar else "tensor"
        layer = self.numbering.layer
        return f"Dense({self.nin} → {self.nout}, {self.activation}, {kind}, layer {layer})"


class TensorDense(Dense):
    """A Dense layer as one weight matrix `W` (nin, nout) and one bias vector `b`: a batch
    (n, nin) in, (n, nout) out, one node per step (fast)."""

    scalar = False

    def _hold(self, weights: np.ndarray, biases: np.ndarray) -> None:
        self.W = Value(weights)
        self.b = Value(biases)

    def renumber(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.W.label, self.b.label = numbering.weight_matrix, numbering.bias_vector
        self.W.group = self.b.group = numbering.group
        # The names of the nodes forward() makes (Z2, A2, ("layer 2",)), written once here.
        self.node_names = (f"Z{numbering.layer}", f"A{numbering.layer}", numbering.group)

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(self.numbering.weight_matrix, self.W), (self.numbering.bias_vector, self.b)]

    def weight_matrix(self) -> np.ndarray:
        return self.W.data.copy()

    def bias_vector(self) -> np.ndarray:
        return self.b.data.copy()

    def new_values(self, weights: np.ndarray, biases: np.ndarray) -> list[tuple[Value, Any]]:
        return [(self.W, weights.astype(self.dtype)), (self.b, biases.astype(self.dtype))]

    def forward(self, x: Any) -> Value:
        """A batch (n, nin) to (n, nout): Z = x @ W + b as one node, then the activation."""
        z = affine(x, self.W, self.b)
        z_label, a_label, group = self.node_names
        z.label, z.group = z_label, group
        a = _activate(z, self.activation)
        if a is not z:
            a.label, a.group = a_label, group
        return a


class ScalarDense(Dense):
    """A Dense layer as one scalar Value per weight (w1, w2, … unit by unit) and per bias:
    one example in, one node per unit and step, each named as the course draws it."""

    scalar = True

    def _hold(self, weights: np.ndarray, biases: np.ndarray) -> None:
        self.unit_weights = [[Value(float(weights[i, j])) for i in range(self.nin)]
                             for j in range(self.nout)]
        self.unit_biases = [Value(float(biases[j])) for j in range(self.nout)]

    def renumber(self, numbering: Numbering) -> None:
        self.numbering = numbering
        for j, (weights, bias) in enumerate(zip(self.unit_weights, self.unit_biases, strict=True)):
            for i, weight in enumerate(weights):
                weight.label, weight.group = numbering.weight(i, j), numbering.unit_group(j)
            bias.label, bias.group = numbering.bias(j), numbering.unit_group(j)

    def named_parameters(self) -> list[tuple[str, Value]]:
        numbering = self.numbering
        named = [(numbering.weight(i, j), weight) for j, unit in enumerate(self.unit_weights)
                 for i, weight in enumerate(unit)]
        return named + [(numbering.bias(j), bias) for j, bias in enumerate(self.unit_biases)]

    def weight_matrix(self) -> np.ndarray:
        return np.array([[w.data for w in unit] for unit in self.unit_weights]).T

    def bias_vector(self) -> np.ndarray:
        return np.array([b.data for b in self.unit_biases])

    def new_values(self, weights: np.ndarray, biases: np.ndarray) -> list[tuple[Value, Any]]:
        pairs = [(weight, float(weights[i, j])) for j, unit in enumerate(self.unit_weights)
                 for i, weight in enumerate(unit)]
        return pairs + [(bias, float(biases[j])) for j, bias in enumerate(self.unit_biases)]

    def forward(self, x: Any) -> list[Value]:
        """One example (a sequence of nin numbers or Values) to a list of nout Values:
        z = Σ wᵢxᵢ + b as one node per unit, then the activation."""
        # The previous layer's scalar Values are one example; numpy is not asked (np.ndim
        # would ask each Value for its len(), ~8 µs a layer).
        previous_layer = isinstance(x, list) and all(
            isinstance(v, Value) and not v.shape for v in x)
        if not previous_layer and np.ndim(x.data if isinstance(x, Value) else x) != 1:
            raise ShapeError(
                f"a scalar layer takes one example (a sequence of {self.nin} numbers), not an "
                f"array of shape {np.shape(x.data if isinstance(x, Value) else x)}; loop over "
                "the rows, or use nn.cost(model, X, y, loss) for a batch")
        # Raw numbers (numpy scalars included) become Python floats: the engine's fast path.
        inputs = [v if isinstance(v, Value)
                  else Value(_number(v, i), label=f"x{i + 1}", requires_grad=False)
                  for i, v in enumerate(x)]
        if len(inputs) != self.nin:
            raise ShapeError(f"layer {self.numbering.layer} has {self.nin} inputs per unit, "
                             f"got {len(inputs)} values")
        numbering = self.numbering
        zs = []
        for j, (weights, bias) in enumerate(zip(self.unit_weights, self.unit_biases, strict=True)):
            z = weighted_sum(weights, inputs, bias)
            z.label, z.group = f"z{numbering.unit(j)}", numbering.unit_group(j)
            zs.append(z)
        if self.activation == "linear":
            return zs
        if self.activation == "softmax":
            probabilities = stack(zs).softmax()
            activations = [probabilities[j] for j in range(self.nout)]
        else:
            activations = [getattr(z, self.activation)() for z in zs]
        for j, a in enumerate(activations):
            a.label, a.group = f"a{numbering.unit(j)}", numbering.unit_group(j)
        return activations


def load_layers(layers: Sequence[Dense], state: Mapping[str, Any]) -> None:
    """Load `state` into `layers`, converting between scalar and tensor names when needed."""
    if not isinstance(state, Mapping):
        raise TypeError(f"load_state_dict: state must be a dict of values by name (as "
                        f"state_dict() gives), not {type(state).__name__}")
    table = ParameterTable([(layer.numbering, layer.weight_matrix(), layer.bias_vector())
                            for layer in layers])
    scalar_names = {name for layer in layers for name in layer.numbering.scalar_names()}
    tensor_names = {name for layer in layers for name in layer.numbering.tensor_names()}
    if set(state) not in (scalar_names, tensor_names):
        expected = sorted(scalar_names if layers[0].scalar else tensor_names)
        raise ValueError(f"load_state_dict: the state names {sorted(state)} are neither this "
                       f"net's tensor names {sorted(tensor_names)} nor its scalar names "
                       f"(expected e.g. {expected})")
    for name, value in state.items():
        table[name] = value
    overwrite([pair for layer, (_, weights, biases) in zip(layers, table.layers, strict=True)
               for pair in layer.new_values(weights, biases)])


class Sequential(Module):
    """Dense layers applied one after the other, numbered as one net (w1, w2, … across layers).

    On a scalar net, a single output unit is returned as one Value (a3), several as a list.
    """

    def __init__(self, *layers: Dense) -> None:
        for layer in layers:
            if not isinstance(layer, Dense):
                raise TypeError(f"Sequential takes Dense layers, not {type(layer).__name__}")
        if not layers:
            raise ValueError("Sequential needs at least one layer")
        self.layers = list(layers)
        numbering = Numbering(layers[0].nin, layers[0].nout)
        for index, layer in enumerate(layers):
            if index:
                if layer.nin != numbering.nout:
                    raise ShapeError(f"layer {index + 1} takes {layer.nin} inputs but layer "
                                     f"{index} has {numbering.nout} units")
                numbering = numbering.following(layer.nout)
            layer.renumber(numbering)

    @property
    def scalar(self) -> bool:
        return self.layers[0].scalar

    def forward(self, x: Any) -> Any:
        output = self.activations(x)[-1]
        return output[0] if self.scalar and len(output) == 1 else output

    def activations(self, x: Any) -> list[Any]:
        """The output of every layer, first to last (tensors, or lists of scalar Values)."""
        outputs = []
        for layer in self.layers:
            x = layer(x)
            outputs.append(x)
        return outputs

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [pair for layer in self.layers for pair in layer.named_parameters()]

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set the parameters from a state of either granularity (W1, b1, … or w1, …, b1, …)."""
        load_layers(self.layers, state)

    def locate(self, name: str) -> tuple[str, tuple[int, ...]]:
        """Where scalar parameter `name` sits in the tensors: ("W1", (0, 1)) for w3."""
        for layer in self.layers:
            where = layer.numbering.locate(name)
            if where is not None:
                return where
        raise ValueError(f"no scalar parameter {name!r} in {self!r}")

    def to_scalar(self: Net) -> Net:
        """The scalar twin: one Value per weight, the same numbers (a copy, not shared)."""
        return self._twin([layer.to_scalar() for layer in self.layers])

    def to_tensor(self: Net) -> Net:
        """The tensor twin: one matrix per layer, the same numbers (a copy, not shared)."""
        return self._twin([layer.to_tensor() for layer in self.layers])

    def _twin(self: Net, layers: list[Dense]) -> Net:
        twin = copy.copy(self)
        twin.layers = layers
        return twin

    def architecture(self) -> dict[str, Any]:
        """What rebuilds this net: its input size, each layer's units, activation and dtype,
        and the granularity."""
        return {"class": type(self).__name__, "nin": self.layers[0].nin, "scalar": self.scalar,
                "layers": [layer.layer_architecture() for layer in self.layers]}

    def to_torch(self) -> Any:
        """This net as a `torch.nn.Sequential` (Linear and activation modules), the same
        weights copied; needs PyTorch (`pip install 'tinygrad_sym[torch]'`)."""
        from ..bridge.modules import to_torch  # PyTorch only when asked for

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any, scalar: bool = False) -> Sequential:
        """The net computing what a `torch.nn.Sequential` of Linear and activation modules
        computes, its weights copied (`scalar=True`: one Value per weight)."""
        from ..bridge.modules import from_torch  # PyTorch only when asked for

        return from_torch(module, cls, scalar)

    def __repr__(self) -> str:
        widths = [self.layers[0].nin] + [layer.nout for layer in self.layers]
        sizes = " → ".join(str(width) for width in widths)
        activations = ", ".join(layer.activation for layer in self.layers)
        kind = "scalar" if self.scalar else "tensor"
        return f"{type(self).__name__}({sizes}; {activations}; {kind})"


class MLP(Sequential):
    """A multilayer perceptron: `nin` inputs, then Dense layers of `sizes` units.

    `activation` for every layer, `output_activation` (default: the same) for the last.
    `init` as in `nn.init` (default Glorot uniform, like Keras); `scalar=True` for one Value
    per weight; `dtype` for tensor nets (float64 by default, float32 to go faster).
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str = "sigmoid",
        output_activation: str | None = None,
        init: Any = None,
        scalar: bool = False,
        dtype: Any = np.float64,
    ) -> None:
        nin = _check_width("MLP: nin (the number of inputs)", nin)
        if isinstance(sizes, str) or not hasattr(sizes, "__iter__"):
            raise TypeError(f"MLP: sizes must be a list of layer widths, e.g. [3, 1], "
                            f"not {type(sizes).__name__} {sizes!r:.40}")
        sizes = [_check_width(f"MLP: sizes[{i}] (the width of layer {i + 1})", size)
                 for i, size in enumerate(sizes)]
        if not sizes:
            raise ValueError("MLP needs at least one layer size")
        dtype = _check_dtype(dtype)
        activations = [activation] * (len(sizes) - 1) + [output_activation or activation]
        for name in activations:
            _check_activation(name)
        layout = numberings(nin, sizes)
        values = initial_values(init, layout, dtype)
        super().__init__(*[
            Dense.from_arrays(weights, biases, name, scalar, numbering)
            for (weights, biases), name, numbering in zip(values, activations, layout, strict=True)
        ])
