"""Optimizers: turn each parameter's gradient into a step, without recording a graph.

A step is all or nothing: the new values (and the optimizer's own state) are computed
first, from gradients that were all checked, then written in one go with Ctrl-C held back
(`interrupts.deferred_interrupts`), so no parameter is ever a step ahead of another. Array
parameters are updated in place (`p.data -= …`, same dtype); scalar parameters hold
immutable Python floats, so they get a new float. Every step moves the parameters'
`version` on, so a graph recorded before the step refuses to be differentiated again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..value import Value, describe, mark_changed, reset_grad
from .interrupts import deferred_interrupts


def _check_number(owner: str, name: str, value: Any, low: float, high: float = math.inf,
                  high_included: bool = True) -> float:
    """`value` as a float, if it is a real number in [low, high] (or [low, high)), else a
    clear error naming the optimizer and the setting."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{owner}: {name} must be a number, not {type(value).__name__} "
                        f"{value!r:.40}")
    value = float(value)
    inside = low <= value <= high if high_included else low <= value < high
    inside = inside and math.isfinite(value)
    if not inside:
        upper = f"{high:g}]" if high_included else f"{high:g})"
        raise ValueError(f"{owner}: {name} must be a finite number in [{low:g}, {upper}, "
                         f"got {value!r}")
    return value


class Optimizer:
    """Holds the parameters to update; `step()` moves them, `zero_grad()` resets their grads.

    `steps` counts the steps taken. A subclass computes a step with `_plan` (changing
    nothing) and its state is swapped in by `_commit`.
    """

    def __init__(self, parameters: Iterable[Value], lr: float) -> None:
        name = type(self).__name__
        if isinstance(parameters, Value):
            parameters = [parameters]
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError(f"{name} got no parameters to optimise")
        seen: set[int] = set()
        for parameter in self.parameters:
            if not isinstance(parameter, Value):
                raise TypeError(f"{name}: parameters must be Values, not "
                                f"{type(parameter).__name__} {parameter!r:.40}")
            if parameter.op is not None or not parameter.requires_grad:
                kind = "computed by an op" if parameter.op is not None else "a constant"
                raise ValueError(f"{name}: {describe(parameter)} is {kind}; only leaves that "
                                 "require a gradient (Value(data)) can be optimised")
            if id(parameter) in seen:
                raise ValueError(f"{name}: {describe(parameter)} is listed twice; it would be "
                                 "stepped twice per step")
            seen.add(id(parameter))
        self.lr = _check_number(name, "lr", lr, 0.0)
        self.steps = 0

    def zero_grad(self) -> None:
        for parameter in self.parameters:
            reset_grad(parameter)

    def step(self) -> None:
        """Move every parameter one step against its gradient: all of them, or none."""
        gradients = [_gradient(parameter) for parameter in self.parameters]
        updates, state = self._plan(gradients)
        with deferred_interrupts():
            for parameter, update in zip(self.parameters, updates, strict=True):
                if type(parameter._data) is float:
                    parameter._data = float(parameter._data - update)
                else:
                    parameter._data -= update
            self._commit(state)
            self.steps += 1
            mark_changed(*self.parameters)

    def _plan(self, gradients: list[Any]) -> tuple[list[Any], Any]:
        """The step of each parameter (subtracted from its data) and the optimizer's next
        state, computed without changing anything."""
        raise NotImplementedError

    def _commit(self, state: Any) -> None:
        """Take on the state `_plan` computed (a few assignments, never interrupted)."""


def _gradient(parameter: Value) -> float | np.ndarray:
    """The parameter's gradient as raw data, checked: present, and of the parameter's shape."""
    grad, data = parameter.grad, parameter._data
    if type(grad) is np.ndarray and type(data) is np.ndarray and grad.shape == data.shape:
        return grad  # the usual case, first
    if grad is None:
        raise RuntimeError(f"{describe(parameter)} has no gradient: call backward() on the loss "
                           "before step()")
    if isinstance(grad, Value):
        grad = grad._data
    shape = grad.shape if type(grad) is np.ndarray else np.shape(grad)
    if shape != parameter.shape:
        raise ShapeError(f"the gradient of {describe(parameter)} has shape {np.shape(grad)}, "
                         f"the parameter {parameter.shape}; they must be equal")
    return grad


def _as_step(update: Any, parameter: Value) -> Any:
    """`update` in the parameter's dtype (a float for a scalar parameter)."""
    data = parameter._data
    if type(data) is float:
        return float(update)
    if type(update) is np.ndarray and update.dtype is data.dtype:  # nothing to convert
        return update
    return np.asarray(update).astype(data.dtype, copy=False)


class SGD(Optimizer):
    """Gradient descent: p ← p − lr·v, with velocity v ← momentum·v + ∂J/∂p (v = ∂J/∂p if 0)."""

    def __init__(self, parameters: Iterable[Value], lr: float = 0.1, momentum: float = 0.0):
        super().__init__(parameters, lr)
        self.momentum = _check_number("SGD", "momentum", momentum, 0.0, 1.0, False)
        self.velocities: list[float | np.ndarray | None] = [None] * len(self.parameters)

    def _plan(self, gradients: list[Any]) -> tuple[list[Any], Any]:
        lr, momentum = self.lr, self.momentum
        if not momentum:
            return [_as_step(lr * g, p) for p, g in zip(self.parameters, gradients,
                                                        strict=True)], None
        velocities = [g * 1 if v is None else momentum * v + g  # g * 1: a copy, of a float too
                      for v, g in zip(self.velocities, gradients, strict=True)]
        steps = [_as_step(lr * v, p) for p, v in zip(self.parameters, velocities, strict=True)]
        return steps, velocities

    def _commit(self, state: Any) -> None:
        if state is not None:
            self.velocities = state


class Adam(Optimizer):
    """Adam (Kingma & Ba): steps of lr·m̂/(√v̂ + ε), m and v running means of g and g²."""

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(parameters, lr)
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise TypeError(f"Adam: betas must be a pair of numbers, got {betas!r:.40}")
        self.betas = tuple(_check_number("Adam", f"betas[{i}]", beta, 0.0, 1.0, False)
                           for i, beta in enumerate(betas))
        self.eps = _check_number("Adam", "eps", eps, 0.0)
        self.means: list[float | np.ndarray] = [
            0.0 if type(p._data) is float else np.zeros_like(p._data) for p in self.parameters
        ]
        self.squares: list[float | np.ndarray] = [
            0.0 if type(p._data) is float else np.zeros_like(p._data) for p in self.parameters
        ]

    def _plan(self, gradients: list[Any]) -> tuple[list[Any], Any]:
        beta1, beta2 = self.betas
        t = self.steps + 1
        # The bias corrections folded into the step size: lr·√(1 − β2ᵗ)/(1 − β1ᵗ).
        step_size = self.lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
        eps = self.eps * math.sqrt(1 - beta2**t)
        means, squares, steps = [], [], []
        for parameter, grad, mean, square in zip(self.parameters, gradients, self.means,
                                                 self.squares, strict=True):
            mean = beta1 * mean + (1 - beta1) * grad
            square = beta2 * square + (1 - beta2) * (grad * grad)
            if type(parameter._data) is float:
                steps.append(step_size * mean / (math.sqrt(square) + eps))
            else:
                denominator = np.sqrt(square)
                denominator += eps
                steps.append(_as_step(step_size * mean / denominator, parameter))
            means.append(mean)
            squares.append(square)
        return steps, (means, squares)

    def _commit(self, state: Any) -> None:
        self.means, self.squares = state
