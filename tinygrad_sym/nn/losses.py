"""Losses: one number J saying how wrong the predictions are (the mean over examples).

Each takes predictions (a Value, or a list of scalar Values from a scalar layer) and
targets (numbers or arrays, no gradient), and returns a Value labelled "J": the mean of the
per-example losses (a single example's loss as it is). Targets have the predictions' shape;
for one output unit, (n,) works as well as (n, 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import ops
from ..errors import ShapeError
from ..value import Value, constant, record, stack


def _as_value(predictions: Value | Sequence[Value], name: str) -> Value:
    """The predictions as one Value (a scalar layer's list is stacked), never empty."""
    if not isinstance(predictions, Value):
        if isinstance(predictions, str) or not hasattr(predictions, "__len__"):
            raise TypeError(f"{name}: predictions must be a Value or a list of Values, not "
                            f"{type(predictions).__name__} {predictions!r:.40}")
        predictions = stack(list(predictions)) if len(predictions) else Value(np.zeros(0))
    if predictions.size == 0:
        raise ValueError(f"{name}: there are no predictions (an empty batch): a mean over no "
                         "examples has no value")
    return predictions


def _targets_like(predictions: Value, targets: Any, name: str) -> Value:
    """The targets as a constant labelled y (so formulas read a3 − y), of the predictions'
    shape and float dtype, or a clear error. With one output unit, targets of shape (n,)
    stand for (n, 1): one number per example either way."""
    label = targets.label if isinstance(targets, Value) and targets.label else "y"
    targets = targets.data if isinstance(targets, Value) else targets
    try:
        array = np.asarray(targets, dtype=predictions.dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: targets must be numbers, not {type(targets).__name__} "
                        f"{targets!r:.40}") from None
    if predictions.shape[-1:] == (1,) and array.shape == predictions.shape[:-1]:
        array = array.reshape(predictions.shape)
    if array.shape != predictions.shape:
        raise ShapeError(
            f"{name}: predictions have shape {predictions.shape} but targets {array.shape}; "
            f"they must match (e.g. y.reshape({', '.join(map(str, predictions.shape))}))"
        )
    if type(predictions.data) is float:
        return constant(float(array), label)
    return constant(array, label)


def _check_unit_interval(name: str, what: str, data: Any, advice: str) -> None:
    """Refuse values outside [0, 1] (or NaN), naming the first one and where it is."""
    if type(data) is float:
        if 0.0 <= data <= 1.0:
            return
        where = ""
    else:
        # The smallest and the largest, two reductions (nan makes both fail the test).
        if np.minimum.reduce(data, axis=None) >= 0 and np.maximum.reduce(data, axis=None) <= 1:
            return
        outside = ~((data >= 0) & (data <= 1))
        position = tuple(int(i) for i in np.argwhere(outside)[0])
        where = f" at index {position}" if position else ""
        data = data[position]
    raise ValueError(f"{name}: {what} {float(data)!r}{where} is outside [0, 1]; {advice}")


def _mean(losses: Value, label: str) -> Value:
    """The mean over examples (a single example's loss is already the number)."""
    total = losses.mean() if losses.ndim else losses
    total.label = label
    return total


def mse(predictions: Value | Sequence[Value], targets: Any, label: str = "J") -> Value:
    """Mean squared error: mean of (prediction − target)²."""
    predictions = _as_value(predictions, "mse")
    errors = predictions - _targets_like(predictions, targets, "mse")
    return _mean(errors * errors, label)


TARGETS_ADVICE = ("targets are labels 0 or 1 (or probabilities between): another number "
                  "would make the loss negative, and training run away with it")


def binary_cross_entropy(
    probabilities: Value | Sequence[Value], targets: Any, label: str = "J"
) -> Value:
    """−[y·log a + (1 − y)·log(1 − a)] from probabilities a (a sigmoid output), averaged.

    One node per example (`ops.BINARY_CROSS_ENTROPY`): the graph shows ∂J/∂a = (a − y)/(a(1 − a)).
    Probabilities and targets must lie in [0, 1] (ValueError otherwise: for a linear output,
    the logits, use `bce_with_logits`).
    """
    name = "binary_cross_entropy"
    probabilities = _as_value(probabilities, name)
    targets = _targets_like(probabilities, targets, name)
    if probabilities.op not in (ops.SIGMOID, ops.SOFTMAX):  # those lie in [0, 1] by making
        _check_unit_interval(name, "probability", probabilities.data,
                             "BCE takes probabilities (a sigmoid output); for a linear output "
                             "(logits) use nn.bce_with_logits, which applies the sigmoid itself")
    _check_unit_interval(name, "target", targets.data, TARGETS_ADVICE)
    return _mean(record(ops.BINARY_CROSS_ENTROPY, probabilities, targets), label)


def bce_with_logits(logits: Value | Sequence[Value], targets: Any, label: str = "J") -> Value:
    """Binary cross-entropy of σ(z) computed from z directly: stable for any z.

    One node for the whole mean (`ops.BCE_WITH_LOGITS`, as fast as numpy written by hand):
    the graph shows ∂J/∂z = (σ(z) − y)/n, the course's (a − y)/m. Targets must lie in [0, 1].
    """
    logits = _as_value(logits, "bce_with_logits")
    targets = _targets_like(logits, targets, "bce_with_logits")
    _check_unit_interval("bce_with_logits", "target", targets.data, TARGETS_ADVICE)
    total = record(ops.BCE_WITH_LOGITS, logits, targets)
    total.label = label
    return total


def softmax_cross_entropy(
    logits: Value | Sequence[Value], labels: Any, label: str = "J"
) -> Value:
    """−log softmax(z)[label], averaged; `labels` are class indices (ints), one per example.

    Logits of shape (n, classes) with n labels, or one example's logits (classes,) with one
    label (a scalar net's output list). Labels must lie in 0 … classes − 1 on both (no
    wrapping of −1 to the last class, as numpy indexing would).
    """
    name = "softmax_cross_entropy"
    logits = _as_value(logits, name)
    labels = np.asarray(labels.data if isinstance(labels, Value) else labels)
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: labels must be class indices (ints), got dtype {labels.dtype}")
    if logits.ndim not in (1, 2):
        raise ShapeError(f"{name}: logits must have shape (classes,) for one example or "
                         f"(n, classes) for a batch, not {logits.shape}")
    expected = () if logits.ndim == 1 else logits.shape[:1]
    if labels.shape != expected:
        what = "one label (a number)" if logits.ndim == 1 else f"labels of shape {expected}"
        raise ShapeError(f"{name}: logits of shape {logits.shape} need {what}, "
                         f"got labels of shape {labels.shape}")
    classes = logits.shape[-1]
    # The smallest and the largest label, two reductions (a mask of the batch costs more).
    if labels.size and (np.minimum.reduce(labels, axis=None) < 0
                        or np.maximum.reduce(labels, axis=None) >= classes):
        wrong = int(labels[(labels < 0) | (labels >= classes)].flat[0])
        raise ValueError(f"{name}: label {wrong} is not a class: labels must lie in "
                         f"0…{classes - 1} (the logits have {classes} classes)")
    if logits.ndim == 1:
        return _mean(-logits.log_softmax()[int(labels)], label)
    picked = logits.log_softmax(axis=-1)[np.arange(len(labels)), labels]
    return _mean(-picked, label)


LOSSES = {
    "mse": mse,
    "binary_cross_entropy": binary_cross_entropy,
    "bce": binary_cross_entropy,
    "bce_with_logits": bce_with_logits,
    "softmax_cross_entropy": softmax_cross_entropy,
}
"""Losses by name, for `fit(loss="bce")`."""
