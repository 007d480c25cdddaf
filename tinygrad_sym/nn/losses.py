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


def _as_value(predictions: Value | Sequence[Value]) -> Value:
    return predictions if isinstance(predictions, Value) else stack(list(predictions))


def _targets_like(predictions: Value, targets: Any, name: str) -> Value:
    """The targets as a constant labelled y (so formulas read a3 − y), of the predictions'
    shape and float dtype, or a clear error. With one output unit, targets of shape (n,)
    stand for (n, 1): one number per example either way."""
    label = targets.label if isinstance(targets, Value) and targets.label else "y"
    targets = targets.data if isinstance(targets, Value) else targets
    if predictions.shape[-1:] == (1,) and np.shape(targets) == predictions.shape[:-1]:
        targets = np.reshape(targets, predictions.shape)
    if np.shape(targets) != predictions.shape:
        raise ShapeError(
            f"{name}: predictions have shape {predictions.shape} but targets {np.shape(targets)}; "
            f"they must match (e.g. y.reshape({', '.join(map(str, predictions.shape))}))"
        )
    if type(predictions.data) is float:
        return constant(float(targets), label)
    return constant(np.asarray(targets, dtype=predictions.dtype), label)


def _mean(losses: Value, label: str) -> Value:
    """The mean over examples (a single example's loss is already the number)."""
    total = losses.mean() if losses.ndim else losses
    total.label = label
    return total


def mse(predictions: Value | Sequence[Value], targets: Any, label: str = "J") -> Value:
    """Mean squared error: mean of (prediction − target)²."""
    predictions = _as_value(predictions)
    errors = predictions - _targets_like(predictions, targets, "mse")
    return _mean(errors * errors, label)


def binary_cross_entropy(
    probabilities: Value | Sequence[Value], targets: Any, label: str = "J"
) -> Value:
    """−[y·log a + (1 − y)·log(1 − a)] from probabilities a (a sigmoid output), averaged.

    One node per example (`ops.BINARY_CROSS_ENTROPY`): the graph shows ∂J/∂a = (a − y)/(a(1 − a)).
    """
    probabilities = _as_value(probabilities)
    targets = _targets_like(probabilities, targets, "binary_cross_entropy")
    return _mean(record(ops.BINARY_CROSS_ENTROPY, probabilities, targets), label)


def bce_with_logits(logits: Value | Sequence[Value], targets: Any, label: str = "J") -> Value:
    """Binary cross-entropy of σ(z) computed from z directly: stable for any z.

    One node for the whole mean (`ops.BCE_WITH_LOGITS`, as fast as numpy written by hand):
    the graph shows ∂J/∂z = (σ(z) − y)/n, the course's (a − y)/m.
    """
    logits = _as_value(logits)
    targets = _targets_like(logits, targets, "bce_with_logits")
    total = record(ops.BCE_WITH_LOGITS, logits, targets)
    total.label = label
    return total


def softmax_cross_entropy(
    logits: Value | Sequence[Value], labels: Any, label: str = "J"
) -> Value:
    """−log softmax(z)[label], averaged; `labels` are class indices (ints), one per example.

    Logits of shape (n, classes) with n labels, or one example's logits (classes,) with one
    label (a scalar net's output list).
    """
    logits = _as_value(logits)
    labels = np.asarray(labels.data if isinstance(labels, Value) else labels)
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"softmax_cross_entropy: labels must be class indices (ints), "
                        f"got dtype {labels.dtype}")
    if logits.ndim == 1 and labels.ndim == 0:
        log_probabilities = logits.log_softmax()[int(labels)]
        return _mean(-log_probabilities, label)
    if logits.ndim != 2 or labels.shape != logits.shape[:1]:
        raise ShapeError(f"softmax_cross_entropy: logits of shape {logits.shape} need labels of "
                         f"shape ({logits.shape[0] if logits.ndim else ''},), got {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= logits.shape[1]):
        raise ValueError(f"softmax_cross_entropy: labels must lie in 0…{logits.shape[1] - 1}")
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
