"""Hypothesis strategies for property-testing gradients.

    from hypothesis import given
    from tinygrad_sym.testing import gradcheck, strategies as tst

    @given(tst.broadcastable_pairs())
    def test_mul(pair):
        assert gradcheck(lambda a, b: a * b, pair)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .. import ops
from ..value import Value, record


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
           max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes, from scalars (0-d) up to `max_dims` axes."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def _elements(low: float, high: float, min_magnitude: float,
              dtype: Any) -> st.SearchStrategy[float]:
    """Floats in [low, high], at least `min_magnitude` away from zero (for 1/x, |x|, relu)."""
    width = np.finfo(dtype).bits
    values = st.floats(low, high, allow_nan=False, allow_infinity=False, width=width)
    return values.filter(lambda x: abs(x) >= min_magnitude) if min_magnitude else values


def arrays(
    shape: Any = None,
    dtype: Any = np.float64,
    low: float = -3.0,
    high: float = 3.0,
    min_magnitude: float = 0.0,
    unique: bool = False,
) -> st.SearchStrategy[np.ndarray]:
    """numpy arrays of `shape` (a tuple or a strategy; random 0-3-d shapes by default)."""
    if unique:  # distinct values, far enough apart that a finite-difference step keeps their order
        step = 0.1
        elements = st.integers(int(low / step), int(high / step)).map(lambda k: k * step)
    else:
        elements = _elements(low, high, min_magnitude, dtype)
    return hnp.arrays(dtype, shapes() if shape is None else shape, elements=elements, unique=unique)


def values(shape: Any = None, scalar: bool | None = None, requires_grad: bool = True,
           **kwargs: Any) -> st.SearchStrategy[Value]:
    """Values: Python-float scalars (`scalar=True`), arrays, or either (the default)."""
    floats = _elements(kwargs.get("low", -3.0), kwargs.get("high", 3.0),
                       kwargs.get("min_magnitude", 0.0), np.float64)
    tensors = arrays(shape, **kwargs)
    data = floats if scalar else tensors if scalar is False or shape is not None else (
        floats | tensors)
    return data.map(lambda d: Value(d, requires_grad=requires_grad))


def broadcastable_pairs(min_dims: int = 0, max_dims: int = 3,
                        **kwargs: Any) -> st.SearchStrategy[tuple[np.ndarray, ...]]:
    """Two arrays whose shapes broadcast together, numpy's way: (3, 1) and (4,), say."""
    both = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=min_dims, max_dims=max_dims,
                                             max_side=4)
    return both.flatmap(lambda s: st.tuples(*(arrays(shape, **kwargs) for shape in s.input_shapes)))


def operands(count: int, min_dims: int = 0, max_dims: int = 3,
             **kwargs: Any) -> st.SearchStrategy[list[Any]]:
    """`count` operands for an op, as a list: all Python floats (the scalar fast path), or
    arrays whose shapes broadcast together (0-d to `max_dims`-d). `low`, `high` and
    `min_magnitude` keep them in the op's domain."""
    floats = _elements(kwargs.get("low", -3.0), kwargs.get("high", 3.0),
                       kwargs.get("min_magnitude", 0.0), np.float64)
    scalars = st.lists(floats, min_size=count, max_size=count)
    shapes = hnp.mutually_broadcastable_shapes(num_shapes=count, min_dims=min_dims,
                                               max_dims=max_dims, max_side=4)
    tensors = shapes.flatmap(
        lambda s: st.tuples(*(arrays(shape, **kwargs) for shape in s.input_shapes)).map(list))
    return scalars | tensors


# Operations safe at any point (differentiable everywhere, no overflow on small inputs).
_UNARY = ("neg", "tanh", "sigmoid")
_BINARY = ("add", "sub", "mul")


@dataclass
class RandomExpression:
    """A random small graph: `inputs` (data), then `steps`, each an op on earlier nodes.

    Nodes are numbered inputs first, then one per step; a step may reuse any earlier
    node, so a leaf can reach the output along several paths. Call it with Values to
    build the graph; the last step's node is the output.
    """

    inputs: list[Any]
    steps: list[tuple[str, tuple[int, ...]]]

    def leaves(self) -> list[Value]:
        """Fresh leaf Values x1, x2, … holding the inputs."""
        return [Value(data, label=f"x{i + 1}") for i, data in enumerate(self.inputs)]

    def __call__(self, *leaves: Value) -> Value:
        nodes: list[Any] = list(leaves)
        for name, operands in self.steps:
            nodes.append(record(ops.TABLE[name], *(nodes[i] for i in operands)))
        return nodes[-1]

    def __repr__(self) -> str:
        names = [f"x{i + 1}" for i in range(len(self.inputs))]
        for name, operands in self.steps:
            args = [names[i] for i in operands]
            names.append(f"{name}({', '.join(args)})")
        return f"RandomExpression({names[-1]}, inputs={self.inputs})"


@st.composite
def expressions(draw: st.DrawFn, max_inputs: int = 3, max_steps: int = 8,
                shape: Sequence[int] = ()) -> RandomExpression:
    """Random graphs built from the op table (see `RandomExpression`), scalar by default."""
    count = draw(st.integers(1, max_inputs))
    element = _elements(-2.0, 2.0, 0.0, np.float64)
    data = hnp.arrays(np.float64, tuple(shape), elements=element) if shape else element
    inputs = [draw(data) for _ in range(count)]
    steps = []
    for step in range(draw(st.integers(1, max_steps))):
        available = count + step
        name = draw(st.sampled_from(_UNARY + _BINARY))
        arity = 1 if name in _UNARY else 2
        # Lean towards recent nodes so the graph grows deep, not just wide.
        operands = tuple(draw(st.integers(max(0, available - 3), available - 1)) if k == 0
                         else draw(st.integers(0, available - 1)) for k in range(arity))
        steps.append((name, operands))
    return RandomExpression(inputs, steps)
