"""Training: the cost over a batch, a `fit` loop with a history, predictions and accuracy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from ..modes import no_grad
from ..seeding import rng
from ..value import Value, constant, stack
from .layers import Sequential
from .losses import LOSSES, binary_cross_entropy
from .optim import Adam, Optimizer
from .progress import ProgressBar

Loss = Callable[..., Value]


def _resolve_loss(loss: Loss | str) -> Loss:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}: use one of {', '.join(LOSSES)}")
        return LOSSES[loss]
    return loss


def cost(model: Sequential, X: Any, y: Any, loss: Loss | str = binary_cross_entropy) -> Value:
    """J, the mean loss of `model` over the examples (rows of X, y), labelled "J".

    A tensor net computes it in one pass. A scalar net runs example by example: each
    example's loss is labelled L1, L2, … and J = mean(L1, L2, …) (one example: J = L1).
    """
    loss = _resolve_loss(loss)
    if not model.scalar:
        return loss(model(X if isinstance(X, Value) else constant(X, "X")), y)
    losses = []
    for index, (inputs, target) in enumerate(zip(X, y, strict=True)):
        output = model(inputs)
        target = np.asarray(target)
        if isinstance(output, Value) and target.size == 1:
            target = target.reshape(()).item()  # a single output unit: its target as a number
        losses.append(loss(output, target, label=f"L{index + 1}"))
    total = losses[0] if len(losses) == 1 else stack(losses).mean()
    total.label = "J"
    return total


def predict(model: Sequential, X: Any) -> np.ndarray:
    """The net's outputs for a batch, as an array (n, outputs), without recording a graph."""
    with no_grad():
        if not model.scalar:
            return np.asarray(model(X).data)
        rows = []
        for inputs in X:
            output = model(inputs)
            outputs = [output] if isinstance(output, Value) else output
            rows.append([value.data for value in outputs])
        return np.array(rows)


def accuracy(model: Sequential, X: Any, y: Any, threshold: float = 0.5) -> float:
    """The fraction of examples classified right.

    One output: the class is 1 when the output ≥ `threshold` (0.5 for a sigmoid; use 0 for
    logits), compared with y (n or n×1 of 0/1). Several outputs: the class is the argmax,
    compared with integer labels y.
    """
    outputs = predict(model, X)
    y = np.asarray(y)
    if outputs.shape[-1] == 1:
        predicted = (outputs.reshape(-1) >= threshold).astype(float)
        return float(np.mean(predicted == y.reshape(-1)))
    return float(np.mean(outputs.argmax(axis=-1) == y.reshape(-1)))


@dataclass(repr=False)
class History:
    """What `fit` saw: the loss of every epoch and, on request, the parameters at every step.

    `parameters[0]` is the state before the first step, `parameters[t]` after step t.
    `cost(model, X, y)` is the cost `fit` minimised, so a recorded step can be replayed
    (`ts.film` draws the graph of every step with it). Its repr is a one-line summary
    (epochs, first and last loss, what was recorded).
    """

    loss: list[float] = field(default_factory=list)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    locate: Callable[[str], tuple[str, tuple[int, ...]]] | None = None
    cost: Callable[[Any, Any, Any], Value] | None = None

    def __repr__(self) -> str:
        epochs = f"{len(self.loss)} epoch{'s' * (len(self.loss) != 1)}"
        loss = f", loss {self.loss[0]:.4g} → {self.loss[-1]:.4g}" if self.loss else ""
        recorded = (f"{len(self.parameters)} parameter states recorded (.trajectory(name))"
                    if self.parameters else "parameters not recorded")
        return f"History({epochs}{loss}, {recorded})"

    def trajectory(self, name: str) -> np.ndarray:
        """The values of one parameter over the steps: by its own name (W1, or w3 in a scalar
        net), or by a scalar name in a tensor net (w3 is read from W1[0, 1])."""
        if not self.parameters:
            raise ValueError("no parameters recorded: call fit(..., record_parameters=True)")
        if name in self.parameters[0]:
            return np.array([state[name] for state in self.parameters])
        if self.locate is None:
            raise KeyError(f"no parameter {name!r} recorded")
        tensor, index = self.locate(name)
        return np.array([state[tensor][index] for state in self.parameters])


def fit(
    model: Sequential,
    X: Any,
    y: Any,
    loss: Loss | str = binary_cross_entropy,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    shuffle: bool = True,
    progress: bool = True,
    record_parameters: bool = False,
) -> History:
    """Train `model` on (X, y) by gradient descent; return the `History`.

    Each step: zero the gradients, J = cost of a batch, J.backward(), optimizer.step().
    `batch_size=None` uses the whole data set every step (one step per epoch); otherwise
    the examples are shuffled each epoch with the library's seeded generator. The default
    optimizer is Adam with lr = 0.01. A progress bar shows on a terminal unless
    `progress=False`.
    """
    loss = _resolve_loss(loss)
    X, y = np.asarray(X), np.asarray(y)
    optimizer = optimizer or Adam(model.parameters(), lr=0.01)
    count = len(X)
    size = batch_size or count
    history = History(locate=model.locate, cost=partial(cost, loss=loss))
    if record_parameters:
        history.parameters.append(model.state_dict())
    bar = ProgressBar(epochs, enabled=progress)
    try:
        for epoch in range(epochs):
            order = rng().permutation(count) if batch_size and shuffle else None
            total = 0.0
            for start in range(0, count, size):
                rows = slice(start, start + size) if order is None else order[start:start + size]
                optimizer.zero_grad()
                J = cost(model, X[rows], y[rows], loss)
                J.backward()
                optimizer.step()
                total += float(J.data) * (min(start + size, count) - start)
                if record_parameters:
                    history.parameters.append(model.state_dict())
            history.loss.append(total / count)
            bar.update(epoch + 1, f"J {history.loss[-1]:.4f}")
    finally:
        bar.close()
    return history
