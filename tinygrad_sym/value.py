"""`Value`, the one node type of the computation graph, and the graph's helpers.

A `Value` holds `data` (a Python float for scalars, the fast path, or a numpy array) and,
once a backward pass reached it, `grad` of the same shape. Every op applied to Values
records the result's `op` and `parents`, so the graph can be walked back from any node.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import Any

import numpy as np

from . import modes, ops
from .errors import AnomalyError, ShapeError, StaleGraphError
from .ops import Op

# What Python-float arithmetic raises where numpy answers inf or nan (x/0, log(-1), exp(1e3)),
# and what numpy raises for shapes that do not fit.
ARITHMETIC_ERRORS = (ArithmeticError, ValueError)


needs_grad = attrgetter("requires_grad")  # node -> True if backward must visit it

_clock = 0
"""The engine's clock: it moves on whenever the data of some Value changes (an optimizer
step, `load_state_dict`, an assignment to `.data`), never when a node is recorded. Every
node keeps the clock's time at its birth as its version; an operand whose version is later
than its node's was changed after the node read it: the graph is stale."""


def as_data(x: Any, copy: bool = False) -> Any:
    """Check `x` and convert it to what a Value holds: a float, or a numpy float array.

    Python numbers, bools and integer arrays become float64; float32 (and other float)
    arrays keep their dtype. Strings, None, object and complex arrays are refused.
    """
    if type(x) is float:
        return x
    if type(x) is np.ndarray and x.ndim and x.dtype.kind == "f":  # the common array
        return np.array(x, copy=True) if copy else x
    if isinstance(x, bool | int | float | np.integer | np.bool_):
        try:
            return float(x)
        except OverflowError:
            raise ValueError(f"Value data {str(x)[:12]}… is too large for a float "
                             "(at most about 1.8e308)") from None
    if isinstance(x, np.floating):
        return x
    if isinstance(x, Value):
        raise TypeError("this is already a Value: use it as it is, or .detach() for a constant")
    if isinstance(x, list | tuple):
        try:
            x = np.asarray(x)
        except ValueError as error:  # ragged nesting
            raise TypeError(f"Value data must be a rectangular array of numbers: {error}") from None
        copy = False
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "iub":
            x, copy = x.astype(np.float64), False
        if x.dtype.kind != "f":
            reason = "complex numbers are not supported" if x.dtype.kind == "c" else "not numeric"
            raise TypeError(f"Value data must be numbers, not dtype {x.dtype} ({reason})")
        if x.ndim == 0:  # a scalar: float64 takes the Python-float fast path
            return float(x) if x.dtype == np.float64 else x[()]
        return np.array(x, copy=True) if copy else x
    raise TypeError(
        f"Value data must be a number or an array of numbers, not {type(x).__name__} ({x!r:.40})"
    )


class _ZeroGrad:
    """The type of ZERO_GRAD, its one instance."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ZERO_GRAD"


ZERO_GRAD: Any = _ZeroGrad()
"""What a leaf's `_grad` holds after `zero_grad()` (and when it is made): its zeros, not made
yet. Reading `.grad` makes them; a backward pass that comes first puts its gradient there
instead of adding it to zeros, which for a large layer writes a whole array less."""


def reset_grad(leaf: Value) -> None:
    """Set a leaf's gradient to zeros (made when `.grad` is next read)."""
    leaf._grad = ZERO_GRAD


def zeros_like(data: Any) -> Any:
    """A zero gradient shaped like `data` (np.zeros, a quarter of np.zeros_like's time)."""
    if type(data) is np.ndarray:
        return np.zeros(data.shape, data.dtype)
    return 0.0 if type(data) is float else np.zeros(np.shape(data), np.result_type(data))


def _assign(node: Value, data: Any) -> None:
    """`node.data = data`: checked like a new leaf's data, then the node's version moves on."""
    global _clock
    if node.parents:
        raise ValueError(
            f"cannot assign to the data of {describe(node)}: it is computed ({op_of(node).name} of "
            f"{', '.join(describe(p, 1) for p in node.parents)}), so its data must follow from "
            "its operands. Change a leaf (a parameter or an input) and re-run the forward "
            "pass, or take node.detach(), a constant you can change"
        )
    old = node._data
    if data is not old:  # `w.data -= step` on an array hands back the same array: no check
        if type(data) is not float or type(old) is not float:
            data = as_data(data)
            if np.shape(data) != node.shape:
                raise ShapeError(
                    f"cannot assign data of shape {np.shape(data)} to {describe(node)} of "
                    f"shape {node.shape}: the shapes must be equal (make a new Value for "
                    "other data)"
                )
        node._data = data
    _clock += 1  # mark_changed(node), inlined: optimizers' and users' updates are frequent
    node._version = _clock


class Value(ops.Node):
    """A node of the computation graph: data, gradient, and how it was computed.

    `Value(data, label=None, requires_grad=True)` makes a leaf; ops make the other nodes.
    Plain numbers and arrays given to an op become constants (requires_grad=False).
    """

    # The parents are held in slots, not in a tuple: one object per node for the garbage
    # collector to track instead of two (it walks every tracked object of a growing graph).
    __slots__ = ("_data", "_first", "_grad", "_label", "_more", "_second", "_version", "attrs",
                 "group", "op", "requires_grad", "saved")
    __array_ufunc__ = None  # numpy defers to our reflected operators (array * Value -> Value)

    _data: Any  # the engine reads `_data` (a slot) where speed counts; users read `.data`
    _label: str | None
    _version: int
    _grad: Any  # the engine writes `_grad`; ZERO_GRAD until a leaf's zeros are looked at
    op: Op | None
    _first: Value | None  # the first operand of a node with one or two
    _second: Value | None  # the second operand of a node with two
    _more: tuple[Value, ...] | None  # all operands of a node with three or more
    attrs: dict[str, Any] | None
    saved: Any  # what the op's forward kept for its backward rule (e.g. σ(z)), or None
    requires_grad: bool
    group: tuple[str, ...] | None  # e.g. ("layer 1", "unit 2"), set by nn

    def __init__(self, data: Any, label: str | None = None, requires_grad: bool = True) -> None:
        data = as_data(data, copy=True)
        label = _check_label(label)
        grad = ZERO_GRAD if requires_grad else None
        _fill(self, data, grad, None, (), None, bool(requires_grad), _clock, label)

    @staticmethod
    def record(op: Op, *args: Any, **attrs: Any) -> Value:
        return record(op, *args, **attrs)

    # ------------------------------------------------------------- data and version
    data = property(
        attrgetter("_data"),
        _assign,
        doc="""The number or array this node holds.

        Assigning to it (`w.data = 0.5`, `w.data -= lr * w.grad`) is a sanctioned update:
        it moves the Value's `version` on, so a graph recorded from the old data refuses to
        be differentiated, explained or drawn (re-run the forward pass). Only leaves can be
        assigned, with data of the same shape. Changing the array in place
        (`w.data[0] = 1.0`) cannot be seen: it is the one unchecked escape hatch (call
        `w.mark_changed()` afterwards to have it checked).""",
    )

    @property
    def grad(self) -> Any:
        """∂(what backward was called on)/∂(this node): a leaf's sums up over backward passes
        (zeros before the first and after `zero_grad`), a computed node's is the last pass's;
        None for a constant, and for a computed node no pass has reached."""
        grad = self._grad
        if grad is ZERO_GRAD:  # the zeros are made when first looked at (see ZERO_GRAD)
            grad = self._grad = zeros_like(self._data)
        return grad

    @grad.setter
    def grad(self, grad: Any) -> None:
        self._grad = grad

    @property
    def version(self) -> int:
        """When this Value's data last changed, on the engine's clock (which every change of
        any Value moves on): a node whose operand has a later version than its own was
        computed from the operand's old data."""
        return self._version

    def mark_changed(self) -> None:
        """Declare that `data` was changed in place (`w.data[0] = 1.0`): graphs recorded
        before now refuse to be differentiated, explained or drawn, as after `w.data = …`."""
        mark_changed(self)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands this node was computed from, in order; () for a leaf."""
        return _parents(self._first, self._second, self._more)

    @property
    def label(self) -> str | None:
        """The node's name in pictures and explanations (w1, z3, J), or None."""
        return self._label

    @label.setter
    def label(self, label: str | None) -> None:
        self._label = _check_label(label)

    # ----------------------------------------------------------------- description
    @property
    def shape(self) -> tuple[int, ...]:
        return () if type(self._data) is float else self._data.shape

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def dtype(self) -> np.dtype:
        data = self._data
        return data.dtype if type(data) is np.ndarray else np.result_type(data)

    def item(self) -> float:
        """The data of a one-element Value as a Python float."""
        if self.size != 1:
            raise ShapeError(f"item() needs a Value with one element, not shape {self.shape}")
        return float(np.asarray(self._data).item())

    def __float__(self) -> float:
        return self.item()

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        """The truth of a one-element Value, as numpy and PyTorch have it; for more
        elements it is ambiguous (ValueError)."""
        if self.size != 1:
            raise ValueError(
                f"the truth value of a Value with {self.size} elements (shape {self.shape}) is "
                "ambiguous: use (v.data > 0).any() or (v.data > 0).all()"
            )
        return bool(np.asarray(self._data).item())

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError(f"len() of a scalar Value ({describe(self)}) has no meaning")
        return self.shape[0]

    def __iter__(self) -> Iterator[Value]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        name = f"{self._label}=" if self._label else ""
        return f"Value({name}{_summary(self._data)}, grad={_summary(self.grad)})"

    # ------------------------------------------------------------ copies and pickles
    def __copy__(self) -> Value:
        """A new node with the same data, gradient, op and parents (a sibling in the graph)."""
        node = Value.__new__(Value)
        _fill(node, self._data, self._grad, self.op, self.parents, self.attrs,
              self.requires_grad, self._version, self._label)
        node.group = self.group
        return node

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """A copy of the whole graph behind this node (data, gradients, labels), built node
        by node from the leaves up, so a graph of any depth can be copied (no recursion)."""
        for node in topological_order(self):
            if id(node) in memo:
                continue
            twin = Value.__new__(Value)
            memo[id(node)] = twin
            parents = tuple(memo[id(parent)] for parent in node.parents)
            _fill(twin, copy.deepcopy(node._data, memo), copy.deepcopy(node.grad, memo),
                  node.op, parents, copy.deepcopy(node.attrs, memo), node.requires_grad,
                  node._version, node._label)
            twin.group = node.group
        return memo[id(self)]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle a Value as its data: a leaf keeps its gradient and stays a leaf; a computed
        Value becomes a constant holding its data (the graph that computed it, whose ops are
        functions, is not saved)."""
        if self.op is None:
            return _unpickle, (self._data, self._label, self.requires_grad, self.grad,
                               self.group)
        return _unpickle, (self._data, self._label, False, None, self.group)

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> Value:
        return binary(ops.ADD, self, other)

    def __radd__(self, other: Any) -> Value:
        return binary(ops.ADD, other, self)

    def __sub__(self, other: Any) -> Value:
        return binary(ops.SUB, self, other)

    def __rsub__(self, other: Any) -> Value:
        return binary(ops.SUB, other, self)

    def __mul__(self, other: Any) -> Value:
        return binary(ops.MUL, self, other)

    def __rmul__(self, other: Any) -> Value:
        return binary(ops.MUL, other, self)

    def __truediv__(self, other: Any) -> Value:
        return binary(ops.DIV, self, other)

    def __rtruediv__(self, other: Any) -> Value:
        return binary(ops.DIV, other, self)

    def __pow__(self, other: Any) -> Value:
        return binary(ops.POW, self, other)

    def __rpow__(self, other: Any) -> Value:
        return binary(ops.POW, other, self)

    def __matmul__(self, other: Any) -> Value:
        return binary(ops.MATMUL, self, other)

    def __rmatmul__(self, other: Any) -> Value:
        return binary(ops.MATMUL, other, self)

    def __neg__(self) -> Value:
        return unary(ops.NEG, self)

    def __abs__(self) -> Value:
        return unary(ops.ABS, self)

    # -------------------------------------------------------------- elementwise
    def exp(self) -> Value:
        return unary(ops.EXP, self)

    def log(self) -> Value:
        return unary(ops.LOG, self)

    def sqrt(self) -> Value:
        return unary(ops.SQRT, self)

    def abs(self) -> Value:
        return unary(ops.ABS, self)

    def tanh(self) -> Value:
        return unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        return unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        return unary(ops.RELU, self)

    # ------------------------------------------------------------------ reductions
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Value:
        if axis is None and not keepdims:  # the defaults: no attributes to keep and pass on
            return unary(ops.SUM, self)
        return record(ops.SUM, self, axis=axis, keepdims=keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Value:
        if axis is None and not keepdims:
            return unary(ops.MEAN, self)
        return record(ops.MEAN, self, axis=axis, keepdims=keepdims)

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Value:
        return record(ops.MAX, self, axis=axis, keepdims=keepdims)

    def softmax(self, axis: int = -1) -> Value:
        return record(ops.SOFTMAX, self, axis=axis)

    def log_softmax(self, axis: int = -1) -> Value:
        return record(ops.LOG_SOFTMAX, self, axis=axis)

    # ---------------------------------------------------------------------- shape
    def reshape(self, *shape: Any) -> Value:
        shape = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        return record(ops.RESHAPE, self, shape=tuple(shape))

    def transpose(self, *axes: Any) -> Value:
        axes = axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes
        return record(ops.TRANSPOSE, self, axes=tuple(axes) if axes else None)

    @property
    def T(self) -> Value:
        return self.transpose()

    def broadcast_to(self, shape: tuple[int, ...]) -> Value:
        return record(ops.BROADCAST_TO, self, shape=tuple(shape))

    def __getitem__(self, index: Any) -> Value:
        return record(ops.GETITEM, self, index=_check_index(index))

    # ------------------------------------------------------------------- gradients
    def backward(self, grad: Any = None, create_graph: bool = False) -> None:
        """Fill `.grad` of every node this one depends on (see `autograd.backward`)."""
        from .autograd import backward  # autograd builds on this module

        backward(self, grad, create_graph)

    def zero_grad(self) -> None:
        """Reset the gradients of this node's graph: leaves to zero, the others to None."""
        if self.op is None:  # a leaf (`p.zero_grad()` in a training loop): no graph to walk
            self._grad = ZERO_GRAD
            return
        for node in topological_order(self, follow=needs_grad):
            node._grad = None if node.parents else ZERO_GRAD

    def detach(self) -> Value:
        """A constant with the same data, cut off from the graph."""
        return Value(self._data, self._label, requires_grad=False)


def _parents(first: Value | None, second: Value | None,
             more: tuple[Value, ...] | None) -> tuple[Value, ...]:
    """The operands of a node from its slots: `more` when set, else `first` and `second`."""
    if more is not None:
        return more
    if first is None:
        return ()
    return (first,) if second is None else (first, second)


def _fill(
    node: Value, data: Any, grad: Any, op: Op | None, parents: tuple[Value, ...],
    attrs: dict[str, Any] | None, requires_grad: bool, version: int, label: str | None = None,
) -> Value:
    """Set every field of `node`: the one place a node is built from given fields (`Value(...)`
    for a leaf, `constant`, copies; `record` fills its new nodes itself, faster)."""
    node._data, node._grad, node.op, node.attrs = data, grad, op, attrs
    count = len(parents)
    if count > 2:
        node._first = node._second = None
        node._more = parents
    else:
        node._first = parents[0] if count else None
        node._second = parents[1] if count == 2 else None
        node._more = None
    node.requires_grad, node._label, node.group = requires_grad, label, None
    node._version, node.saved = version, None
    return node


def _unpickle(data: Any, label: str | None, requires_grad: bool, grad: Any,
              group: tuple[str, ...] | None) -> Value:
    """A leaf rebuilt from a pickle (see `Value.__reduce__`)."""
    node = Value(data, label, requires_grad)
    if requires_grad and grad is not None:
        node.grad = grad
    node.group = group
    return node


def _check_label(label: Any) -> str | None:
    """A label is a string or None: anything else is refused when it is given."""
    if label is None or isinstance(label, str):
        return label
    raise TypeError(
        f"a Value's label must be a string (or None), not {type(label).__name__} {label!r:.40}; "
        f"write label={str(label)!r:.40} for a name"
    )


def clock() -> int:
    """The engine's clock now: a node born at this time has no operand changed since, as
    long as the clock has not moved on."""
    return _clock


def mark_changed(*values: Value) -> None:
    """Move the clock on and give `values` the new time as their version: every node recorded
    from their old data is now stale (see `check_current`). Optimizers call it once per step."""
    global _clock
    _clock += 1
    for value in values:
        value._version = _clock


def stale_error(changed: Value, user: Value, root: Value, doing: str) -> StaleGraphError:
    """The error for a graph in which `user` read `changed` before `changed` was updated."""
    name, root_name = describe(changed), describe(root)
    kind = "leaf" if changed.op is None else "node"
    return StaleGraphError(
        f"{root_name} was computed before {name} changed: the {kind} {name} is at version "
        f"{changed._version}, but {describe(user)} read it at version {user._version} (an "
        f"optimizer step, load_state_dict or an assignment to .data changed it). {doing} "
        f"now would mix the new {name} with the old forward values. Re-run the forward pass "
        f"(compute {root_name} again from the current values) and use the new graph"
    )


def check_current(order: Sequence[Value], root: Value, doing: str) -> None:
    """Raise `StaleGraphError` if any node of `order` (`root`'s graph) was computed from an
    operand that has changed since: `doing` ('drawing', 'explaining') names the action."""
    for node in order:
        version = node._version
        for parent in node.parents:
            if parent._version > version:
                raise stale_error(parent, node, root, doing)


def constant(x: Any, label: str | None = None) -> Value:
    """Wrap a plain number or array as a constant leaf (no gradient, no copy of the data)."""
    return _fill(Value.__new__(Value), as_data(x), None, None, (), None, False, _clock, label)


def record(op: Op, *args: Any, **attrs: Any) -> Value:
    """Compute `op` on the arguments' data and record the result as a node of the graph.

    Plain numbers and arrays among the arguments become constants. Under `no_grad()` the
    result is a constant with no parents. (The operators take `binary` and `unary`, the same
    for one or two operands, without building tuples.)
    """
    born = _clock  # read before the operands' data, so a concurrent update shows as stale
    parents = args
    for arg in args:
        if type(arg) is not Value:
            parents = tuple([a if isinstance(a, Value) else constant(a) for a in args])
            break
    data_in = [parent._data for parent in parents]
    # An op that saves something for its backward rules does so when a graph is recorded.
    forward = op.forward if op.saving is None or not modes.local.grad_enabled else op.saving
    try:
        # Two calls, not one with **attrs: unpacking an empty dict costs time on every op.
        data = forward(*data_in, **attrs) if attrs else forward(*data_in)
    except ARITHMETIC_ERRORS as error:
        data = recompute_in_numpy(forward, data_in, attrs, error, op, parents)
    except (TypeError, IndexError) as error:
        raise _op_error(op, parents, error) from error
    saved = None
    if forward is op.saving:
        data, saved = data
    if len(parents) > 2:
        return _node(op, data, born, None, None, parents, attrs or None, saved)
    return _node(op, data, born, parents[0], parents[1] if len(parents) == 2 else None, None,
                 attrs or None, saved)


def binary(op: Op, a: Any, b: Any) -> Value:
    """`record(op, a, b)` for an op of two operands (+, ×, …), the short way."""
    born = _clock
    if type(a) is not Value:
        a = a if isinstance(a, Value) else constant(a)
    if type(b) is not Value:
        b = b if isinstance(b, Value) else constant(b)
    try:
        data = op.forward(a._data, b._data)
    except ARITHMETIC_ERRORS as error:
        data = recompute_in_numpy(op.forward, [a._data, b._data], {}, error, op, (a, b))
    except (TypeError, IndexError) as error:
        raise _op_error(op, (a, b), error) from error
    return _node(op, data, born, a, b, None, None)


def unary(op: Op, a: Value) -> Value:
    """`record(op, a)` for an op of one operand (exp, relu, …) applied to a Value, the short
    way."""
    born = _clock
    try:
        data = op.forward(a._data)
    except ARITHMETIC_ERRORS as error:
        data = recompute_in_numpy(op.forward, [a._data], {}, error, op, (a,))
    except (TypeError, IndexError) as error:
        raise _op_error(op, (a,), error) from error
    return _node(op, data, born, a, None, None, None)


def _node(
    op: Op, data: Any, born: int, first: Value | None, second: Value | None,
    more: tuple[Value, ...] | None, attrs: dict[str, Any] | None, saved: Any = None,
) -> Value:
    """The node of `data`, computed by `op` from its operands (`first` and `second` for one
    or two, else `more`) at time `born`, keeping what `op` saved for backward; a constant
    under `no_grad()`."""
    if type(data) is not float and type(data) is np.float64:
        data = float(data)
    switches = modes.shared
    if switches.detect_anomaly:
        check_finite(data, op, _parents(first, second, more), "forward")
    # One field a statement: `a.x, a.y, … = …` of more than three builds and unpacks a tuple.
    node = Value.__new__(Value)
    node._data = data
    node._version = born
    node._grad = node._label = node.group = None
    # The thread's own switch is read only while some no_grad() block is open (see modes).
    if switches.no_grad_blocks and not modes.local.grad_enabled:
        node.op = node._first = node._second = node._more = node.attrs = node.saved = None
        node.requires_grad = False
        return node
    node.op = op
    node.attrs = attrs
    node.saved = saved
    node._first = first
    node._second = second
    node._more = more
    if more is not None:
        node.requires_grad = any(map(needs_grad, more))
    else:
        node.requires_grad = (first is not None and first.requires_grad) or (
            second is not None and second.requires_grad)
    return node


def recompute_in_numpy(
    function: Any, args: Sequence[Any], attrs: dict, error: Exception, op: Op, parents: Sequence
) -> Any:
    """Redo a computation that failed on Python floats in numpy float64, like arrays would.

    `1.0 / 0.0` raises ZeroDivisionError in Python but is `inf` (with a warning) in numpy;
    scalars and arrays must agree. An error that is not about floats (shapes that do not
    fit) is re-raised with the op's name and the operands' shapes.
    """
    if any(type(arg) is float for arg in args):
        try:
            result = function(*[np.float64(a) if type(a) is float else a for a in args], **attrs)
        except (*ARITHMETIC_ERRORS, TypeError, IndexError):
            pass  # not a float problem after all: report the original error
        else:
            return float(result) if type(result) is np.float64 else result
    raise _op_error(op, parents, error) from error


def _op_error(op: Op, parents: Sequence[Value], error: Exception) -> Exception:
    """A clear error naming the op, its operands' shapes and labels, and how to fix it."""
    shapes = " and ".join(str(p.shape) for p in parents)
    labels = ", ".join(p.label or "unnamed" for p in parents)
    hint = f" Hint: {op.shape_hint}." if op.shape_hint else ""
    message = f"{op.name}: cannot apply to shapes {shapes} ({labels}).{hint} (numpy: {error})"
    return ShapeError(message) if isinstance(error, ValueError | IndexError) else TypeError(message)


def _check_index(index: Any) -> Any:
    """Refuse Values as indices (they are data, not positions)."""
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(p, Value) for p in parts):
        raise TypeError("getitem: index with ints, slices or integer arrays, not with a Value")
    return index


def check_finite(data: Any, op: Op, parents: Sequence[Value], stage: str, node: Any = None) -> None:
    """Under anomaly detection: raise if `data` holds NaN or infinity, naming op and inputs."""
    finite = math.isfinite(data) if type(data) is float else np.all(np.isfinite(ops.data_of(data)))
    if finite:
        return
    what = "nan" if np.any(np.isnan(ops.data_of(data))) else "inf"
    inputs = ", ".join(f"{describe(p)} = {_summary(p.data)}" for p in parents)
    where = f" (at node {describe(node)})" if node is not None else ""
    raise AnomalyError(f"{op.name} produced {what} in the {stage} pass{where}; inputs: {inputs}")


def stack(values: Sequence[Any], axis: int = 0) -> Value:
    """Join scalars (or same-shaped tensors) along a new axis: from scalars to a tensor."""
    return record(ops.STACK, *_operand_list("stack", values), axis=axis)


def concatenate(values: Sequence[Any], axis: int = 0) -> Value:
    """Join tensors along an existing axis."""
    return record(ops.CONCATENATE, *_operand_list("concatenate", values), axis=axis)


def _operand_list(caller: str, values: Any) -> list[Any]:
    """The operands of stack or concatenate as a list, or a clear error."""
    if isinstance(values, Value | np.ndarray | str) or not hasattr(values, "__iter__"):
        raise TypeError(f"{caller}: give a list of Values (or numbers and arrays), not "
                        f"{type(values).__name__}; e.g. ts.{caller}([a, b])")
    return list(values)


def affine(x: Any, weight: Any, bias: Any) -> Value:
    """x @ weight + bias as one node: a tensor layer's pre-activation (fewer nodes, faster)."""
    return record(ops.AFFINE, x, weight, bias)


def weighted_sum(weights: Sequence[Any], inputs: Sequence[Any], bias: Any = 0.0) -> Value:
    """z = w1·x1 + w2·x2 + … + b as one node (a scalar neuron's z), so ∂z/∂w1 = x1 shows
    on its edge."""
    for name, values in (("weights", weights), ("inputs", inputs)):
        if type(values) is not list and not isinstance(values, Sequence):
            raise TypeError(f"weighted_sum: {name} must be a list of numbers or Values, not "
                            f"{type(values).__name__}")
    if len(weights) != len(inputs):
        raise ShapeError(f"weighted_sum: {len(weights)} weights but {len(inputs)} inputs")
    operands = [bias] * (2 * len(weights) + 1)  # w1, x1, w2, x2, …, b: filled by slices,
    operands[0:-1:2] = weights  # a fifth of the time of a loop over the pairs
    operands[1:-1:2] = inputs
    return record(ops.WEIGHTED_SUM, *operands)


# ------------------------------------------------------------------------- the graph


def topological_order(root: Value, follow: Callable[[Value], bool] | None = None) -> list[Value]:
    """Every node `root` depends on, each after its parents, `root` last.

    Iterative depth-first search: graph depth is limited by memory, not by recursion.
    With `follow`, only parents for which `follow(parent)` is true are visited (backward
    passes `needs_grad`, which is read here as the attribute: cheaper than a call per edge).
    A node taken off the stack goes back on under a `None` mark, its parents above it:
    when the mark comes off again, all its parents are in the order, so it goes in next.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: root must be a Value, not {type(root).__name__}")
    grad_only = follow is needs_grad
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is None:  # the mark: every parent of the node under it is in the order
            order.append(stack.pop())
            continue
        if node in visited:  # pushed by two children before it was reached
            continue
        visited.add(node)
        stack.append(node)
        stack.append(None)
        # Parents go on last to first, so the first is visited first. One or two parents
        # are read from their slots, written out: a tuple per node would cost 30 %.
        more = node._more
        if more is None:
            parent = node._second
            if parent is not None and parent not in visited and (
                    parent.requires_grad if grad_only else follow is None or follow(parent)):
                stack.append(parent)
            parent = node._first
            if parent is not None and parent not in visited and (
                    parent.requires_grad if grad_only else follow is None or follow(parent)):
                stack.append(parent)
        else:
            for parent in reversed(more):
                if parent not in visited and (
                        parent.requires_grad if grad_only else follow is None or follow(parent)):
                    stack.append(parent)
    return order


def describe(node: Value, depth: int = 2) -> str:
    """A short readable name: the label, a constant's value, or the op over its operands."""
    if node.label:
        return node.label
    if node.op is None:
        return _summary(node.data)
    if depth == 0:
        return "…"
    text = expression(node, lambda parent: describe(parent, depth - 1))
    return f"({text})" if node.op.infix else text


def op_of(node: Value) -> Op:
    """The op that computed `node`, for code that walks a graph's edges (a node with parents
    always has one); a leaf has none, and asking for it is a mistake named here."""
    op = node.op
    if op is None:
        raise ValueError(f"{describe(node)} is a leaf: no op computed it")
    return op


def expression(node: Value, name: Callable[[Value], str]) -> str:
    """`node`'s op written over its operands' names: 'x1 × x2', 'tanh(u1)'."""
    operands = [name(parent) for parent in node.parents]
    op = op_of(node)
    if op.infix:
        return f" {op.symbol} ".join(operands)
    return f"{op.name}({', '.join(map(_unwrapped, operands))})"


def _unwrapped(text: str) -> str:
    """`text` without parentheses around the whole of it: an argument of sigmoid(…) needs
    none of its own, so 'sigmoid(x × 2)', not 'sigmoid((x × 2))'."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position < len(text) - 1:
            return text  # '(a) × (b)': the first parenthesis closes before the end
    return text[1:-1]


def _summary(x: Any, digits: int = 4) -> str:
    """A number to `digits` significant digits, or a small array, or a shape for a big one."""
    if x is None:
        return "None"
    if isinstance(x, Value):
        return describe(x)
    if np.ndim(x) == 0:
        return f"{float(x):.{digits}g}"
    if np.size(x) <= 6:
        text = np.array2string(np.asarray(x), precision=digits, separator=", ")
        return text.replace("\n", "")
    return f"<{np.result_type(x)} {np.shape(x)}>"
