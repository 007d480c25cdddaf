"""Training: the cost over a batch, a `fit` loop with a history, predictions and accuracy."""

from __future__ import annotations

import sys
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
    if not callable(loss):
        raise TypeError(f"loss must be a loss function or its name ({', '.join(LOSSES)}), "
                        f"not {type(loss).__name__} {loss!r:.40}")
    return loss


def _check_lengths(caller: str, X: Any, y: Any) -> int:
    """The number of examples: the rows of X, which y must match one for one."""
    rows, labels = _length(X, "X", caller), _length(y, "y", caller)
    if rows != labels:
        raise ValueError(f"{caller}: X has {rows} examples but y has {labels} labels; give "
                         "one label (row of y) per example (row of X)")
    if rows == 0:
        raise ValueError(f"{caller}: X is empty: there are no examples")
    return rows


def _length(data: Any, name: str, caller: str) -> int:
    """len(data), or a clear error for a number (which has no rows)."""
    if np.ndim(data.data if isinstance(data, Value) else data) == 0:
        raise ValueError(f"{caller}: {name} must hold one row per example, not a single number")
    return len(data)


def _check_count(name: str, value: Any, minimum: int) -> int:
    """A count (epochs, batch_size): an int of at least `minimum`, or a clear ValueError
    (also for a count that is not an integer, as the issue asks of fit's counts)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"fit: {name} must be an integer, not {type(value).__name__} "
                         f"{value!r:.40}")
    if value < minimum:
        raise ValueError(f"fit: {name} must be at least {minimum}, got {value}")
    return int(value)


def _numeric(data: Any, name: str) -> np.ndarray:
    """`data` as an array of finite numbers (float dtypes kept), or a clear error."""
    try:
        array = np.asarray(data.data if isinstance(data, Value) else data)
    except ValueError:  # ragged rows
        array = np.asarray([None])
    if array.dtype.kind not in "biuf":
        raise TypeError(f"fit: {name} must be a rectangular array of numbers, got dtype "
                        f"{array.dtype}")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        position = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(f"fit: {name} holds {array[position]} at index {position}; "
                         "training on it would turn every weight into nan")
    return array


def cost(model: Sequential, X: Any, y: Any, loss: Loss | str = binary_cross_entropy) -> Value:
    """J, the mean loss of `model` over the examples (rows of X, y), labelled "J".

    A tensor net computes it in one pass. A scalar net runs example by example: each
    example's loss is labelled L1, L2, … and J = mean(L1, L2, …) (one example: J = L1).
    """
    loss = _resolve_loss(loss)
    if not model.scalar:
        return loss(model(X if isinstance(X, Value) else constant(X, "X")), y)
    _check_lengths("cost", X, y)
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
    if y.size != len(outputs):
        raise ValueError(f"accuracy: X has {len(outputs)} examples but y has {y.size} labels; "
                         "give one label per example")
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
    steps: int = 0
    """Optimizer steps taken."""
    interrupted: bool = False
    """True when Ctrl-C stopped `fit` early: `loss` holds the epochs completed, `parameters`
    ends with the model's state as it is (every step whole: none was left half done)."""

    def __repr__(self) -> str:
        epochs = f"{len(self.loss)} epoch{'s' * (len(self.loss) != 1)}"
        loss = f", loss {self.loss[0]:.4g} → {self.loss[-1]:.4g}" if self.loss else ""
        recorded = (f"{len(self.parameters)} parameter states recorded (.trajectory(name))"
                    if self.parameters else "parameters not recorded")
        stopped = f", interrupted after {self.steps} steps" if self.interrupted else ""
        return f"History({epochs}{loss}, {recorded}{stopped})"

    def trajectory(self, name: str) -> np.ndarray:
        """The values of one parameter over the steps: by its own name (W1, or w3 in a scalar
        net), or by a scalar name in a tensor net (w3 is read from W1[0, 1])."""
        if not self.parameters:
            raise ValueError("no parameters recorded: call fit(..., record_parameters=True)")
        if name in self.parameters[0]:
            return np.array([state[name] for state in self.parameters])
        if self.locate is None:
            raise ValueError(f"no parameter {name!r} recorded")
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

    Everything is checked before the first step (ValueError or TypeError, the model
    untouched): one row of y per row of X, numbers that are finite, `epochs` ≥ 0 and
    `batch_size` ≥ 1 as integers, an optimizer of this model's parameters, and one forward
    pass over all the data without a graph (so a label the loss refuses is found at once).
    A loss that turns nan or infinite stops training with FloatingPointError. Ctrl-C stops
    it cleanly: the step under way is finished or not begun, never half done, and `fit`
    returns the History so far with `interrupted=True`. Any error leaving `fit` carries
    the History so far as `error.history`.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"fit: model must be an nn net (MLP, Sequential), not "
                        f"{type(model).__name__}")
    loss = _resolve_loss(loss)
    epochs = _check_count("epochs", epochs, 0)
    if batch_size is not None:
        batch_size = _check_count("batch_size", batch_size, 1)
    X, y = _numeric(X, "X"), _numeric(y, "y")
    count = _check_lengths("fit", X, y)
    if optimizer is None:
        optimizer = Adam(model.parameters(), lr=0.01)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an nn optimizer (SGD, Adam), not "
                        f"{type(optimizer).__name__}")
    elif not {id(p) for p in model.parameters()} & {id(p) for p in optimizer.parameters}:
        raise ValueError("fit: the optimizer holds none of this model's parameters (made for "
                         "another net?): build it with optimizer(model.parameters(), ...)")
    size = batch_size or count
    history = History(locate=model.locate, cost=partial(cost, loss=loss))
    steps_before = optimizer.steps
    bar = ProgressBar(epochs, enabled=progress)
    try:
        with no_grad():  # every example checked by the loss before anything changes
            _check_finite_loss(cost(model, X, y, loss), "before training")
        if record_parameters:
            history.parameters.append(model.state_dict())
        for epoch in range(epochs):
            order = rng().permutation(count) if batch_size and shuffle else None
            total = 0.0
            for start in range(0, count, size):
                rows = slice(start, start + size) if order is None else order[start:start + size]
                optimizer.zero_grad()
                J = cost(model, X[rows], y[rows], loss)
                _check_finite_loss(J, f"at epoch {epoch + 1}")
                J.backward()
                optimizer.step()
                total += float(J.data) * (min(start + size, count) - start)
                if record_parameters:
                    history.parameters.append(model.state_dict())
            history.loss.append(total / count)
            bar.update(epoch + 1, f"J {history.loss[-1]:.4f}")
    except KeyboardInterrupt:
        history.interrupted = True
        sys.stderr.write(f"\nfit: interrupted (Ctrl-C) after {optimizer.steps - steps_before} "
                         f"steps, {len(history.loss)} of {epochs} epochs; returning the "
                         "History so far (history.interrupted is True)\n")
    except Exception as error:
        error.history = history  # type: ignore[attr-defined]
        raise
    finally:
        bar.close()
        _settle(history, model, optimizer.steps - steps_before, record_parameters)
    return history


def _check_finite_loss(J: Value, when: str) -> None:
    """Stop at a loss that is nan or infinite: every step after it would spread nan."""
    value = float(np.sum(J.data))
    if not np.isfinite(value):
        raise FloatingPointError(
            f"fit: the loss is {value} {when}: training diverged (a learning rate too large?) "
            "or a prediction hit the edge of the loss's domain; the parameters are those "
            "before this step"
        )


def _settle(history: History, model: Sequential, steps: int, record_parameters: bool) -> None:
    """Make the History agree with the model after an early stop: the steps counted, and
    the model's present state last in `parameters` (a step may have ended just before it
    was recorded)."""
    history.steps = steps
    if record_parameters and len(history.parameters) == steps:
        history.parameters.append(model.state_dict())
