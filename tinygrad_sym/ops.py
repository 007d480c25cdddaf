"""The op table: every differentiable operation, defined once.

An `Op` holds four things:

* `forward(*args, **attrs)`: the result, computed from raw data (Python floats or numpy
  arrays; Python floats take the `math` fast path);
* one backward rule per operand, a vector-Jacobian product `rule(grad, out, *args, **attrs)`
  that returns that operand's share of the gradient (in the broadcast shape: the engine
  sums it back to the operand's own shape, once, for every op);
* one forward rule per operand, a Jacobian-vector product `jvp(tangent, out, *args,
  **attrs)`: how much the result moves when that operand moves by `tangent` (the engine
  adds the operands' shares and broadcasts the sum to the result's shape). An elementwise
  op needs none of its own: its Jacobian is diagonal, so its backward rule, which
  multiplies by the local derivative element by element, is its forward rule too;
* the text of each operand's local derivative (for mul, ∂(a·b)/∂a = b), which the
  renderer and the explainer show on the graph's edges.

Rules are written with arithmetic operators, the array methods that numpy arrays and
`Value`s share (`sum`, `reshape`, `transpose`, indexing) and the helpers below. Called
with raw data a rule gives a fast first-order derivative; called with graph nodes
(`create_graph=True`) it records the derivative's own computation, so it can be
differentiated again. Adding an op means adding one entry here.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import ShapeError

Rule = Callable[..., Any]
Formula = str | Callable[[Sequence[str], str], str]


class Node:
    """What the op table needs from a graph node: its data, and a way to record an op on it."""

    __slots__ = ()
    data: Any  # a float or a numpy array (declared here, held by the subclass's slot)

    @staticmethod
    def record(op: Op, *args: Any, **attrs: Any) -> Node:
        raise NotImplementedError


class PerOperand:
    """The rules (or formulas) of an op that takes any number of operands, like `stack`:
    indexing with an operand's position builds its entry, once (then it is kept)."""

    __slots__ = ("made", "make")

    def __init__(self, make: Callable[[int], Any]) -> None:
        self.make = make
        self.made: dict[int, Any] = {}

    def __getitem__(self, index: int) -> Any:
        entry = self.made.get(index)
        if entry is None:
            entry = self.made[index] = self.make(index)
        return entry


class Op:
    """One differentiable operation: forward, a backward and a forward rule per operand,
    derivative texts.

    `rules`, `jvp` and `derivatives` are tuples with one entry per operand, or (for ops that
    take any number of operands) functions from an operand's index to its entry. An
    `elementwise` op (each element of the result depends on the same element of each
    operand, after broadcasting) leaves `jvp` out: its backward rules serve. A derivative
    is a template over the operands' names `{a}`, `{b}`, `{c}` and the result's `{out}`,
    or a function `(names, out) -> str`.

    `saving`, when given, is the forward that also returns what the backward rules can
    reuse, `(result, saved)` (σ(z) for the BCE from logits): recording the op keeps `saved`
    on the node, and backward passes it to the rules as `saved=`. A rule must also work
    without it (`saved=None`, as every other caller gives: grad of grad, the explainer).

    The flags describe the op for the explainer:

    * `infix`: written between its operands (a × b) rather than as op(a);
    * `commutative`: swapping the operands changes nothing (a + b, a × b);
    * `adds_up`: the result adds up or rearranges its operands' elements with constant
      coefficients (add, sum, mean, reshape, indexing, …);
    * `proportional_to`: the operands the result is proportional to while the others stay
      constant (both factors of a × b; the numerator of a ÷ b);
    * `roles`: a function `(index, operand_count) -> str` naming the part an operand plays
      ('weight', 'input', 'bias' in Σwx+b), for ops whose operands are not all alike.
    """

    __slots__ = ("adds_up", "commutative", "derivatives", "elementwise", "forward", "infix",
                 "jvp", "name", "proportional_to", "roles", "rules", "saving", "shape_hint",
                 "symbol")

    def __init__(
        self,
        name: str,
        symbol: str,
        forward: Callable[..., Any],
        *,
        rules: Sequence[Rule] | Callable[[int], Rule],
        derivatives: Sequence[Formula] | Callable[[int], Formula],
        jvp: Sequence[Rule] | Callable[[int], Rule] | None = None,
        elementwise: bool = False,
        shape_hint: str = "",
        infix: bool = False,
        commutative: bool = False,
        adds_up: bool = False,
        proportional_to: tuple[int, ...] = (),
        roles: Callable[[int, int], str] | None = None,
        saving: Callable[..., tuple[Any, Any]] | None = None,
    ) -> None:
        self.name = name
        self.symbol = symbol
        self.forward = forward
        self.saving = saving
        # rules[index] is the backward rule of operand `index`; likewise derivatives[index]
        self.rules = _per_operand(rules)
        self.derivatives = _per_operand(derivatives)
        # jvp[index] is the forward rule of operand `index`; None: forward mode unsupported
        self.elementwise = elementwise
        self.jvp = self.rules if jvp is None and elementwise else (
            None if jvp is None else _per_operand(jvp))
        self.shape_hint = shape_hint
        self.infix = infix
        self.commutative = commutative
        self.adds_up = adds_up
        self.proportional_to = proportional_to
        self.roles = roles

    def role(self, index: int, count: int) -> str:
        """The part operand `index` (of `count`) plays: one shared role for commutative
        operands, the declared one, or the operand's position."""
        if self.commutative:
            return "operand"
        return self.roles(index, count) if self.roles else str(index)

    def derivative(self, index: int, names: Sequence[str], out: str) -> str:
        """The local derivative ∂out/∂operand[index] as text, in the given operand names."""
        formula = self.derivatives[index]
        if callable(formula):
            return formula(names, out)
        operands = {key: names[i] for i, key in enumerate("abc"[: len(names)])}
        return formula.format(out=out, **operands)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __str__(self) -> str:
        return self.name


def _per_operand(entries: Sequence[Any] | Callable[[int], Any]) -> Any:
    """A tuple of entries, one per operand, as given; a function of the index, wrapped."""
    return tuple(entries) if isinstance(entries, Sequence) else PerOperand(entries)


# ---------------------------------------------------------------- helpers for the rules


def apply(op: Op, *args: Any, **attrs: Any) -> Any:
    """Apply `op` to raw data, or record it in the graph when an argument is a node."""
    for arg in args:
        if isinstance(arg, Node):
            return arg.record(op, *args, **attrs)
    return op.forward(*args, **attrs)


def data_of(x: Any) -> Any:
    """The raw data of a node, or `x` itself: for masks, which carry no gradient."""
    return x.data if isinstance(x, Node) else x


def shape_of(x: Any) -> tuple[int, ...]:
    """Shape of a float, numpy array or scalar, or node."""
    return () if type(x) is float else x.shape


def sum_to(grad: Any, like: Any) -> Any:
    """Sum `grad` over the axes along which `like` was broadcast, so it takes `like`'s shape
    (numpy's broadcasting, undone: what the engine does to every rule's result). A `grad`
    that no summing can fit to `like` comes from a faulty rule: ShapeError."""
    if type(grad) is float:
        return grad
    shape = () if type(like) is float else like.shape
    if grad.shape != shape:
        extra = grad.ndim - len(shape)
        if extra > 0:  # axes that numpy put in front of `like`'s own
            grad = apply(SUM, grad, axis=tuple(range(extra)))
        if grad.shape != shape and extra >= 0:  # axes of length 1 that numpy stretched
            stretched = tuple(i for i, n in enumerate(shape) if n == 1 != grad.shape[i])
            grad = grad.sum(axis=stretched, keepdims=True)
        if grad.shape != shape:
            raise ShapeError(
                f"a backward rule gave a gradient of shape {shape_of(grad)} for an operand of "
                f"shape {shape}: a rule must return its share in the broadcast shape"
            )
    if type(like) is float and not isinstance(grad, Node):
        return float(grad)
    return grad


def _axes(axis: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    """`axis` as a tuple of non-negative axes (None means all of them)."""
    if axis is None:
        return tuple(range(ndim))
    axis = (axis,) if isinstance(axis, int) else axis
    return tuple(a % ndim for a in axis) if ndim else ()


def _kept_shape(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    """The shape of a reduction over `axis` with keepdims=True: reduced axes become 1."""
    reduced = _axes(axis, len(shape))
    return tuple(1 if i in reduced else n for i, n in enumerate(shape))


def expand(grad: Any, shape: tuple[int, ...], axis: Any, keepdims: bool) -> Any:
    """Undo a reduction over `axis`: restore the reduced axes and broadcast `grad` to `shape`."""
    if not keepdims and axis is not None:
        grad = apply(RESHAPE, grad, shape=_kept_shape(shape, axis))
    return apply(BROADCAST_TO, grad, shape=shape)


def _swap_last(x: Any) -> Any:
    """`x` with its last two axes swapped (the matrix transpose, batched)."""
    ndim = x.ndim
    return x.T if ndim == 2 else x.transpose((*range(ndim - 2), ndim - 1, ndim - 2))


def _matmul_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a @ b for operands of shapes a and b (numpy's rules, 1-d included)."""
    left = (1, *a) if len(a) == 1 else a
    right = (*b, 1) if len(b) == 1 else b
    shape = [*np.broadcast_shapes(left[:-2], right[:-2]), left[-2], right[-1]]
    if len(b) == 1:
        del shape[-1]
    if len(a) == 1:
        del shape[-2 if len(b) != 1 else -1]
    return tuple(shape)


def _matmul_rule(operand: int) -> Rule:
    """Backward of `a @ b` (+ bias) for operand 0 (grad·bᵀ) or 1 (aᵀ·grad), 1-d included.
    With a bias (affine), the gradient of the product is summed back where the bias
    enlarged it by broadcasting."""

    def rule(grad: Any, out: Any, a: Any, b: Any, *bias: Any) -> Any:
        a_ndim, b_ndim = a.ndim, b.ndim
        if bias:  # affine: a scalar bias or one per output unit cannot enlarge the product
            bias_shape = () if type(bias[0]) is float else bias[0].shape
            if b_ndim != 2 or (bias_shape and bias_shape != b.shape[1:]):
                product = _matmul_shape(shape_of(a), shape_of(b))
                grad = sum_to(grad, np.broadcast_to(0.0, product))
        if a_ndim == 1 and b_ndim == 1:
            return grad * (b, a)[operand]
        if a_ndim == 1 or b_ndim == 1:
            # numpy treats a 1-d left operand as a row and a 1-d right operand as a column.
            grad_shape = list(shape_of(grad))
            if a_ndim == 1:
                a = a.reshape((1, *a.shape))
                grad_shape.insert(-1, 1)
            if b_ndim == 1:
                b = b.reshape((*b.shape, 1))
                grad_shape.append(1)
            grad = grad.reshape(tuple(grad_shape))
        # Drop a promoted operand's extra axis; the engine sums away broadcast batch axes.
        if operand == 0:
            share = grad @ _swap_last(b)
            return share[..., 0, :] if a_ndim == 1 else share
        share = _swap_last(a) @ grad
        return share[..., 0] if b_ndim == 1 else share

    return rule


def _kept(x: Any, keep: Any) -> Any:
    """`x` where `keep` (a bool array), exactly 0 elsewhere, even where x is ∞ or NaN (where
    multiplying by a 0/1 mask would give NaN). A node is picked and put back in place
    (getitem, scatter), so the zeros have derivative 0, for grad of grad."""
    if not isinstance(x, Node):
        return np.where(keep, x, 0)
    shape = shape_of(x)
    positions = np.flatnonzero(np.broadcast_to(keep, shape))
    flat = apply(RESHAPE, x, shape=(math.prod(shape),))
    picked = apply(GETITEM, flat, index=positions)
    return apply(RESHAPE, apply(SCATTER, picked, shape=flat.shape, index=positions),
                 shape=shape)


def _relu_backward(grad: Any, x: Any) -> Any:
    """`grad`, but 0 where x ≤ 0, also where `grad` is ∞ or NaN (relu is flat there), as
    PyTorch's (a NaN x passes the gradient on, as it passes through relu)."""
    data = data_of(x)
    if type(data) is float:
        if not data <= 0:
            return grad
        return _kept(grad, np.zeros(shape_of(grad), bool)) if isinstance(grad, Node) else 0.0
    if not isinstance(grad, Node):
        keep = np.logical_not(data <= 0)
        if _all_finite(grad):  # a product with the mask: 5× faster than np.where
            return grad * keep
        return np.where(keep, grad, 0)
    flat = data <= 0
    return _kept(grad, ~flat) if flat.any() else grad


def _all_finite(x: Any) -> bool:
    """Whether array `x` holds no ∞ and no NaN: x·x is finite only then (or when it
    overflows, which sends `x` the slow, safe way too). One pass, no new array: a third
    cheaper than np.isfinite(x).all() on a big layer's gradient."""
    if type(x) is not np.ndarray:  # a number
        return bool(np.isfinite(x))
    flat = x.ravel()  # a view when x is contiguous
    return math.isfinite(flat @ flat)


def _sign(x: Any) -> Any:
    """The sign of x, a constant: abs's derivative, 0 at 0 (as PyTorch's) for scalars and
    arrays alike."""
    x = data_of(x)
    if type(x) is float:
        return 1.0 if x > 0 else -1.0 if x < 0 else x * 0.0  # 0 at ±0, nan at nan
    return np.sign(x)


def _replaced(x: Any, where: Any, value: float) -> Any:
    """`x` with the elements at `where` (a bool, or a bool array) replaced by `value`: a node
    is shifted there by a constant, which keeps its derivative (for grad of grad)."""
    data = data_of(x)
    new = (value if where else data) if isinstance(where, bool) else np.where(where, value, data)
    return x + (new - data) if isinstance(x, Node) else new


def _zeroed(x: Any, where: Any) -> Any:
    """`x` (finite) with the elements at `where` set to 0, their derivatives too."""
    if where is True:
        return x * 0.0
    keep = np.logical_not(where).astype(np.result_type(data_of(x)))
    return x * keep


def _anywhere(mask: Any) -> Any:
    """A bool array `mask`, or False when it holds no True (the common case: no special
    point, the plain rule applies)."""
    return mask if mask.any() else False


def _pow_base_rule(grad: Any, out: Any, a: Any, b: Any) -> Any:
    """∂(a^b)/∂a = b·a^(b−1), and 0 where b = 0 and a = 0 (a^0 = 1 is flat there too, but
    b·0^(−1) would be 0·∞ = NaN), as PyTorch's rule."""
    base, exponent = data_of(a), data_of(b)
    if type(base) is float and type(exponent) is float:
        zero = exponent == 0.0 and base == 0.0
    else:
        zero = _anywhere(np.logical_and(np.equal(exponent, 0), np.equal(base, 0)))
    if zero is False:
        return grad * b * apply(POW, a, b - 1)
    return _zeroed(grad * b * apply(POW, _replaced(a, zero, 1.0), b - 1), zero)


def _pow_exponent_rule(grad: Any, out: Any, a: Any, b: Any) -> Any:
    """∂(a^b)/∂b = a^b·ln a, and 0 where a = 0 and b ≥ 0 (0^b is 0 or 1 there; ln 0 = −∞
    would make it NaN), as PyTorch's rule."""
    base, exponent = data_of(a), data_of(b)
    if type(base) is float and type(exponent) is float:
        zero = base == 0.0 and exponent >= 0.0
    else:
        zero = _anywhere(np.logical_and(np.equal(base, 0), np.greater_equal(exponent, 0)))
    if zero is False:
        return grad * out * apply(LOG, a)
    return _zeroed(grad * out * apply(LOG, _replaced(a, zero, 1.0)), zero)


def _take(grad: Any, index: int, axis: int) -> Any:
    """The slice `index` of `grad` along `axis`."""
    return grad[(slice(None),) * axis + (index,)]


def _averaged(share: Any, a: Any, b: Any) -> Any:
    """`share` as the part of each of the n elements of a mean over `a` and `b` broadcast
    together: divided by n, in the broadcast shape (the engine sums it back)."""
    a_shape, b_shape = shape_of(a), shape_of(b)
    if a_shape == b_shape:
        return share / math.prod(a_shape)
    shape = np.broadcast_shapes(a_shape, b_shape)
    return apply(BROADCAST_TO, share / math.prod(shape), shape=shape)


def _is_basic(index: Any) -> bool:
    """True for an index of ints and slices only, which never selects an element twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, int | slice) or p is None or p is Ellipsis for p in parts)


def _itself(name: str) -> tuple[Rule]:
    """The forward rule of an op that is linear in its one operand (sum, reshape, indexing):
    the op itself, applied to the tangent."""
    return (lambda tangent, out, a, **attrs: apply(TABLE[name], tangent, **attrs),)


def _placed(tangent: Any, out: Any, axis: int, window: int | slice) -> Any:
    """`tangent` in a result-shaped array of zeros, at `window` along `axis`: one operand's
    share of the tangent of a stack or a concatenation."""
    index = (slice(None),) * (axis % len(shape_of(out))) + (window,)
    return apply(SCATTER, tangent, shape=shape_of(out), index=index)


# ---------------------------------------------------------------------------- forwards


def _unary(scalar_fn: Callable[[float], float], array_fn: Callable[[Any], Any]) -> Callable:
    """A forward that uses `math` on Python floats (fast) and numpy on everything else."""
    return lambda x: scalar_fn(x) if type(x) is float else array_fn(x)


_EXP_LIMIT = {np.dtype(t): float(np.floor(np.log(np.finfo(t).max)))
              for t in (np.float16, np.float32, np.float64)}
"""For each float dtype, the largest whole x whose e^x is finite (709 in float64, 88 in float32)."""


def _scalar_sigmoid(x: float) -> float:
    if x >= -709.0:  # e^−x is finite (_EXP_LIMIT of float64)
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # far below zero (or NaN): e^x/(1 + e^x) keeps the tiniest values
    return e / (1.0 + e)


def _array_sigmoid(x: np.ndarray) -> np.ndarray:
    """1/(1 + e^−x), computed in place in one new array (four numpy calls, as by hand).

    Where e^−x would overflow (x below −709 in float64), e^x/(1 + e^x) instead: the same
    formulas as the scalar path, so both agree bit for bit down to the smallest floats (a
    clamped input would give 1e-308 for every x below −709)."""
    e = np.negative(x)
    limit = _EXP_LIMIT.get(e.dtype) or float(np.floor(np.log(np.finfo(e.dtype).max)))
    # Some x far below zero (or NaN), or a numpy scalar (no `out=` for those): the long way.
    if type(e) is not np.ndarray or not np.maximum.reduce(e, axis=None) <= limit:
        return _far_sigmoid(x, limit)
    np.exp(e, out=e)
    e += 1
    return np.divide(1, e, out=e)


def _far_sigmoid(x: np.ndarray, limit: float) -> np.ndarray:
    """σ(x) elementwise where some x lie below −limit (or are NaN): those from
    e^x/(1 + e^x), the others from 1/(1 + e^−x)."""
    far = x < -limit
    e = np.exp(np.where(far, 0, -x))
    tiny = np.exp(np.where(far, x, 0))
    result = np.where(far, tiny / (1 + tiny), 1 / (1 + e))
    return result if result.ndim else result[()]


def _sigmoid_from(x: Any, e: Any) -> Any:
    """σ(x) from e = e^−|x|: 1/(1 + e) for x ≥ 0, e/(1 + e) below. The numerator, 1 or e,
    is a maximum (e ≤ 1) rather than np.where, which is slower."""
    if type(x) is float:
        return (1.0 if x >= 0 else e) / (1.0 + e)
    return np.maximum(e, x >= 0) / (1 + e)


def _where(a: Any, b: Any, condition: Any) -> Any:
    """`a` where `condition` holds, else `b` (numpy's where; one bool picks between floats)."""
    if type(a) is float and type(b) is float and isinstance(condition, bool | np.bool_):
        return a if condition else b
    result = np.where(condition, a, b)
    return result if result.ndim else result[()]


def _reduce(ufunc: np.ufunc, a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """`ufunc.reduce` of `a` over `axis` (np.sum, np.max without their Python wrappers).

    numpy reduces short rows slowly: the max over 10 classes of 256 examples takes 17 µs,
    the sum of a 200 × 3 gradient over its examples 3 µs. When a 2-d array's rows hold 2 to
    16 numbers and it has at least 32 of them, the reduction runs on a transposed copy, where
    the same numbers lie along long rows (2.5 and 1.5 µs). Every row or column is still
    reduced by one and the same algorithm, never by BLAS: identical columns (the tied hidden
    units of the symmetry story) get identical sums.
    """
    if type(a) is np.ndarray and a.ndim == 2 and 2 <= a.shape[1] <= 16 and a.shape[0] >= 32:
        along = axis if type(axis) is int else (
            axis[0] if type(axis) is tuple and len(axis) == 1 else None)
        if along is not None and a.flags.c_contiguous:
            along %= 2
            total = ufunc.reduce(a.T.copy(), axis=1 - along)
            return total.reshape((1, -1) if along == 0 else (-1, 1)) if keepdims else total
    return ufunc.reduce(a, axis=axis, keepdims=keepdims)


def _sum(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """np.sum, minus its Python wrapper (half the time of summing 200 numbers)."""
    return _reduce(np.add, a, axis, keepdims)


def _mean(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """np.mean, as np.mean computes it (the sum divided by the count), minus its wrapper."""
    total = _sum(a, axis, keepdims)
    if axis is None:  # all of them
        return total / (a.size if type(a) is np.ndarray else np.size(a))
    count = np.size(a) // max(np.size(total), 1)  # elements summed into each result
    return total / count


def _power(a: Any, b: Any) -> Any:
    if type(a) is float and type(b) is float:
        return math.pow(a, b)  # raises on a domain error where ** would return a complex
    return np.power(a, b)


def _softmax(a: Any, axis: int = -1) -> Any:
    exps = np.exp(a - _reduce(np.maximum, a, axis, keepdims=True))
    return exps / _sum(exps, axis, keepdims=True)


def _log_softmax(a: Any, axis: int = -1) -> Any:
    shifted = a - _reduce(np.maximum, a, axis, keepdims=True)
    return shifted - np.log(_sum(np.exp(shifted), axis, keepdims=True))


def _scatter(grad: Any, shape: tuple[int, ...], index: Any) -> np.ndarray:
    """Zeros of `shape` with `grad` added at `index` (repeated indices add up)."""
    out = np.zeros(shape, dtype=np.result_type(grad))
    if _is_basic(index):
        out[index] += grad
    else:
        np.add.at(out, index, grad)
    return out


def _affine(x: Any, weight: Any, bias: Any) -> Any:
    """x @ weight + bias; a bias vector of the product's dtype is added in place, so a big
    layer makes one new array, not two."""
    product = x @ weight
    if (type(product) is np.ndarray and type(bias) is np.ndarray and bias.ndim == 1
            and bias.dtype is product.dtype and product.shape[-1:] == bias.shape):
        product += bias
        return product
    return product + bias


def _weighted_sum(*args: Any) -> Any:
    """w1·x1 + w2·x2 + … + b, from the operands (w1, x1, w2, x2, …, b)."""
    total = args[-1]
    for i in range(0, len(args) - 1, 2):
        total = total + args[i] * args[i + 1]
    return total


_EPSILON = {np.dtype(t): np.finfo(t).eps for t in (np.float16, np.float32, np.float64)}


def _clip_probability(p: Any) -> Any:
    """Keep a probability inside [ε, 1−ε] so that log(p) and log(1−p) stay finite."""
    dtype = np.result_type(p)
    eps = _EPSILON.get(dtype) or np.finfo(dtype).eps
    if type(p) is float:
        return min(max(p, eps), 1.0 - eps)
    return np.minimum(np.maximum(p, eps), 1 - eps)


def _clipped(p: Any) -> Any:
    """`p` moved into [ε, 1−ε] (finite logs); a node is shifted by a constant, which keeps
    its derivative for grad of grad."""
    if isinstance(p, Node):
        return p + (_clip_probability(p.data) - p.data)
    return _clip_probability(p)


def _binary_cross_entropy_saving(p: Any, y: Any) -> tuple[Any, tuple[Any, Any]]:
    """Each −[y·log q + (1 − y)·log(1 − q)] of the clipped probability q, and (q, 1 − q),
    which the backward rules reuse."""
    q = _clip_probability(p)
    log = math.log if type(q) is float else np.log
    complement = 1 - q
    return -(y * log(q) + (1 - y) * log(complement)), (q, complement)


def _bce_with_logits_terms(z: Any, y: Any) -> tuple[Any, Any]:
    """The binary cross-entropy of each σ(z) against y, from z itself (finite for any z),
    and e^−|z|, from which σ(z) follows."""
    if type(z) is float:
        e = math.exp(-abs(z))
        return max(z, 0.0) - z * y + math.log1p(e), e
    e = np.exp(-np.abs(z))
    return np.maximum(z, 0) - z * y + np.log1p(e), e


def _bce_with_logits_saving(z: Any, y: Any) -> tuple[Any, Any]:
    """The mean BCE of σ(z) against y, and σ(z) for the backward rule: 1/(1 + e^−|z|) for
    z ≥ 0, e^−|z|/(1 + e^−|z|) below (the e^−|z| of the loss, reused)."""
    terms, e = _bce_with_logits_terms(z, y)
    return _mean(terms), _sigmoid_from(z, e)


# --------------------------------------------------------------------------- formulas


def _power_formula(names: Sequence[str], out: str) -> str:
    """b·a^(b−1), simplified when the exponent is a plain number."""
    base, exponent = names
    try:
        lowered = float(exponent) - 1
    except ValueError:
        return f"{exponent}·{base}^({exponent} − 1)"
    if lowered == 1:
        return f"{exponent}·{base}"
    return f"{exponent}·{base}^{lowered:g}"


def _weighted_sum_formula(index: int) -> Formula:
    """∂(Σ wᵢ·xᵢ + b)/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1."""
    return lambda names, out: "1" if index == len(names) - 1 else names[index ^ 1]


# ------------------------------------------------------------------------------ the table

ADD = Op(
    "add", "+", operator.add,
    rules=(lambda grad, out, a, b: grad, lambda grad, out, a, b: grad),
    derivatives=("1", "1"),
    elementwise=True,
    shape_hint="operands must broadcast: trailing axes equal or 1",
    infix=True,
    adds_up=True,
    commutative=True,
)
SUB = Op(
    "sub", "−", operator.sub,
    rules=(lambda grad, out, a, b: grad, lambda grad, out, a, b: -grad),
    derivatives=("1", "−1"),
    elementwise=True,
    shape_hint=ADD.shape_hint,
    infix=True,
    adds_up=True,
)
MUL = Op(
    "mul", "×", operator.mul,
    rules=(lambda grad, out, a, b: grad * b, lambda grad, out, a, b: grad * a),
    derivatives=("{b}", "{a}"),
    elementwise=True,
    shape_hint=ADD.shape_hint,
    infix=True,
    commutative=True,
    proportional_to=(0, 1),
)
DIV = Op(
    "div", "÷", operator.truediv,
    rules=(
        lambda grad, out, a, b: grad / b,
        lambda grad, out, a, b: -grad * out / b,
    ),
    derivatives=("1/{b}", "−{a}/{b}²"),
    elementwise=True,
    shape_hint=ADD.shape_hint,
    infix=True,
    proportional_to=(0,),
)
POW = Op(
    "pow", "^", _power,
    rules=(_pow_base_rule, _pow_exponent_rule),
    derivatives=(_power_formula, "{out}·ln {a}"),
    elementwise=True,
    shape_hint=ADD.shape_hint,
    infix=True,
)
NEG = Op("neg", "−", operator.neg, rules=(lambda grad, out, a: -grad,), derivatives=("−1",),
         elementwise=True, adds_up=True)
EXP = Op("exp", "exp", _unary(math.exp, np.exp), rules=(lambda grad, out, a: grad * out,),
         derivatives=("e^{a}",), elementwise=True)
LOG = Op("log", "log", _unary(math.log, np.log), rules=(lambda grad, out, a: grad / a,),
         derivatives=("1/{a}",), elementwise=True)
SQRT = Op(
    "sqrt", "√", _unary(math.sqrt, np.sqrt),
    rules=(lambda grad, out, a: grad * 0.5 / out,),
    derivatives=("1/(2·√{a})",),
    elementwise=True,
)
ABS = Op(
    "abs", "|·|", _unary(math.fabs, np.abs),
    rules=(lambda grad, out, a: grad * _sign(a),),
    derivatives=("sign({a})",),
    elementwise=True,
)
TANH = Op(
    "tanh", "tanh", _unary(math.tanh, np.tanh),
    rules=(lambda grad, out, a: grad * (1 - out * out),),
    derivatives=("1 − {out}²",),
    elementwise=True,
)
SIGMOID = Op(
    "sigmoid", "σ", _unary(_scalar_sigmoid, _array_sigmoid),
    rules=(lambda grad, out, a: grad * out * (1 - out),),
    derivatives=("{out}·(1 − {out})",),
    elementwise=True,
)
RELU = Op(
    "relu", "relu", _unary(lambda x: 0.0 if x <= 0 else x, lambda x: np.maximum(x, 0)),
    rules=(lambda grad, out, a: _relu_backward(grad, a),),
    derivatives=("1 if {a} > 0 else 0",),
    elementwise=True,
)
# WHERE, RESHAPE and TRANSPOSE apply themselves in their rules: typed, as mypy cannot infer
# a name used in its own definition.
WHERE: Op = Op(
    "where", "where", _where,
    rules=(
        lambda grad, out, a, b, condition: apply(WHERE, grad, 0.0, condition=condition),
        lambda grad, out, a, b, condition: apply(WHERE, 0.0, grad, condition=condition),
    ),
    derivatives=("1 where the condition holds, else 0", "0 where the condition holds, else 1"),
    elementwise=True,
    shape_hint="the condition and both operands must broadcast together",
)
SUM = Op(
    "sum", "Σ", _sum,
    rules=(
        lambda grad, out, a, axis=None, keepdims=False: expand(grad, shape_of(a), axis, keepdims),
    ),
    jvp=_itself("sum"),
    derivatives=("1",),
    shape_hint="the axis must exist in the operand",
    adds_up=True,
)
MEAN = Op(
    "mean", "mean", _mean,
    rules=(
        lambda grad, out, a, axis=None, keepdims=False: expand(
            grad * (math.prod(shape_of(out)) / math.prod(shape_of(a))), shape_of(a), axis, keepdims
        ),
    ),
    jvp=_itself("mean"),
    derivatives=("1/n",),
    shape_hint=SUM.shape_hint,
    adds_up=True,
)


def _max_share(a: Any, out: Any, axis: Any) -> np.ndarray:
    """Each element's share of the max: 1 for the maximal elements (split equally between
    ties), 0 for the others; a constant in `a`'s shape and dtype."""
    shape = shape_of(a)
    winners = np.equal(data_of(a), np.reshape(data_of(out), _kept_shape(shape, axis)))
    share = winners / np.sum(winners, axis=_axes(axis, len(shape)), keepdims=True)
    return share.astype(np.result_type(data_of(a)))


def _max_rule(grad: Any, out: Any, a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """The gradient goes to the maximal elements (shared equally between ties)."""
    return expand(grad, shape_of(a), axis, keepdims) * _max_share(a, out, axis)


def _max_jvp(tangent: Any, out: Any, a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """The max moves as its maximal elements do (as their average, between ties)."""
    return apply(SUM, tangent * _max_share(a, out, axis), axis=axis, keepdims=keepdims)


MAX = Op(
    "max", "max", lambda a, axis=None, keepdims=False: _reduce(np.maximum, a, axis, keepdims),
    rules=(_max_rule,),
    jvp=(_max_jvp,),
    derivatives=("1 if {a} is the max else 0",),
    shape_hint=SUM.shape_hint,
)
RESHAPE: Op = Op(
    "reshape", "reshape", lambda a, shape: np.reshape(a, shape),
    rules=(lambda grad, out, a, shape: apply(RESHAPE, grad, shape=shape_of(a)),),
    jvp=_itself("reshape"),
    derivatives=("1",),
    shape_hint="the new shape must hold the same number of elements",
    adds_up=True,
)
TRANSPOSE: Op = Op(
    "transpose", "ᵀ", lambda a, axes=None: np.transpose(a, axes),
    rules=(
        lambda grad, out, a, axes=None: apply(
            TRANSPOSE, grad, axes=None if axes is None else tuple(np.argsort(axes))
        ),
    ),
    jvp=_itself("transpose"),
    derivatives=("1",),
    shape_hint="axes must be a permutation of the operand's axes",
    adds_up=True,
)
def _broadcast_to(a: Any, shape: tuple[int, ...]) -> Any:
    """numpy's broadcast_to; a scalar is simply filled in (several times faster)."""
    if type(a) is float or isinstance(a, np.generic):
        return np.full(shape, a)
    return np.broadcast_to(a, shape)


BROADCAST_TO = Op(
    "broadcast_to", "⇲", _broadcast_to,
    rules=(lambda grad, out, a, shape: grad,),
    jvp=_itself("broadcast_to"),
    derivatives=("1",),
    shape_hint=ADD.shape_hint,
    adds_up=True,
)
SCATTER = Op(
    "scatter", "[]←", _scatter,
    rules=(lambda grad, out, a, shape, index: grad[index],),
    jvp=_itself("scatter"),
    derivatives=("1",),
)
GETITEM = Op(
    "getitem", "[]", lambda a, index: a[index],
    rules=(lambda grad, out, a, index: apply(SCATTER, grad, shape=shape_of(a), index=index),),
    jvp=_itself("getitem"),
    derivatives=("1",),
    shape_hint="the index must fit the operand's shape",
    adds_up=True,
)
MATMUL = Op(
    "matmul", "@", np.matmul,
    rules=(_matmul_rule(0), _matmul_rule(1)),
    jvp=(lambda tangent, out, a, b: tangent @ b, lambda tangent, out, a, b: a @ tangent),
    derivatives=("· {b}ᵀ", "{a}ᵀ ·"),
    shape_hint="the last axis of the left operand must equal the second-to-last axis of the "
    "right one (for vectors: equal lengths); transpose an operand (.T) or reshape it",
    infix=True,
)
AFFINE = Op(
    "affine", "xW+b", _affine,
    rules=(_matmul_rule(0), _matmul_rule(1), lambda grad, out, x, weight, bias: grad),
    jvp=(
        lambda tangent, out, x, weight, bias: tangent @ weight,
        lambda tangent, out, x, weight, bias: x @ tangent,
        lambda tangent, out, x, weight, bias: tangent,
    ),
    derivatives=("· {b}ᵀ", "{a}ᵀ ·", "1"),
    shape_hint=MATMUL.shape_hint + "; the bias must broadcast to the product's shape",
)
SOFTMAX = Op(
    "softmax", "softmax", _softmax,
    rules=(
        lambda grad, out, a, axis=-1: out * (
            grad - apply(SUM, grad * out, axis=axis, keepdims=True)),
    ),
    jvp=(  # the Jacobian is symmetric: the backward rule, applied to the tangent
        lambda tangent, out, a, axis=-1: out
        * (tangent - (tangent * out).sum(axis=axis, keepdims=True)),
    ),
    derivatives=("{out}ᵢ·(δᵢⱼ − {out}ⱼ)",),
    shape_hint="softmax needs an operand with at least one axis",
)
LOG_SOFTMAX = Op(
    "log_softmax", "log softmax", _log_softmax,
    rules=(
        lambda grad, out, a, axis=-1: grad
        - apply(EXP, out) * apply(SUM, grad, axis=axis, keepdims=True),
    ),
    jvp=(
        lambda tangent, out, a, axis=-1: tangent
        - (apply(EXP, out) * tangent).sum(axis=axis, keepdims=True),
    ),
    derivatives=("δᵢⱼ − softmax({a})ⱼ",),
    shape_hint=SOFTMAX.shape_hint,
)
STACK = Op(
    "stack", "stack", lambda *args, axis=0: np.stack(args, axis=axis),
    rules=lambda index: (
        lambda grad, out, *args, axis=0: _take(grad, index, axis % len(shape_of(out)))
    ),
    jvp=lambda index: lambda tangent, out, *args, axis=0: _placed(tangent, out, axis, index),
    derivatives=lambda index: "1",
    shape_hint="all operands must have the same shape",
    adds_up=True,
)


def _window(index: int, args: Sequence[Any], axis: int) -> slice:
    """Where operand `index` of a concatenation along `axis` (non-negative) lies in the result."""
    start = sum(shape_of(arg)[axis] for arg in args[:index])
    return slice(start, start + shape_of(args[index])[axis])


def _concatenate_rule(index: int) -> Rule:
    def rule(grad: Any, out: Any, *args: Any, axis: int = 0) -> Any:
        axis %= len(shape_of(out))
        return grad[(slice(None),) * axis + (_window(index, args, axis),)]

    return rule


def _concatenate_jvp(index: int) -> Rule:
    def jvp(tangent: Any, out: Any, *args: Any, axis: int = 0) -> Any:
        window = _window(index, args, axis % len(shape_of(out)))
        return _placed(tangent, out, axis, window)

    return jvp


CONCATENATE = Op(
    "concatenate", "concat", lambda *args, axis=0: np.concatenate(args, axis=axis),
    rules=_concatenate_rule,
    jvp=_concatenate_jvp,
    derivatives=lambda index: "1",
    shape_hint="operands must have at least one axis and agree on all axes but `axis`",
    adds_up=True,
)
WEIGHTED_SUM = Op(
    "weighted_sum", "Σwx+b", _weighted_sum,
    rules=lambda index: lambda grad, out, *args: (
        grad if index == len(args) - 1 else grad * args[index ^ 1]
    ),
    derivatives=_weighted_sum_formula,
    elementwise=True,
    roles=lambda index, count: "bias" if index == count - 1 else ("weight", "input")[index % 2],
    shape_hint=ADD.shape_hint,
)
def _clipped_pair(p: Any, saved: Any) -> tuple[Any, Any]:
    """(q, 1 − q) for q, the probability clipped to [ε, 1 − ε]: saved by the forward, or
    computed again."""
    if saved is not None:
        return saved
    q = _clipped(p)
    return q, 1 - q


def _bce_probability_rule(grad: Any, out: Any, p: Any, y: Any, saved: Any = None) -> Any:
    """(q − y)/(q·(1 − q))."""
    q, complement = _clipped_pair(p, saved)
    return grad * (q - y) / (q * complement)


def _bce_label_rule(grad: Any, out: Any, p: Any, y: Any, saved: Any = None) -> Any:
    """ln(1 − q) − ln q."""
    q, complement = _clipped_pair(p, saved)
    return grad * (apply(LOG, complement) - apply(LOG, q))


BINARY_CROSS_ENTROPY = Op(
    "binary_cross_entropy", "BCE", lambda p, y: _binary_cross_entropy_saving(p, y)[0],
    saving=_binary_cross_entropy_saving,
    rules=(_bce_probability_rule, _bce_label_rule),
    derivatives=("({a} − {b})/({a}·(1 − {a}))", "ln(1 − {a}) − ln {a}"),
    elementwise=True,
    shape_hint=ADD.shape_hint,
)
BCE_WITH_LOGITS = Op(
    "bce_with_logits", "mean BCE(σ)", lambda z, y: _mean(_bce_with_logits_terms(z, y)[0]),
    saving=_bce_with_logits_saving,
    rules=(  # σ(z): saved by the forward, or computed again
        lambda grad, out, z, y, saved=None: _averaged(
            grad * ((apply(SIGMOID, z) if saved is None else saved) - y), z, y),
        lambda grad, out, z, y, saved=None: _averaged(-grad * z, z, y),
    ),
    jvp=(  # the mean of the elementwise shares (each has the broadcast shape)
        lambda tangent, out, z, y: apply(MEAN, tangent * (apply(SIGMOID, z) - y)),
        lambda tangent, out, z, y: apply(MEAN, -tangent * z),
    ),
    derivatives=("(σ({a}) − {b})/n", "−{a}/n"),
    shape_hint=ADD.shape_hint,
)

TABLE: dict[str, Op] = {
    op.name: op
    for op in (
        ADD, SUB, MUL, DIV, POW, NEG, EXP, LOG, SQRT, ABS, TANH, SIGMOID, RELU, WHERE,
        SUM, MEAN, MAX, RESHAPE, TRANSPOSE, BROADCAST_TO, SCATTER, GETITEM, MATMUL, AFFINE,
        SOFTMAX, LOG_SOFTMAX, STACK, CONCATENATE, WEIGHTED_SUM, BINARY_CROSS_ENTROPY,
        BCE_WITH_LOGITS,
    )
}
"""Every op, by name: what the renderer, the explainer and the tests iterate over."""
