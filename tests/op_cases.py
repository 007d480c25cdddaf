"""For every op of the table: a hypothesis strategy of (function, inputs) to gradcheck.

Inputs stay away from the points where an op is not differentiable (relu and abs at 0,
ties of max, log and sqrt at 0, division by 0), where finite differences mean nothing.
"""

from __future__ import annotations

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_sym as ts
from tinygrad_sym import ops
from tinygrad_sym.testing import strategies as tst
from tinygrad_sym.value import record

CASES: dict[str, st.SearchStrategy] = {}


def examples_per_op(share: int, least: int) -> int:
    """Examples per op for a per-op property test that the fuzz suite (tests/test_fuzz.py)
    checks again, op by op, on random graphs: 1/`share` of the hypothesis profile's
    examples (40 by default, 500 with HYPOTHESIS_PROFILE=thorough), at least `least`."""
    return max(least, settings.default.max_examples // share)


def case(name: str):
    """Register the strategy of `name`'s test inputs."""

    def register(build):
        CASES[name] = st.composite(build)()
        return build

    return register


def unary(name: str, **elements) -> None:
    CASES[name] = tst.arrays(**elements).map(lambda a: (lambda x: record(ops.TABLE[name], x), [a]))


for _name in ("add", "sub", "mul"):
    CASES[_name] = tst.broadcastable_pairs().map(
        lambda pair, op=ops.TABLE[_name]: (lambda a, b: record(op, a, b), list(pair)))
CASES["div"] = tst.broadcastable_pairs(min_magnitude=0.5).map(
    lambda pair: (lambda a, b: a / b, list(pair)))
CASES["pow"] = st.tuples(
    tst.broadcastable_pairs(low=0.5, high=2.0), st.booleans()
).map(lambda args: (lambda a, b: a**b, list(args[0])) if args[1]
      else (lambda a: a**3.0, [args[0][0]]))
unary("neg")
unary("exp")
unary("log", low=0.2, high=5.0)
unary("sqrt", low=0.2, high=5.0)
unary("abs", min_magnitude=0.1)
unary("tanh")
unary("sigmoid", low=-6.0, high=6.0)
unary("relu", min_magnitude=0.1)


@case("where")
def _where(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4))
    condition_shape, a_shape, b_shape = shapes.input_shapes
    a, b = draw(tst.arrays(shape=a_shape)), draw(tst.arrays(shape=b_shape))
    condition = draw(hnp.arrays(bool, condition_shape) | st.booleans())
    return (lambda x, y: record(ops.WHERE, x, y, condition=condition), [a, b])


def _axis_options(draw, ndim: int):
    """None, one axis (maybe negative) or a tuple of axes; and keepdims."""
    if ndim == 0:
        return None, draw(st.booleans())
    axes = st.none() | st.integers(-ndim, ndim - 1) | st.lists(
        st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)
    return draw(axes), draw(st.booleans())


for _name in ("sum", "mean", "max"):

    @case(_name)
    def _reduction(draw, name=_name):
        x = draw(tst.arrays(unique=name == "max"))
        axis, keepdims = _axis_options(draw, x.ndim)
        return (lambda a: record(ops.TABLE[name], a, axis=axis, keepdims=keepdims), [x])


@case("reshape")
def _reshape(draw):
    x = draw(tst.arrays())
    target = draw(st.sampled_from([(x.size,), (1, x.size), x.shape[::-1], (*x.shape, 1)]))
    return (lambda a: a.reshape(target), [x])


@case("transpose")
def _transpose(draw):
    x = draw(tst.arrays())
    axes = draw(st.permutations(range(x.ndim)))
    return (lambda a: a.transpose(*axes), [x])


@case("broadcast_to")
def _broadcast_to(draw):
    x = draw(tst.arrays(shape=tst.shapes(max_side=3)))
    stretched = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in x.shape)
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    return (lambda a: a.broadcast_to(lead + stretched), [x])


def _index(draw, shape):
    """A basic index (ints and slices) or a fancy one (an integer array, repeats allowed)."""
    if draw(st.booleans()):
        return tuple(draw(st.integers(0, n - 1)) if draw(st.booleans()) else
                     slice(draw(st.integers(0, n - 1)), None, draw(st.integers(1, 2)))
                     for n in shape[: draw(st.integers(1, len(shape)))])
    return np.array(draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=5)))


@case("getitem")
def _getitem(draw):
    x = draw(tst.arrays(shape=tst.shapes(min_dims=1)))
    index = _index(draw, x.shape)
    return (lambda a: a[index], [x])


@case("scatter")
def _scatter(draw):
    shape = draw(tst.shapes(min_dims=1))
    index = _index(draw, shape)
    grad = draw(tst.arrays(shape=np.zeros(shape)[index].shape))
    return (lambda g: record(ops.SCATTER, g, shape=shape, index=index), [grad])


@case("matmul")
def _matmul(draw):
    m, n, p, batch = (draw(st.integers(1, 4)) for _ in range(4))
    left, right = draw(st.sampled_from([
        ((n,), (n,)), ((m, n), (n,)), ((n,), (n, p)), ((m, n), (n, p)),
        ((batch, m, n), (n, p)), ((batch, m, n), (batch, n, p)), ((1, m, n), (batch, n, p)),
    ]))
    return (lambda a, b: a @ b, [draw(tst.arrays(shape=left)), draw(tst.arrays(shape=right))])


@case("affine")
def _affine(draw):
    rows, inner, outer = (draw(st.integers(1, 4)) for _ in range(3))
    x_shape = draw(st.sampled_from([(inner,), (rows, inner), (2, rows, inner)]))
    bias_shape = draw(st.sampled_from([(outer,), (1, outer), ()]))
    x, weight, bias = (draw(tst.arrays(shape=s)) for s in (x_shape, (inner, outer), bias_shape))
    return (lambda *xs: record(ops.AFFINE, *xs), [x, weight, bias])


for _name in ("softmax", "log_softmax"):

    @case(_name)
    def _softmax_case(draw, name=_name):
        x = draw(tst.arrays(shape=tst.shapes(min_dims=1)))
        axis = draw(st.integers(-x.ndim, x.ndim - 1))
        return (lambda a: record(ops.TABLE[name], a, axis=axis), [x])


@case("stack")
def _stack(draw):
    shape = draw(tst.shapes(max_dims=2))
    parts = draw(st.lists(tst.arrays(shape=shape), min_size=1, max_size=4))
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    return (lambda *xs: ts.stack(xs, axis=axis), parts)


@case("concatenate")
def _concatenate(draw):
    shape = list(draw(tst.shapes(min_dims=1, max_dims=3)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        shape[axis] = draw(st.integers(1, 3))
        parts.append(draw(tst.arrays(shape=tuple(shape))))
    return (lambda *xs: ts.concatenate(xs, axis=axis), parts)


@case("weighted_sum")
def _linear(draw):
    count = draw(st.integers(1, 3))
    shape = draw(tst.shapes(max_dims=2, max_side=3))
    operands = [draw(tst.arrays(shape=shape)) for _ in range(2 * count + 1)]
    return (lambda *xs: ts.weighted_sum(xs[0:-1:2], xs[1:-1:2], xs[-1]), operands)


@case("binary_cross_entropy")
def _bce(draw):
    p, y = draw(tst.broadcastable_pairs(low=0.05, high=0.95))
    return (lambda a, b: record(ops.BINARY_CROSS_ENTROPY, a, b), [p, y])


@case("bce_with_logits")
def _bce_logits(draw):
    z, y = draw(tst.broadcastable_pairs(low=0.0, high=1.0))
    return (lambda a, b: record(ops.BCE_WITH_LOGITS, 8 * a - 4, b), [z, y])
