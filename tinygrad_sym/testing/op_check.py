"""`check_op(op)`: every rule of an op against finite differences, on random inputs.

    softplus = ts.custom_op("softplus", ...)
    ts.testing.check_op(softplus)           # True, or GradcheckError naming the wrong edge

For inputs drawn by the shipped hypothesis strategies (Python floats, and float64 arrays of
0 to 3 axes that broadcast together), it checks, edge by edge (operand by operand):

1. the backward rules (gradcheck: backward against central differences),
2. grad of grad (gradgradcheck: the rules are themselves differentiable, create_graph=True),
3. the forward rules (jvp against the difference along a random direction).

The first wrong edge is reported with its derivative text, both numbers and the inputs,
after hypothesis has shrunk them to a small example.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings

from .. import ops
from ..errors import GradcheckError
from ..value import Value
from . import strategies
from .gradcheck import Mismatch, gradient_mismatch, jvp_mismatch, projected_first_gradient


def check_op(
    op: ops.Op,
    *,
    low: float = -3.0,
    high: float = 3.0,
    min_magnitude: float = 0.0,
    attrs: dict[str, Any] | None = None,
    operands: Any = None,
    examples: int = 30,
    second_order: bool = True,
    forward_mode: bool = True,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """True if every backward rule, their own derivatives and every forward rule of `op`
    agree with finite differences on `examples` random inputs; else `GradcheckError`
    naming the first wrong edge (operand → op), its derivative text and both numbers.

    Inputs lie in [low, high], at least `min_magnitude` from 0 (keep away from kinks and
    poles: relu at 0, 1/x); `attrs` are the op's settings (`axis=...`); `operands` replaces
    the default strategy by any hypothesis strategy of lists of operands. The run is
    deterministic (the same examples every time).
    """
    attrs = attrs or {}
    names = _operand_names(op, attrs)
    if forward_mode and op.jvp is None:
        raise ValueError(
            f"check_op({op.name}): the op has no forward-mode rule; give it jvp=(...) or "
            "elementwise=True, or check without it: check_op(op, forward_mode=False)")
    if operands is None:
        if names is None:
            raise ValueError(f"check_op({op.name}): the op takes any number of operands; "
                             "pass operands=<a hypothesis strategy of lists of operands>")
        operands = strategies.operands(len(names), low=low, high=high,
                                       min_magnitude=min_magnitude)

    def applied(*leaves: Value) -> Value:
        """The op on the leaves, with the settings given."""
        return ops.apply(op, *leaves, **attrs)

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(operands)
    def every_edge(inputs: list[Any]) -> None:
        """One drawn example, checked edge by edge."""
        _check_example(op, applied, list(inputs), names, second_order, forward_mode, atol, rtol)

    every_edge()
    return True


def _operand_names(op: ops.Op, attrs: dict[str, Any]) -> tuple[str, ...] | None:
    """The operands' names: a custom op's parameters, else the forward's positional
    parameters without defaults and not given in `attrs`; None when they cannot be read or
    are any number."""
    names = getattr(op, "operand_names", None)
    if names is not None:
        return names
    try:
        parameters = inspect.signature(op.forward).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return tuple(p.name for p in parameters
                 if p.kind in positional and p.default is p.empty and p.name not in attrs)


def _check_example(
    op: ops.Op,
    applied: Callable[..., Value],
    inputs: list[Any],
    names: Sequence[str] | None,
    second_order: bool,
    forward_mode: bool,
    atol: float,
    rtol: float,
) -> None:
    """Check one example, edge by edge; raise at the first wrong one."""
    names = list(names or [f"operand {i + 1}" for i in range(len(inputs))])
    shown = "; ".join(f"{name} = {_summary(x)}" for name, x in zip(names, inputs, strict=True))
    result = applied(*(Value(x, requires_grad=False) for x in inputs)).data
    if not np.all(np.isfinite(result)):
        raise GradcheckError(
            f"check_op({op.name}): the forward gives {_summary(result)} for {shown}; keep the "
            "inputs in the op's domain with low=, high= or min_magnitude=")

    def fail(mismatch: Mismatch, what: str, computed_by: str, in_result: bool = False) -> Any:
        """The error naming the wrong edge, its formula, both numbers and the inputs."""
        name = names[mismatch.input]
        formula = op.derivative(mismatch.input, names, op.name)
        where = f" at element {mismatch.index} of {'the result' if in_result else name}" if (
            mismatch.index) else ""
        return GradcheckError(
            f"check_op({op.name}): edge {name} → {op.name} (∂{op.name}/∂{name} = {formula}): "
            f"{what} is wrong{where}: {computed_by} gives {mismatch.computed:.8g}, finite "
            f"differences give {mismatch.numeric:.8g}; inputs: {shown}")

    # Projected on ones first (for an elementwise op the numbers are then the derivatives
    # themselves), then on random directions (which no wrong rule can fool by symmetry).
    for seed in (None, 0):
        _, mismatch = gradient_mismatch(applied, inputs, atol=atol, rtol=rtol, seed=seed)
        if mismatch:
            raise fail(mismatch, "the backward rule", "backward")
    for seed in (None, 0) if second_order else ():
        _, mismatch = gradient_mismatch(projected_first_gradient(applied, seed), inputs,
                                        atol=atol, rtol=rtol, seed=seed)
        if mismatch:
            raise fail(mismatch, "grad of grad (first order is right, so a backward rule "
                       "computes a constant where it should follow the operands: fn.data, or "
                       "numpy on .data)", "create_graph=True")
    for seed in (None, 0) if forward_mode else ():
        for which in range(len(inputs)):
            mismatch = jvp_mismatch(applied, inputs, which, atol=atol, rtol=rtol, seed=seed)
            if mismatch:
                raise fail(mismatch, "the forward (jvp) rule", "jvp", in_result=True)


def _summary(x: Any) -> str:
    """A number or a small array, briefly."""
    if np.ndim(x) == 0:
        return f"{float(x):.6g}"
    text = np.array2string(np.asarray(x), precision=4, separator=", ", threshold=12)
    return text.replace("\n", "")
