"""Check gradients against central finite differences, in float64.

For a function f of some inputs, backward gives vᵀ·J (the gradient of Σ v·f for a fixed
random v). Central differences estimate the same numbers one input element at a time:
(Σ v·f(x + ε) − Σ v·f(x − ε)) / 2ε. A random v checks every output at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..autograd import grad
from ..errors import GradcheckError
from ..value import Value, describe, topological_order


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
    return _check(fn, inputs, eps, atol, rtol, seed, constant_output_ok=False)


def _check(
    fn: Callable[..., Value], inputs: Sequence[Any], eps: float, atol: float, rtol: float,
    seed: int, constant_output_ok: bool,
) -> bool:
    """`gradcheck`; with `constant_output_ok`, an output that does not depend on the inputs
    passes when finite differences agree (a second derivative may be zero everywhere)."""
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be a function of the inputs, not "
                        f"{type(fn).__name__}")
    if isinstance(inputs, Value | np.ndarray | int | float) or not hasattr(inputs, "__iter__"):
        raise TypeError("gradcheck: inputs must be a list of the function's arguments, "
                        f"e.g. [x] for one, not {type(inputs).__name__}")
    leaves = [_as_float64_leaf(x, i) for i, x in enumerate(inputs)]
    output = fn(*leaves)
    if not isinstance(output, Value):
        raise TypeError(f"gradcheck: fn must return a Value, it returned {type(output).__name__}")
    projection = np.random.default_rng(seed).standard_normal(output.shape)
    checked = [i for i, leaf in enumerate(leaves) if leaf.requires_grad]
    if not checked:
        raise GradcheckError("gradcheck: no input requires a gradient, so there is nothing "
                             "to check; pass numbers, arrays or Values with requires_grad=True")
    connected = not {id(leaves[i]) for i in checked}.isdisjoint(
        map(id, topological_order(output)))
    if connected:
        seed_grad = projection if output.shape else float(projection)
        analytic = grad(output, [leaves[i] for i in checked], grad_output=seed_grad)
    else:  # no path in the graph from any input to the output: backward gives zeros
        analytic = [np.zeros(leaves[i].shape) for i in checked]
    numerics = {}
    for i, computed in zip(checked, analytic, strict=True):
        computed = np.asarray(computed.data if isinstance(computed, Value) else computed)
        numeric = numerics[i] = _numeric_gradient(fn, leaves, i, projection, eps)
        error = np.abs(computed - numeric) - (atol + rtol * np.abs(numeric))
        if error.size and (np.max(error) > 0 or not np.all(np.isfinite(computed))):
            error = np.where(np.isfinite(error), error, np.inf)
            worst = np.unravel_index(np.argmax(error), error.shape)
            where = f" at index {tuple(int(j) for j in worst)}" if error.ndim else ""
            raise GradcheckError(
                f"gradient of input {i} ({describe(leaves[i])}) is wrong{where}: "
                f"backward gives {computed[worst]:.8g}, finite differences give "
                f"{numeric[worst]:.8g} (atol={atol}, rtol={rtol})"
                + ("" if connected else
                   "; the output is not connected to the inputs in the graph (computed from "
                   ".data, detach() or under no_grad()?)")
            )
    if not connected and not constant_output_ok and not any(map(np.any, numerics.values())):
        raise GradcheckError(
            "gradcheck: the output does not depend on these inputs (no path in the graph, and "
            "finite differences are 0 too), so nothing was checked; pass the inputs the "
            "function computes from"
        )
    return True


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

    def directions(shape: tuple[int, ...], salt: int) -> Any:
        """The same random direction on every call, so the function stays deterministic."""
        direction = np.random.default_rng([seed, salt]).standard_normal(shape)
        return direction if shape else float(direction)

    def projected_first_gradient(*leaves: Value) -> Value:
        output = fn(*leaves)
        wanted = [leaf for leaf in leaves if leaf.requires_grad]
        first = grad(output, wanted, grad_output=directions(output.shape, 0), create_graph=True)
        total = Value(0.0, requires_grad=False)
        for salt, gradient in enumerate(first, start=1):
            total = total + (gradient * directions(gradient.shape, salt)).sum()
        return total

    return _check(projected_first_gradient, inputs, eps, atol, rtol, seed, constant_output_ok=True)
