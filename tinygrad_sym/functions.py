"""Functions that work alike on numbers, numpy arrays and Values: for writing an op's rules.

An op's backward rule runs on raw numbers for first-order gradients, and on Values when
`create_graph=True` (grad of grad, Hessians), where it records its own computation. Written
with these functions and the operators `+ - * / ** @`, one rule serves both, no branch
needed: each function applies an op of the table to raw data directly and records it in
the graph when an argument is a Value.

    from tinygrad_sym import functions as fn
    backward = lambda grad, out, x: grad * fn.sigmoid(x)     # softplus' rule: works on both

numpy functions (np.exp, …) work on raw data only: inside a rule, use these instead. The
names follow numpy's, `sum`, `max` and `abs` included (so use `fn.sum`, not `from … import *`).
`fn.data(x)` and `fn.sign(x)` give constants (no gradient flows through them), for masks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .ops import apply

Axis = int | tuple[int, ...] | None


def exp(x: Any) -> Any:
    """eˣ."""
    return apply(ops.EXP, x)


def log(x: Any) -> Any:
    """The natural logarithm."""
    return apply(ops.LOG, x)


def sqrt(x: Any) -> Any:
    """The square root."""
    return apply(ops.SQRT, x)


def abs(x: Any) -> Any:
    """|x|."""
    return apply(ops.ABS, x)


def tanh(x: Any) -> Any:
    """The hyperbolic tangent."""
    return apply(ops.TANH, x)


def sigmoid(x: Any) -> Any:
    """σ(x) = 1 / (1 + e⁻ˣ), without overflow."""
    return apply(ops.SIGMOID, x)


def relu(x: Any) -> Any:
    """max(x, 0)."""
    return apply(ops.RELU, x)


def where(condition: Any, a: Any, b: Any) -> Any:
    """`a` where `condition` holds, else `b` (numpy's where). The condition is a constant
    mask of bools: compare data, as in `fn.where(fn.data(x) > 0, x, 0.01 * x)`."""
    if isinstance(condition, ops.Node):
        raise TypeError("where: the condition must be bools, not a Value; compare its data, "
                        "e.g. fn.where(fn.data(x) > 0, a, b)")
    condition = condition if isinstance(condition, bool | np.bool_) else np.asarray(condition,
                                                                                   dtype=bool)
    return apply(ops.WHERE, a, b, condition=condition)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """The sum of the elements (along `axis`)."""
    return apply(ops.SUM, x, axis=axis, keepdims=keepdims)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """The mean of the elements (along `axis`)."""
    return apply(ops.MEAN, x, axis=axis, keepdims=keepdims)


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """The largest element (along `axis`)."""
    return apply(ops.MAX, x, axis=axis, keepdims=keepdims)


def softmax(x: Any, axis: int = -1) -> Any:
    """eˣ / Σ eˣ along `axis`, stable for large x."""
    return apply(ops.SOFTMAX, x, axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """log(softmax(x)) along `axis`, stable for large x."""
    return apply(ops.LOG_SOFTMAX, x, axis=axis)


def reshape(x: Any, shape: tuple[int, ...]) -> Any:
    """The same elements in a new shape."""
    return apply(ops.RESHAPE, x, shape=tuple(shape))


def transpose(x: Any, axes: tuple[int, ...] | None = None) -> Any:
    """The axes permuted (reversed by default)."""
    return apply(ops.TRANSPOSE, x, axes=None if axes is None else tuple(axes))


def broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
    """`x` repeated along new or length-1 axes to fill `shape`."""
    return apply(ops.BROADCAST_TO, x, shape=tuple(shape))


def data(x: Any) -> Any:
    """The raw data of a Value (or `x` itself): a constant, for masks and comparisons."""
    return ops.data_of(x)


def sign(x: Any) -> Any:
    """−1, 0 or 1 by the sign of x's data: a constant (no gradient flows through it)."""
    x = ops.data_of(x)
    return float(np.sign(x)) if type(x) is float else np.sign(x)
