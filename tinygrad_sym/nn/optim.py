"""Optimizers: turn each parameter's gradient into a step, in place, without recording a graph.

Array parameters are updated in place (`p.data -= …`, same dtype, no new array per step);
scalar parameters hold immutable Python floats, so they get a new float.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..value import Value
from .module import reset_grad


class Optimizer:
    """Holds the parameters to update; `step()` moves them, `zero_grad()` resets their grads."""

    def __init__(self, parameters: Iterable[Value], lr: float) -> None:
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError(f"{type(self).__name__} got no parameters to optimise")
        self.lr = lr

    def zero_grad(self) -> None:
        for parameter in self.parameters:
            reset_grad(parameter)

    def step(self) -> None:
        raise NotImplementedError


def _gradient(parameter: Value) -> float | np.ndarray:
    if parameter.grad is None:
        raise RuntimeError(f"{parameter.label or 'a parameter'} has no gradient: call backward() "
                           "on the loss before step()")
    return parameter.grad


class SGD(Optimizer):
    """Gradient descent: p ← p − lr·v, with velocity v ← momentum·v + ∂J/∂p (v = ∂J/∂p if 0)."""

    def __init__(self, parameters: Iterable[Value], lr: float = 0.1, momentum: float = 0.0):
        super().__init__(parameters, lr)
        self.momentum = momentum
        self.velocities: list[float | np.ndarray | None] = [None] * len(self.parameters)

    def step(self) -> None:
        lr, momentum = self.lr, self.momentum
        for index, parameter in enumerate(self.parameters):
            grad = _gradient(parameter)
            if momentum:
                velocity = self.velocities[index]
                if velocity is None:
                    velocity = self.velocities[index] = grad * 1  # a copy, also of a float
                elif type(parameter.data) is float:
                    velocity = self.velocities[index] = momentum * velocity + grad
                else:
                    velocity *= momentum
                    velocity += grad
                grad = velocity
            if type(parameter.data) is float:
                parameter.data = float(parameter.data - lr * grad)
            else:
                parameter.data -= (lr * grad).astype(parameter.data.dtype, copy=False)


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
        self.betas, self.eps = betas, eps
        self.steps = 0
        self.means: list[float | np.ndarray] = [
            0.0 if type(p.data) is float else np.zeros_like(p.data) for p in self.parameters
        ]
        self.squares: list[float | np.ndarray] = [
            0.0 if type(p.data) is float else np.zeros_like(p.data) for p in self.parameters
        ]

    def step(self) -> None:
        beta1, beta2 = self.betas
        self.steps += 1
        # The bias corrections folded into the step size: lr·√(1 − β2ᵗ)/(1 − β1ᵗ).
        step_size = self.lr * math.sqrt(1 - beta2**self.steps) / (1 - beta1**self.steps)
        eps = self.eps * math.sqrt(1 - beta2**self.steps)
        for index, parameter in enumerate(self.parameters):
            grad = _gradient(parameter)
            if type(parameter.data) is float:
                mean = self.means[index] = beta1 * self.means[index] + (1 - beta1) * grad
                square = self.squares[index] = beta2 * self.squares[index] + (1 - beta2) * grad**2
                update = step_size * mean / (math.sqrt(square) + eps)
                parameter.data = float(parameter.data - update)
                continue
            mean, square = self.means[index], self.squares[index]
            mean *= beta1
            mean += (1 - beta1) * grad
            square *= beta2
            square += (1 - beta2) * grad * grad
            update = np.sqrt(square)
            update += eps
            np.divide(mean, update, out=update)
            update *= step_size
            parameter.data -= update
