"""Hypothesis strategies for property-testing gradients.

    from hypothesis import given
    from tinygrad_sym.testing import gradcheck, strategies as tst

    @given(tst.broadcastable_pairs())
    def test_mul(pair):
        assert gradcheck(lambda a, b: a * b, pair)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

try:
    from hypothesis import assume
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ModuleNotFoundError as missing:
    raise ImportError("tinygrad_sym.testing.strategies needs hypothesis, which comes with the "
                      "test extra: pip install tinygrad_sym[test]", name="hypothesis") from missing

from .. import ops
from ..value import Value, record


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4):
    """Array shapes, from scalars (0-d) up to `max_dims` axes."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def _elements(low: float, high: float, min_magnitude: float, dtype: Any):
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
):
    """numpy arrays of `shape` (a tuple or a strategy; random 0-3-d shapes by default)."""
    if unique:  # distinct values, far enough apart that a finite-difference step keeps their order
        step = 0.1
        elements = st.integers(int(low / step), int(high / step)).map(lambda k: k * step)
    else:
        elements = _elements(low, high, min_magnitude, dtype)
    return hnp.arrays(dtype, shapes() if shape is None else shape, elements=elements, unique=unique)


def values(shape: Any = None, scalar: bool | None = None, requires_grad: bool = True, **kwargs):
    """Values: Python-float scalars (`scalar=True`), arrays, or either (the default)."""
    floats = _elements(kwargs.get("low", -3.0), kwargs.get("high", 3.0),
                       kwargs.get("min_magnitude", 0.0), np.float64)
    tensors = arrays(shape, **kwargs)
    data = floats if scalar else tensors if scalar is False or shape is not None else (
        floats | tensors)
    return data.map(lambda d: Value(d, requires_grad=requires_grad))


def broadcastable_pairs(min_dims: int = 0, max_dims: int = 3, **kwargs):
    """Two arrays whose shapes broadcast together, numpy's way: (3, 1) and (4,), say."""
    both = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=min_dims, max_dims=max_dims,
                                             max_side=4)
    return both.flatmap(lambda s: st.tuples(*(arrays(shape, **kwargs) for shape in s.input_shapes)))


def operands(count: int, min_dims: int = 0, max_dims: int = 3, **kwargs):
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


@dataclass(frozen=True)
class Constant:
    """A constant operand of a step (a loss's targets, a matrix to multiply by)."""

    data: Any

    def __repr__(self) -> str:
        return f"const{np.shape(self.data)}" if np.ndim(self.data) else repr(self.data)


Step = tuple[str, tuple[Any, ...], dict[str, Any]]
"""One step of a RandomExpression: the op's name, its operands (a node's number, or a
`Constant`), and the op's attributes (axis, shape, index …)."""


@dataclass
class RandomExpression:
    """A random small graph: `inputs` (data), then `steps`, each an op on earlier nodes.

    Nodes are numbered inputs first, then one per step; a step may reuse any earlier
    node, so a leaf can reach the output along several paths. Call it with Values to
    build the graph; the last step's node is the output.
    """

    inputs: list[Any]
    steps: list[Step]

    def leaves(self) -> list[Value]:
        """Fresh leaf Values x1, x2, … holding the inputs."""
        return [Value(data, label=f"x{i + 1}") for i, data in enumerate(self.inputs)]

    def cast(self, dtype: Any) -> RandomExpression:
        """The same graph with its inputs and constants in `dtype` (float32, say)."""
        def convert(data: Any) -> Any:
            return np.asarray(data, dtype)

        steps = [(name, tuple(Constant(convert(o.data)) if isinstance(o, Constant) else o
                              for o in operands), attrs) for name, operands, attrs in self.steps]
        return RandomExpression([convert(x) for x in self.inputs], steps)

    def __call__(self, *leaves: Value) -> Value:
        nodes: list[Any] = list(leaves)
        for name, operands, attrs in self.steps:
            args = [operand.data if isinstance(operand, Constant) else nodes[operand]
                    for operand in operands]
            nodes.append(record(ops.TABLE[name], *args, **attrs))
        return nodes[-1]

    def __repr__(self) -> str:
        names = [f"x{i + 1}" for i in range(len(self.inputs))]
        for name, operands, attrs in self.steps:
            args = [repr(o) if isinstance(o, Constant) else names[o] for o in operands]
            args += [f"{key}={value!r}" for key, value in attrs.items()]
            names.append(f"{name}({', '.join(args)})")
        return f"RandomExpression({names[-1]}, inputs={self.inputs})"


@st.composite
def expressions(draw: Any, max_inputs: int = 3, max_steps: int = 8, shape: Sequence[int] = ()):
    """Random graphs of smooth elementwise ops (see `RandomExpression`), scalar by default;
    `graphs()` draws from the whole op table."""
    count = draw(st.integers(1, max_inputs))
    element = _elements(-2.0, 2.0, 0.0, np.float64)
    data = hnp.arrays(np.float64, tuple(shape), elements=element) if shape else element
    inputs = [draw(data) for _ in range(count)]
    steps: list[Step] = []
    for step in range(draw(st.integers(1, max_steps))):
        available = count + step
        name = draw(st.sampled_from(_UNARY + _BINARY))
        arity = 1 if name in _UNARY else 2
        # Lean towards recent nodes so the graph grows deep, not just wide.
        operands = tuple(draw(st.integers(max(0, available - 3), available - 1)) if k == 0
                         else draw(st.integers(0, available - 1)) for k in range(arity))
        steps.append((name, operands, {}))
    return RandomExpression(inputs, steps)


# ------------------------------------------------------- random graphs over the whole table

MARGIN = 0.05
"""In smooth graphs, how far every operand stays from a kink (abs, relu at 0), a tie (max),
or the edge of a domain (log, sqrt, division, a power's base, a probability): far enough
that central finite differences see one smooth piece."""

KINK_VALUES = (-1.0, -0.5, 0.0, 0.0, 0.5, 1.0)
"""Inputs of graphs with kinks: zeros (abs, relu, sqrt, a power's base at 0) and repeats (ties
of max) on purpose."""

KINK_EXPONENTS = (0.0, 0.5, 1.0, 2.0, math.e)

INTO_DOMAIN = {"log": "exp", "sqrt": "exp", "pow": "exp", "binary_cross_entropy": "sigmoid"}
"""A step that gives an op a node in its domain, when no input is (all elements positive,
or all inside (0, 1))."""

ELEMENTWISE = ("neg", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu")
FUZZED = (*ELEMENTWISE, "add", "sub", "mul", "div", "pow", "where", "sum", "mean", "max",
          "reshape",
          "transpose", "broadcast_to", "getitem", "scatter", "matmul", "affine", "softmax",
          "log_softmax", "stack", "concatenate", "weighted_sum", "binary_cross_entropy",
          "bce_with_logits")
"""The ops `graphs()` knows how to give operands to: every op of the table."""


class _Builder:
    """Draws one step at a time over the nodes built so far, keeping each node's data, so an
    op only gets operands it is defined (and, for smooth graphs, differentiable) on."""

    def __init__(self, draw: Any, nodes: list[Value], smooth: bool) -> None:
        self.draw, self.nodes, self.smooth = draw, nodes, smooth

    # ---------------------------------------------------------------- choosing operands
    def pick(self, accept: Any = lambda data: True) -> int | None:
        """A node whose data `accept`s, leaning towards recent nodes (graphs grow deep)."""
        found = [i for i, node in enumerate(self.nodes) if accept(np.asarray(node.data))]
        if not found:
            return None
        recent = found[-3:]
        return self.draw(st.sampled_from(recent) | st.sampled_from(found))

    def shape(self, index: int) -> tuple[int, ...]:
        return self.nodes[index].shape

    def constant(self, shape: tuple[int, ...], low: float = -2.0, high: float = 2.0) -> Constant:
        if not self.smooth and low < 0 < high:
            elements = st.sampled_from(KINK_VALUES)
        else:
            elements = _elements(low, high, 0.0, np.float64)
        if not shape:
            return Constant(float(self.draw(elements)))
        return Constant(self.draw(hnp.arrays(np.float64, shape, elements=elements)))

    def partner(self, shape: tuple[int, ...], accept: Any = lambda data: True,
                low: float = -2.0, high: float = 2.0) -> Any:
        """A second operand broadcasting with `shape`: a node, or a constant of a shape numpy
        broadcasts against it ((3, 1) with (4,), a trailing part, a scalar …)."""
        fits = [i for i, node in enumerate(self.nodes) if accept(np.asarray(node.data))
                and _broadcasts(node.shape, shape)]
        if fits and self.draw(st.booleans()):
            return self.draw(st.sampled_from(fits))
        trailing = shape[len(shape) - self.draw(st.integers(0, len(shape))):]
        ones = tuple(1 if self.draw(st.booleans()) else n for n in trailing)
        return self.constant(ones, low, high)

    def away_from(self, point: float) -> Any:
        """A test: data at least MARGIN away from `point` (always true in kink graphs)."""
        if not self.smooth:
            return lambda data: True
        return lambda data: bool(np.all(np.abs(data - point) >= MARGIN))

    def above(self, low: float, strict_in_smooth: bool = True) -> Any:
        """A test: data ≥ low (+ MARGIN in smooth graphs)."""
        bound = low + MARGIN if self.smooth and strict_in_smooth else low
        return lambda data: bool(np.all(data >= bound))

    # ---------------------------------------------------------------------- the steps
    def step(self, name: str) -> Step | None:
        """A step applying op `name`, or None when no node fits it."""
        if name in ELEMENTWISE:
            return self._elementwise(name)
        return getattr(self, f"_{name}")()

    def _elementwise(self, name: str) -> Step | None:
        accept = {"log": self.above(0.0), "sqrt": self.above(0.0), "abs": self.away_from(0.0),
                  "relu": self.away_from(0.0), "exp": lambda d: bool(np.all(d < 5))}
        a = self.pick(accept.get(name, lambda d: True))
        return None if a is None else (name, (a,), {})

    def _binary(self, name: str) -> Step | None:
        a = self.pick()
        b = self.partner(self.shape(a))
        return name, (a, b), {}

    def _add(self) -> Step | None:
        return self._binary("add")

    def _sub(self) -> Step | None:
        return self._binary("sub")

    def _mul(self) -> Step | None:
        return self._binary("mul")

    def _div(self) -> Step | None:
        a = self.pick()
        nonzero = (lambda d: bool(np.all(np.abs(d) >= 0.3))) if self.smooth else (
            lambda d: bool(np.all(d != 0)))
        b = self.partner(self.shape(a), nonzero, 0.5, 2.0)
        return "div", (a, b), {}

    def _pow(self) -> Step | None:
        base = self.pick(self.above(0.0))
        if base is None:
            return None
        if self.smooth:
            exponent = self.partner(self.shape(base), lambda d: bool(np.all(np.abs(d) <= 3)),
                                    -2.0, 3.0)
        else:
            exponent = Constant(self.draw(st.sampled_from(KINK_EXPONENTS)))
        return "pow", (base, exponent), {}

    def _where(self) -> Step | None:
        a = self.pick()
        b = self.partner(self.shape(a))
        shape = np.broadcast_shapes(self.shape(a), np.shape(
            b.data if isinstance(b, Constant) else self.nodes[b].data))
        condition = self.draw(hnp.arrays(bool, shape[len(shape) - self.draw(
            st.integers(0, len(shape))):]))
        return "where", (a, b), {"condition": condition if condition.ndim else bool(condition)}

    def _reduction(self, name: str) -> Step | None:
        a = self.pick()
        ndim = self.nodes[a].ndim
        axis = None if not ndim else self.draw(
            st.none() | st.integers(-ndim, ndim - 1)
            | st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple))
        keepdims = self.draw(st.booleans())
        if name == "max" and self.smooth and not _clear_maximum(self.nodes[a].data, axis):
            return None
        return name, (a,), {"axis": axis, "keepdims": keepdims}

    def _sum(self) -> Step | None:
        return self._reduction("sum")

    def _mean(self) -> Step | None:
        return self._reduction("mean")

    def _max(self) -> Step | None:
        return self._reduction("max")

    def _reshape(self) -> Step | None:
        a = self.pick()
        shape, size = self.shape(a), self.nodes[a].size
        target = self.draw(st.sampled_from([(size,), (1, size), shape[::-1], (*shape, 1)[-3:]]))
        return None if math.prod(target) != size else ("reshape", (a,), {"shape": target})

    def _transpose(self) -> Step | None:
        a = self.pick(lambda d: d.ndim >= 2)
        if a is None:
            return None
        axes = tuple(self.draw(st.permutations(range(self.nodes[a].ndim))))
        return "transpose", (a,), {"axes": axes}

    def _broadcast_to(self) -> Step | None:
        a = self.pick(lambda d: d.ndim <= 2)
        if a is None:
            return None
        stretched = tuple(self.draw(st.integers(1, 3)) if n == 1 else n for n in self.shape(a))
        lead = tuple(self.draw(st.lists(st.integers(1, 3), max_size=3 - len(stretched))))
        return "broadcast_to", (a,), {"shape": lead + stretched}

    def _index(self, shape: tuple[int, ...]) -> Any:
        """A basic index (ints and slices) or a fancy one (an integer array, repeats allowed)."""
        if self.draw(st.booleans()):
            return tuple(
                self.draw(st.integers(0, n - 1)) if self.draw(st.booleans())
                else slice(self.draw(st.integers(0, n - 1)), None, self.draw(st.integers(1, 2)))
                for n in shape[: self.draw(st.integers(1, len(shape)))])
        rows = self.draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=4))
        return np.array(rows)

    def _getitem(self) -> Step | None:
        a = self.pick(lambda d: d.ndim >= 1)
        if a is None:
            return None
        return "getitem", (a,), {"index": self._index(self.shape(a))}

    def _scatter(self) -> Step | None:
        g = self.pick(lambda d: d.ndim <= 2)
        if g is None:
            return None
        grad_shape = self.shape(g)
        rows = self.draw(st.integers(1, 3))
        if not grad_shape:
            index: Any = self.draw(st.integers(0, rows - 1))
            return "scatter", (g,), {"shape": (rows,), "index": index}
        index = np.array(self.draw(st.lists(st.integers(0, rows - 1), min_size=grad_shape[0],
                                            max_size=grad_shape[0])))
        return "scatter", (g,), {"shape": (rows, *grad_shape[1:]), "index": index}

    def _matrix_partner(self, inner: int, vector: bool) -> Any:
        """A right operand with `inner` rows: a node or a constant, a matrix or a vector."""
        wanted = [(inner,)] if vector else [(inner, n) for n in (1, 2, 3)]
        fits = [i for i, node in enumerate(self.nodes) if node.shape in wanted]
        if fits and self.draw(st.booleans()):
            return self.draw(st.sampled_from(fits))
        return self.constant(self.draw(st.sampled_from(wanted)))

    def _matmul(self) -> Step | None:
        a = self.pick(lambda d: 1 <= d.ndim <= 3)
        if a is None:
            return None
        b = self._matrix_partner(self.shape(a)[-1], vector=self.draw(st.booleans()))
        return "matmul", (a, b), {}

    def _affine(self) -> Step | None:
        x = self.pick(lambda d: 1 <= d.ndim <= 2)
        if x is None:
            return None
        weight = self._matrix_partner(self.shape(x)[-1], vector=False)
        outer = (self.nodes[weight].shape if isinstance(weight, int) else weight.data.shape)[1]
        bias = self.partner((*self.shape(x)[:-1], outer))
        return "affine", (x, weight, bias), {}

    def _softmax_like(self, name: str) -> Step | None:
        a = self.pick(lambda d: d.ndim >= 1)
        if a is None:
            return None
        ndim = self.nodes[a].ndim
        return name, (a,), {"axis": self.draw(st.integers(-ndim, ndim - 1))}

    def _softmax(self) -> Step | None:
        return self._softmax_like("softmax")

    def _log_softmax(self) -> Step | None:
        return self._softmax_like("log_softmax")

    def _alike(self, index: int, count: int) -> tuple[int, ...]:
        """`count` operands of the same shape as node `index` (repeats allowed)."""
        same = [i for i, node in enumerate(self.nodes) if node.shape == self.shape(index)]
        return (index, *(self.draw(st.sampled_from(same)) for _ in range(count - 1)))

    def _stack(self) -> Step | None:
        a = self.pick(lambda d: d.ndim <= 2)
        if a is None:
            return None
        operands = self._alike(a, self.draw(st.integers(1, 3)))
        ndim = self.nodes[a].ndim
        return "stack", operands, {"axis": self.draw(st.integers(-ndim - 1, ndim))}

    def _concatenate(self) -> Step | None:
        a = self.pick(lambda d: d.ndim >= 1)
        if a is None:
            return None
        operands = self._alike(a, self.draw(st.integers(1, 3)))
        ndim = self.nodes[a].ndim
        return "concatenate", operands, {"axis": self.draw(st.integers(-ndim, ndim - 1))}

    def _weighted_sum(self) -> Step | None:
        operands: list[Any] = [self.pick()]
        shape = self.shape(operands[0])
        for _ in range(2 * self.draw(st.integers(1, 2))):
            operands.append(self.partner(shape))
            other = operands[-1]
            shape = np.broadcast_shapes(shape, np.shape(
                other.data if isinstance(other, Constant) else self.nodes[other].data))
        return "weighted_sum", tuple(operands), {}

    def _binary_cross_entropy(self) -> Step | None:
        # Not at 0 or 1 even with kinks: BCE clips p to [ε, 1 − ε] there, by design.
        edge = MARGIN if self.smooth else 0.01
        inside = lambda d: bool(np.all((d >= edge) & (d <= 1 - edge)))
        p = self.pick(inside)
        if p is None:
            return None
        y = self.partner(self.shape(p), inside, 0.1, 0.9)
        return "binary_cross_entropy", (p, y), {}

    def _bce_with_logits(self) -> Step | None:
        z = self.pick()
        y = self.partner(self.shape(z), lambda d: bool(np.all((d >= 0) & (d <= 1))), 0.0, 1.0)
        return "bce_with_logits", (z, y), {}


def _broadcasts(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


def _clear_maximum(data: Any, axis: Any) -> bool:
    """True if every group reduced by max has one maximum, MARGIN above the runner-up."""
    data = np.asarray(data)
    top = np.max(data, axis=axis, keepdims=True)
    near = np.abs(data - top) < MARGIN
    axes = tuple(range(data.ndim)) if axis is None else axis
    return bool(np.all(np.sum(near, axis=axes) == 1))


def _acceptable(node: Value) -> bool:
    """A node a test can work with: at most 3 axes and 36 elements, and finite, moderate
    numbers (no overflow for finite differences to trip on)."""
    data = np.asarray(node.data)
    return data.ndim <= 3 and data.size <= 36 and bool(np.all(np.abs(data) < 1e4))


@st.composite
def graphs(draw: Any, max_inputs: int = 3, max_steps: int = 6, smooth: bool = True,
           names: Sequence[str] | None = None, start_with: str | None = None,
           max_dims: int = 2):
    """Random graphs over the whole op table (`FUZZED`, or the ops `names`): tensors of 0 to 3 axes,
    broadcasting, reductions with axis and keepdims, repeated indices, matmul, stacking …

    `smooth=True` keeps every operand away from kinks, ties and domain edges (by MARGIN), so
    finite differences check the gradients; `smooth=False` puts zeros and ties in on purpose
    (abs, relu and max at their kinks, powers of 0), for comparing conventions with PyTorch.
    `start_with` makes the first step that op (so a test can cover every op evenly);
    inputs have up to `max_dims` axes (0: Python floats, the scalar fast path).
    """
    names = list(names or FUZZED)
    count = draw(st.integers(1, max_inputs))
    element = _elements(-2.0, 2.0, 0.0, np.float64) if smooth else st.sampled_from(KINK_VALUES)
    inputs = [draw(hnp.arrays(np.float64, shapes(max_dims=max_dims, max_side=3), elements=element))
              for _ in range(count)]
    inputs = [float(x) if x.ndim == 0 else x for x in inputs]
    nodes = [Value(x) for x in inputs]
    steps: list[Step] = []
    builder = _Builder(draw, nodes, smooth)
    wanted = draw(st.integers(1, max_steps))
    started = start_with is None
    with np.errstate(all="ignore"):
        for attempt in range(3 * wanted):
            name = draw(st.sampled_from(names)) if started else start_with
            step = builder.step(name)
            if step is None and not steps and name in INTO_DOMAIN:
                step = builder.step(INTO_DOMAIN[name])  # first a node in the op's domain
            if step is not None:
                op, operands, attrs = step
                args = [o.data if isinstance(o, Constant) else nodes[o] for o in operands]
                node = record(ops.TABLE[op], *args, **attrs)
                if not smooth or _acceptable(node):
                    nodes.append(node)
                    steps.append(step)
                    started = started or op == start_with
            # The first op must fit the inputs drawn (at most after one step into its domain).
            assume(started or (attempt == 0 and len(steps) == 1))
            if len(steps) == wanted or attempt == 3 * wanted - 1:
                break
    assume(steps)
    return RandomExpression(inputs, steps)
