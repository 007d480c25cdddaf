"""The table: how each kind of PyTorch autograd node is computed again with tinygrad_sym ops.

Each entry says which saved tensor holds each operand's value (a constant operand, such as
the input batch or the targets, exists nowhere else), which holds the node's own result
(to check ours against), how to compute the node with `Value` ops, and, for additions,
how to recover a constant operand that PyTorch did not save (it needs none for gradients).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import ops
from ..value import Value, record
from .errors import UnsupportedNode
from .saved import TorchNode

Build = Callable[..., Value]
Solve = Callable[[TorchNode, list[Any], np.ndarray], tuple[Any, Callable[[Any], Any]]]

REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}
"""PyTorch's loss reductions, as saved on loss nodes."""


@dataclass(frozen=True)
class Translation:
    """How to rebuild one kind of PyTorch node.

    `inputs` names, operand by operand, the saved attribute holding its value (None: not
    saved); `roles` says what each operand is ("input", "target", "labels", or "") so a
    constant can be labelled X or y (labels stay integer class indices); `result` names
    the attribute holding the node's own output, and `inverse` estimates the node's input
    from it (to the last bits); `solve` recovers a constant operand that was not saved
    from the node's output.
    """

    what: str
    build: Build
    inputs: tuple[str | None, ...] = ("_saved_self",)
    roles: tuple[str, ...] = ()
    result: str | None = None
    inverse: Callable[[np.ndarray], np.ndarray] | None = None
    solve: Solve | None = None

    def role(self, index: int) -> str:
        """What operand `index` is ("" when nothing special)."""
        return self.roles[index] if index < len(self.roles) else ""


def _scaled(operand: Any, factor: Any) -> Any:
    """operand·factor, or the operand itself when the factor is 1 (PyTorch's alpha, beta)."""
    return operand if factor == 1 else operand * factor


def _reduce(losses: Value, node: TorchNode) -> Value:
    """A loss node's reduction of its per-element losses (labelled L): mean, sum or none."""
    reduction = REDUCTIONS[node.saved("_saved_reduction")]
    losses.label = "L"
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def _refuse_weights(node: TorchNode, *attributes: str) -> None:
    """Refuse a loss with class or element weights (not rebuilt), naming the argument."""
    for attribute in attributes:
        if node.saved(attribute) is not None:
            raise UnsupportedNode(f"{node.name} with {attribute.removeprefix('_saved_')}=…: "
                                  "class or element weights are not supported; drop them")


def _axis(node: TorchNode, ndim: int, attribute: str = "_saved_dim") -> int:
    """A saved dimension, counted from 0 (PyTorch may save it negative)."""
    dim = node.saved(attribute)
    return dim + ndim if dim < 0 else dim


# ------------------------------------------------------------------------ additions


def _add(node: TorchNode, a: Value, b: Value) -> Value:
    """a + alpha·b."""
    return a + _scaled(b, node.saved("_saved_alpha"))


def _sub(node: TorchNode, a: Value, b: Value) -> Value:
    """a − alpha·b."""
    return a - _scaled(b, node.saved("_saved_alpha"))


def _rsub(node: TorchNode, a: Value, b: Value) -> Value:
    """torch.rsub(a, b) = b − alpha·a (what `1 - a` records)."""
    return b - _scaled(a, node.saved("_saved_alpha"))


def _solve_add(node: TorchNode, operands: list[Any], out: np.ndarray) -> tuple[Any, Callable]:
    """The constant of out = a + alpha·b that PyTorch did not save."""
    a, b = operands
    alpha = node.saved("_saved_alpha")
    if a is None:
        return out - _scaled(b, alpha), lambda c: c + _scaled(b, alpha)
    return (out - a) / alpha, lambda c: a + _scaled(c, alpha)


def _solve_sub(node: TorchNode, operands: list[Any], out: np.ndarray) -> tuple[Any, Callable]:
    """The constant of out = a − alpha·b that PyTorch did not save."""
    a, b = operands
    alpha = node.saved("_saved_alpha")
    if a is None:
        return out + _scaled(b, alpha), lambda c: c - _scaled(b, alpha)
    return (a - out) / alpha, lambda c: a - _scaled(c, alpha)


def _solve_rsub(node: TorchNode, operands: list[Any], out: np.ndarray) -> tuple[Any, Callable]:
    """The constant b of out = b − alpha·a (`1 - a`) that PyTorch did not save."""
    a, _ = operands
    scaled = _scaled(a, node.saved("_saved_alpha"))
    return out + scaled, lambda c: c - scaled


def _addmm(node: TorchNode, bias: Value, mat1: Value, mat2: Value) -> Value:
    """bias + mat1 @ mat2: what nn.Linear records on a batch (mat2 = weightᵀ)."""
    alpha, beta = node.saved("_saved_alpha"), node.saved("_saved_beta")
    if alpha == 1 and beta == 1:
        return record(ops.AFFINE, mat1, mat2, bias)
    return _scaled(mat1 @ mat2, alpha) + _scaled(bias, beta)


def _solve_addmm(node: TorchNode, operands: list[Any], out: np.ndarray) -> tuple[Any, Callable]:
    """A bias that does not require a gradient (frozen), which PyTorch did not save."""
    bias, mat1, mat2 = operands
    if bias is not None:
        raise UnsupportedNode(f"{node.name}: a matrix operand was not saved")
    alpha, beta = node.saved("_saved_alpha"), node.saved("_saved_beta")
    product = alpha * (mat1 @ mat2)
    return (out - product) / beta, lambda c: product + beta * c


# ---------------------------------------------------------------------- the table


def _loss(what: str, build: Build, **fields: Any) -> Translation:
    """A loss node: operands (predictions, targets), the targets saved."""
    return Translation(what, build, ("_saved_self", "_saved_target"), ("", "target"), **fields)


def _mse(node: TorchNode, predictions: Value, targets: Value) -> Value:
    """(prediction − target)², reduced; the squares as nn.mse writes them (e·e)."""
    errors = predictions - targets
    return _reduce(errors * errors, node)


def _binary_cross_entropy(node: TorchNode, probabilities: Value, targets: Value) -> Value:
    """−[y·log p + (1 − y)·log(1 − p)] per element (one node), reduced."""
    _refuse_weights(node, "_saved_weight")
    return _reduce(record(ops.BINARY_CROSS_ENTROPY, probabilities, targets), node)


def _bce_with_logits(node: TorchNode, logits: Value, targets: Value) -> Value:
    """The mean BCE of σ(z) from z in one node (sum: that mean times the count)."""
    _refuse_weights(node, "_saved_weight", "_saved_pos_weight")
    reduction = REDUCTIONS[node.saved("_saved_reduction")]
    if reduction == "none":
        raise UnsupportedNode(f"{node.name} with reduction='none': use 'mean' or 'sum'")
    mean = record(ops.BCE_WITH_LOGITS, logits, targets)  # one node, as PyTorch fuses it
    if reduction == "mean":
        return mean
    return mean * float(math.prod(np.broadcast_shapes(logits.shape, targets.shape)))


def _nll_loss(node: TorchNode, log_probabilities: Value, labels: np.ndarray) -> Value:
    """−log p[label] per example (after log_softmax: the softmax cross-entropy)."""
    _refuse_weights(node, "_saved_weight")
    ignore = node.saved("_saved_ignore_index")
    ignore = ignore - 2**64 if ignore >= 2**63 else ignore  # saved as an unsigned number
    labels = np.asarray(labels, dtype=np.int64)
    if np.any(labels == ignore):
        raise UnsupportedNode(f"{node.name}: some labels equal ignore_index={ignore}; "
                              "drop those examples first")
    if log_probabilities.ndim == 1:
        picked = log_probabilities[int(labels)]
    elif log_probabilities.ndim == 2:
        picked = log_probabilities[np.arange(len(labels)), labels]
    else:
        raise UnsupportedNode(f"{node.name} on {log_probabilities.ndim}-d log-probabilities: "
                              "only (classes,) and (examples, classes) are supported")
    return _reduce(-picked, node)


def _view(node: TorchNode, a: Value) -> Value:
    """Any view that keeps the order of the elements: a reshape to PyTorch's output shape."""
    return a.reshape(node.output_shape)


def _transpose(node: TorchNode, a: Value) -> Value:
    """transpose(dim0, dim1): those two axes swapped."""
    axes = list(range(a.ndim))
    first, second = _axis(node, a.ndim, "_saved_dim0"), _axis(node, a.ndim, "_saved_dim1")
    axes[first], axes[second] = axes[second], axes[first]
    return a.transpose(tuple(axes))


def _select(node: TorchNode, a: Value) -> Value:
    """a[..., i] along the saved dim."""
    return a[(slice(None),) * _axis(node, a.ndim) + (node.saved("_saved_index"),)]


def _slice(node: TorchNode, a: Value) -> Value:
    """a[..., start:end:step] along the saved dim."""
    window = slice(node.saved("_saved_start"), node.saved("_saved_end"), node.saved("_saved_step"))
    return a[(slice(None),) * _axis(node, a.ndim) + (window,)]


def _logit(p: np.ndarray) -> np.ndarray:
    """The input of a sigmoid, from its output."""
    with np.errstate(divide="ignore"):
        return np.log(p) - np.log1p(-p)


def _dims(node: TorchNode) -> tuple[int, ...]:
    """The dims a reduction ran over."""
    return tuple(node.saved("_saved_dim"))


_PLAIN = ("_saved_self", "_saved_other")
_VIEW = Translation("view/reshape/unsqueeze/squeeze/flatten", _view, (None,))

TRANSLATIONS: dict[str, Translation] = {
    # additions: a constant operand is not saved; it is solved from the node's output
    "AddBackward0": Translation("a + b", _add, (None, None), solve=_solve_add),
    "SubBackward0": Translation("a − b", _sub, (None, None), solve=_solve_sub),
    "RsubBackward0": Translation("torch.rsub(a, b) = b − a", _rsub, (None, None),
                                 solve=_solve_rsub),
    "RsubBackward1": Translation("number − a", _rsub, (None, None), solve=_solve_rsub),
    "NegBackward0": Translation("−a", lambda node, a: -a, (None,)),
    # products and powers
    "MulBackward0": Translation("a · b", lambda node, a, b: a * b, _PLAIN),
    "DivBackward0": Translation("a / b", lambda node, a, b: a / b, _PLAIN),
    "DivBackward1": Translation("a / number (e.g. inside CrossEntropyLoss with probabilities)",
                                lambda node, a: a / float(node.saved("_saved_other")), (None,)),
    "ReciprocalBackward0": Translation("1 / a", lambda node, a: 1.0 / a, (None,),
                                       result="_saved_result", inverse=np.reciprocal),
    "PowBackward0": Translation(
        "a ** number", lambda node, a: a ** float(node.saved("_saved_exponent"))),
    "PowBackward1": Translation("a ** b", lambda node, a, b: a**b,
                                ("_saved_self", "_saved_exponent"), result="_saved_result"),
    "PowBackward2": Translation(
        "number ** b", lambda node, b: float(node.saved("_saved_self")) ** b,
        ("_saved_exponent",), result="_saved_result"),
    # matrix products
    "AddmmBackward0": Translation("nn.Linear on a batch: bias + input @ weightᵀ (addmm)",
                                  _addmm, (None, "_saved_mat1", "_saved_mat2"),
                                  ("", "input", ""), solve=_solve_addmm),
    "MmBackward0": Translation("a @ b (mm)", lambda node, a, b: a @ b,
                               ("_saved_self", "_saved_mat2"), ("input", "")),
    "MvBackward0": Translation("matrix @ vector (mv)", lambda node, a, b: a @ b,
                               ("_saved_self", "_saved_vec"), ("input", "")),
    "DotBackward0": Translation("vector @ vector (dot)", lambda node, a, b: a @ b,
                                ("_saved_self", "_saved_tensor")),
    # elementwise functions
    "ExpBackward0": Translation("exp", lambda node, a: a.exp(), (None,), result="_saved_result",
                                inverse=np.log),
    "LogBackward0": Translation("log", lambda node, a: a.log()),
    "SqrtBackward0": Translation("sqrt", lambda node, a: a.sqrt(), (None,),
                                 result="_saved_result", inverse=np.square),
    "AbsBackward0": Translation("abs", lambda node, a: abs(a)),
    "SigmoidBackward0": Translation("sigmoid", lambda node, a: a.sigmoid(), (None,),
                                    result="_saved_result", inverse=_logit),
    "TanhBackward0": Translation("tanh", lambda node, a: a.tanh(), (None,),
                                 result="_saved_result", inverse=np.arctanh),
    "ReluBackward0": Translation("relu", lambda node, a: a.relu(), (None,),
                                 result="_saved_result"),
    "SoftmaxBackward0": Translation("softmax(dim)", lambda node, a: a.softmax(
        axis=_axis(node, a.ndim)), (None,), result="_saved_result"),
    "LogSoftmaxBackward0": Translation("log_softmax(dim)", lambda node, a: a.log_softmax(
        axis=_axis(node, a.ndim)), (None,), result="_saved_result"),
    # reductions
    "SumBackward0": Translation("sum()", lambda node, a: a.sum(), (None,)),
    "SumBackward1": Translation("sum(dim, keepdim)", lambda node, a: a.sum(
        axis=_dims(node), keepdims=node.saved("_saved_keepdim")), (None,)),
    "MeanBackward0": Translation("mean()", lambda node, a: a.mean(), (None,)),
    "MeanBackward1": Translation("mean(dim, keepdim)", lambda node, a: a.mean(
        axis=_dims(node), keepdims=node.saved("_saved_keepdim")), (None,)),
    # shapes
    "TBackward0": Translation(".t()", lambda node, a: a.T, (None,)),
    "TransposeBackward0": Translation("transpose(dim0, dim1)", _transpose, (None,)),
    "PermuteBackward0": Translation("permute(dims)", lambda node, a: a.transpose(
        tuple(node.saved("_saved_dims"))), (None,)),
    "ViewBackward0": _VIEW,
    "UnsafeViewBackward0": _VIEW,
    "UnsqueezeBackward0": _VIEW,
    "SqueezeBackward0": _VIEW,
    "SqueezeBackward1": _VIEW,
    "SqueezeBackward2": _VIEW,
    "CloneBackward0": Translation("clone/contiguous (the same values: no node of its own)",
                                  lambda node, a: a, (None,)),
    "ExpandBackward0": Translation("expand", lambda node, a: a.broadcast_to(node.output_shape),
                                   (None,)),
    "SelectBackward0": Translation("a[..., i] (select)", _select, (None,)),
    "SliceBackward0": Translation("a[..., i:j:k] (slice)", _slice, (None,)),
    # losses
    "MseLossBackward0": _loss("nn.MSELoss / F.mse_loss", _mse),
    "BinaryCrossEntropyBackward0": _loss("nn.BCELoss / F.binary_cross_entropy",
                                         _binary_cross_entropy),
    "BinaryCrossEntropyWithLogitsBackward0": _loss(
        "nn.BCEWithLogitsLoss (reduction mean or sum)", _bce_with_logits),
    "NllLossBackward0": Translation(
        "nn.NLLLoss, and nn.CrossEntropyLoss (= log_softmax + nll_loss) with class labels",
        _nll_loss, ("_saved_self", "_saved_target"), ("", "labels")),
}
"""Every PyTorch node the bridge rebuilds, by its class name."""

LEAF = "AccumulateGrad"
"""The node PyTorch puts above a leaf that requires a gradient (a parameter)."""


def supported() -> str:
    """The supported nodes, one per line, for error messages and the README."""
    lines = [f"  {name}: {translation.what}" for name, translation in TRANSLATIONS.items()]
    return "\n".join([f"  {LEAF}: a parameter (a leaf that requires grad)", *lines])
