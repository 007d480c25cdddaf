"""Check derivatives against central finite differences, in float64.

For a function f of some inputs, backward gives vᵀ·J (the gradient of Σ v·f for a fixed
random v). Central differences estimate the same numbers one input element at a time:
(Σ v·f(x + ε) − Σ v·f(x − ε)) / 2ε. A random v checks every output at once. Forward mode
gives J·u for a direction u, which differences estimate in one step along u:
(f(x + εu) − f(x − εu)) / 2ε.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..autograd import grad
from ..errors import GradcheckError
from ..forward import jvp
from ..value import Value, describe, topological_order


@dataclass(frozen=True)
class Mismatch:
    """Where a derivative disagrees with finite differences: the input, the worst element
    (`()` for a scalar), and both numbers."""

    input: int
    index: tuple[int, ...]
    computed: float
    numeric: float

    def where(self) -> str:
        """' at index (1, 0)', or nothing for a scalar."""
        return f" at index {self.index}" if self.index else ""


def _as_float64_leaf(x: Any, index: int) -> Value:
    """A float64 copy of an input; a Value with requires_grad=False stays a constant."""
    if isinstance(x, Value):
        data = x.data if type(x.data) is float else np.asarray(x.data, dtype=np.float64)
        label = x.label or f"input {index}"
        return Value(data, label=label, requires_grad=x.requires_grad)
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"gradcheck: input {index} must be a number, an array of numbers or a "
                        f"Value, not {type(x).__name__} {x!r:.40}")
    data = float(array) if array.ndim == 0 else array.astype(np.float64)
    return Value(data, label=f"input {index}")


def _check_arguments(fn: Any, inputs: Any) -> None:
    """Refuse a function that is not one, and inputs that are not a list of arguments."""
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be a function of the inputs, not "
                        f"{type(fn).__name__}")
    if isinstance(inputs, Value | np.ndarray | int | float) or not hasattr(inputs, "__iter__"):
        raise TypeError("gradcheck: inputs must be a list of the function's arguments, "
                        f"e.g. [x] for one, not {type(inputs).__name__}")


def _connected(fn: Callable[..., Value], leaves: Sequence[Value]) -> bool:
    """Whether fn's output is computed, in the graph, from some leaf that needs a gradient."""
    wanted = {id(leaf) for leaf in leaves if leaf.requires_grad}
    return not wanted.isdisjoint(map(id, topological_order(fn(*leaves))))


def _refuse_vacuous(fn: Callable[..., Value], leaves: list[Value], eps: float,
                    seed: int | None) -> None:
    """Raise GradcheckError when there was nothing to check: no input needs a gradient, or
    the output depends on none of them (not in the graph, and not numerically either)."""
    checked = [i for i, leaf in enumerate(leaves) if leaf.requires_grad]
    if not checked:
        raise GradcheckError("gradcheck: no input requires a gradient, so there is nothing "
                             "to check; pass numbers, arrays or Values with requires_grad=True")
    if _connected(fn, leaves):
        return
    projection = _direction(np.shape(fn(*leaves).data), seed)
    if not any(np.any(_numeric_gradient(fn, leaves, i, projection, eps)) for i in checked):
        raise GradcheckError(
            "gradcheck: the output does not depend on these inputs (no path in the graph, and "
            "finite differences are 0 too), so nothing was checked; pass the inputs the "
            "function computes from"
        )


def _direction(shape: tuple[int, ...], seed: int | None, salt: int = 0) -> Any:
    """A fixed random direction of `shape` (the same on every call), or ones when `seed` is
    None: then derivatives of an elementwise function come out as plain numbers."""
    if seed is None:
        return np.ones(shape) if shape else 1.0
    direction = np.random.default_rng([seed, salt]).standard_normal(shape)
    return direction if shape else float(direction)


def _objective(fn: Callable[..., Value], leaves: Sequence[Value], projection: Any) -> float:
    """Σ projection · fn(leaves), the scalar whose gradient backward computes."""
    return float(np.sum(np.asarray(fn(*leaves).data, dtype=np.float64) * projection))


def _numeric_gradient(
    fn: Callable[..., Value], leaves: list[Value], which: int, projection: Any, eps: float
) -> np.ndarray:
    """Central differences of the objective with respect to every element of one input."""
    original = leaves[which]
    base = np.array(original.data, dtype=np.float64)
    estimate = np.zeros_like(base)
    for position in np.ndindex(base.shape):
        sides = []
        for step in (eps, -eps):
            moved = base.copy()
            moved[position] += step
            data = float(moved) if type(original.data) is float else moved
            leaves[which] = Value(data, original.label)
            sides.append(_objective(fn, leaves, projection))
        estimate[position] = (sides[0] - sides[1]) / (2 * eps)
    leaves[which] = original
    return estimate


def _worst(computed: Any, numeric: Any, which: int, atol: float, rtol: float) -> Mismatch | None:
    """The element where `computed` misses `numeric` by most beyond the tolerance, if any
    (a computed NaN or infinity always misses)."""
    computed = np.asarray(computed.data if isinstance(computed, Value) else computed, np.float64)
    numeric = np.asarray(numeric, np.float64)
    error = np.abs(computed - numeric) - (atol + rtol * np.abs(numeric))
    if not error.size or not (np.max(error) > 0 or not np.all(np.isfinite(computed))):
        return None
    error = np.where(np.isfinite(error), error, np.inf)
    worst = np.unravel_index(np.argmax(error), error.shape)
    return Mismatch(which, tuple(int(j) for j in worst), float(computed[worst]),
                    float(numeric[worst]))


def gradient_mismatch(
    fn: Callable[..., Value],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int | None = 0,
) -> tuple[list[Value], Mismatch | None]:
    """The float64 leaves made from `inputs`, and the first input whose gradient from
    backward (projected on a random direction, or on ones when `seed` is None) misses
    central finite differences (None when every one agrees)."""
    leaves = [_as_float64_leaf(x, i) for i, x in enumerate(inputs)]
    output = fn(*leaves)
    if not isinstance(output, Value):
        raise TypeError(f"gradcheck: fn must return a Value, it returned {type(output).__name__}")
    projection = _direction(output.shape, seed)
    checked = [i for i, leaf in enumerate(leaves) if leaf.requires_grad]
    if output.requires_grad:
        analytic = grad(output, [leaves[i] for i in checked], grad_output=projection)
    else:  # fn ignores its inputs: every gradient is zero
        analytic = [np.zeros(leaves[i].shape) for i in checked]
    for i, computed in zip(checked, analytic, strict=True):
        numeric = _numeric_gradient(fn, leaves, i, projection, eps)
        mismatch = _worst(computed, numeric, i, atol, rtol)
        if mismatch:
            return leaves, mismatch
    return leaves, None


def gradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """True if backward's gradients of `fn(*inputs)` match central finite differences.

    Inputs (numbers, arrays or Values) are copied to float64; a Value with
    requires_grad=False is held constant and not checked. Raises `GradcheckError` naming
    the input, the worst element, and the analytic and numeric values; also when there is
    nothing to check (no input requires a gradient, or the output does not depend on the
    inputs at all), rather than passing vacuously.
    """
    return _gradcheck(fn, inputs, eps, atol, rtol, seed, vacuous_ok=False)


def _gradcheck(
    fn: Callable[..., Value], inputs: Sequence[Any], eps: float, atol: float, rtol: float,
    seed: int, vacuous_ok: bool,
) -> bool:
    """`gradcheck`; with `vacuous_ok`, an output that does not depend on the inputs passes
    when finite differences agree (a second derivative may be zero everywhere)."""
    _check_arguments(fn, inputs)
    leaves, mismatch = gradient_mismatch(fn, inputs, eps, atol, rtol, seed)
    if mismatch:
        hint = "" if _connected(fn, leaves) else (
            "; the output is not connected to the inputs in the graph (computed from .data, "
            "detach() or under no_grad()?)")
        raise GradcheckError(
            f"gradient of input {mismatch.input} ({describe(leaves[mismatch.input])}) is wrong"
            f"{mismatch.where()}: backward gives {mismatch.computed:.8g}, finite differences "
            f"give {mismatch.numeric:.8g} (atol={atol}, rtol={rtol}){hint}"
        )
    if not vacuous_ok:
        _refuse_vacuous(fn, leaves, eps, seed)
    return True


def projected_first_gradient(
    fn: Callable[..., Value], seed: int | None = 0
) -> Callable[..., Value]:
    """A scalar function of the same inputs: the gradient of `fn` (with create_graph=True),
    projected on fixed random directions (ones when `seed` is None). Its own gradient
    holds fn's second derivatives."""

    def projected(*leaves: Value) -> Value:
        """Σ direction · ∂fn/∂leaf over the leaves that need a gradient, as a Value."""
        output = fn(*leaves)
        wanted = [leaf for leaf in leaves if leaf.requires_grad]
        first = grad(output, wanted, grad_output=_direction(output.shape, seed),
                     create_graph=True)
        total = Value(0.0, requires_grad=False)
        for salt, gradient in enumerate(first, start=1):
            total = total + (gradient * _direction(gradient.shape, seed, salt)).sum()
        return total

    return projected


def gradgradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """True if second derivatives of `fn` (grad of grad, via create_graph) are right.

    It checks the first derivatives (`gradcheck`), then differentiates the first gradient,
    projected on random directions, and compares that with finite differences of the first
    gradient itself (which may not depend on the inputs: a linear fn).
    """
    gradcheck(fn, inputs, eps, atol, rtol, seed)
    return _gradcheck(projected_first_gradient(fn, seed), inputs, eps, atol, rtol, seed,
                      vacuous_ok=True)


def jvp_mismatch(
    fn: Callable[..., Value],
    inputs: Sequence[Any],
    which: int,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int | None = 0,
) -> Mismatch | None:
    """Where forward mode's J·u, input `which` moving along a random u (ones when `seed` is
    None) and the others still, misses the central difference (f(x + εu) − f(x − εu)) / 2ε
    (None if nowhere)."""
    leaves = [_as_float64_leaf(x, i) for i, x in enumerate(inputs)]
    tangents = [np.zeros(leaf.shape) if leaf.shape else 0.0 for leaf in leaves]
    direction = _direction(leaves[which].shape, seed, which)
    tangents[which] = direction
    _, computed = jvp(fn, leaves, tangents)
    sides = []
    for step in (eps, -eps):
        moved = np.asarray(leaves[which].data, np.float64) + step * direction
        shifted = list(leaves)
        shifted[which] = Value(moved if leaves[which].shape else float(moved))
        sides.append(np.asarray(fn(*shifted).data, np.float64))
    return _worst(computed, (sides[0] - sides[1]) / (2 * eps), which, atol, rtol)


def jvpcheck(
    fn: Callable[..., Value],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """True if forward mode (`ts.jvp`) matches central finite differences, each input
    moving along its own random direction. Raises `GradcheckError` naming the input, the
    worst element of the output, and both numbers."""
    for which in range(len(inputs)):
        mismatch = jvp_mismatch(fn, inputs, which, eps, atol, rtol, seed)
        if mismatch:
            raise GradcheckError(
                f"forward-mode derivative along input {which} is wrong{mismatch.where()} of "
                f"the output: jvp gives {mismatch.computed:.8g}, finite differences give "
                f"{mismatch.numeric:.8g} (atol={atol}, rtol={rtol})"
            )
    return True
