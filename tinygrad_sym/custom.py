"""Your own op, as first-class as the built-in ones: `ts.custom_op(...)`.

    import numpy as np
    from tinygrad_sym import functions as fn

    softplus = ts.custom_op(
        "softplus",
        forward=lambda x: np.logaddexp(0.0, x),                 # on numbers and arrays
        backward=[lambda grad, out, x: grad * fn.sigmoid(x)],   # one rule per operand
        derivatives=["σ({x})"],                                 # each edge's label
        elementwise=True,                                       # forward mode from backward
    )
    y = softplus(ts.Value(0.5, label="x"))                      # a node, drawn and explained

The forward works on raw data (Python floats and numpy arrays). Each backward rule is a
vector-Jacobian product `rule(grad, out, *operands, **attrs)`: written with operators and
`tinygrad_sym.functions`, it runs on raw numbers for gradients and on Values for grad of
grad, with no branch. Derivative texts name the operands as the forward's parameters do.
`ts.testing.check_op(op)` checks all the rules against finite differences.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import ops
from .ops import Formula, Rule


class CustomOp(ops.Op):
    """An op defined with `ts.custom_op`. Call it on operands: on Values it records a node of
    the graph (with its derivative texts on the edges), on raw data it just computes."""

    __slots__ = ("operand_names",)

    operand_names: tuple[str, ...] | None  # the forward's parameter names; None: any number

    def __call__(self, *operands: Any, **attrs: Any) -> Any:
        """Record the op on Values (a node of the graph), or compute it on raw data."""
        if self.operand_names is not None and len(operands) != len(self.operand_names):
            raise TypeError(f"{self.name} takes {len(self.operand_names)} operand(s) "
                            f"({', '.join(self.operand_names)}), got {len(operands)}")
        return ops.apply(self, *operands, **attrs)

    def __repr__(self) -> str:
        """CustomOp('softplus')."""
        return f"CustomOp({self.name!r})"


def custom_op(
    name: str,
    forward: Callable[..., Any],
    backward: Sequence[Rule] | Callable[[int], Rule],
    derivatives: Sequence[Formula] | Callable[[int], Formula],
    *,
    jvp: Sequence[Rule] | Callable[[int], Rule] | None = None,
    elementwise: bool = False,
    symbol: str | None = None,
    shape_hint: str = "",
) -> CustomOp:
    """Define an op: its forward, one backward rule and one derivative text per operand.

    * `forward(*operands, **attrs)` computes the result from raw data; its parameters
      without defaults are the operands (named in the errors and the texts), the others
      are settings passed by keyword (`op(x, beta=2.0)`).
    * `backward[i](grad, out, *operands, **attrs)` returns operand i's share of the
      gradient, grad · ∂out/∂operand_i, in the broadcast shape (the engine sums it back).
      Write it with `+ - * / ** @` and `tinygrad_sym.functions` (fn.exp, fn.sigmoid,
      fn.where, …), never numpy functions: then it also runs on Values, for grad of grad.
    * `derivatives[i]` is the text of ∂out/∂operand_i shown on the graph's edges and in
      `ts.explain`: a template over the forward's parameter names and `{out}` ("σ({x})").
    * Forward mode (`ts.jvp`, `ts.jacobian(mode="forward")`, `ts.hessian`) needs
      `jvp[i](tangent, out, *operands, **attrs)`, how far out moves when operand i moves by
      `tangent`, or `elementwise=True` when each element of the result depends only on the
      same element of each operand (the Jacobian is diagonal: the backward rules serve).

    A forward with `*operands` takes any number of them: then give `backward`,
    `derivatives` (over `{a}`, `{b}`, … and `{out}`) and `jvp` as functions of an operand's
    index. Raises ValueError, naming the problem, for rules that do not fit the forward.
    """
    if not isinstance(name, str) or not name:
        raise ValueError("custom_op: give the op a name, e.g. 'softplus'")
    if not callable(forward):
        raise TypeError(f"custom_op {name!r}: forward must be a function of the operands")
    names = _operand_names(forward, name)
    if names is not None:
        backward = _one_per_operand(backward, names, "backward rule", name)
        derivatives = _one_per_operand(derivatives, names, "derivative", name)
        derivatives = tuple(_formula(d, names, i, name) for i, d in enumerate(derivatives))
        if jvp is not None:
            jvp = _one_per_operand(jvp, names, "forward (jvp) rule", name)
        for what, rules in (("backward", backward), ("forward (jvp)", jvp or ())):
            for operand, rule in zip(names, rules, strict=False):
                if not callable(rule):
                    raise TypeError(f"custom_op {name!r}: the {what} rule of {operand} is a "
                                    f"{type(rule).__name__}, not a function")
    op = CustomOp(
        name, symbol or name, _checked_forward(forward, name),
        rules=_guarded(backward, name, "backward"),
        derivatives=derivatives,
        jvp=None if jvp is None else _guarded(jvp, name, "forward"),
        elementwise=elementwise,
        shape_hint=shape_hint,
    )
    op.operand_names = names
    return op


def _operand_names(forward: Callable[..., Any], name: str) -> tuple[str, ...] | None:
    """The forward's operands: its positional parameters without defaults (None when it
    takes `*operands`)."""
    try:
        parameters = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature
        raise ValueError(f"custom_op {name!r}: cannot read the forward's parameters; wrap it: "
                         "forward=lambda x: ...") from None
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = tuple(p.name for p in parameters if p.kind in positional and p.default is p.empty)
    if not names:
        raise ValueError(f"custom_op {name!r}: the forward takes no operands")
    return names


def _one_per_operand(entries: Any, names: tuple[str, ...], what: str, op: str) -> tuple:
    """`entries` as a tuple with one entry per operand, or a ValueError saying why not."""
    if isinstance(entries, str) or not isinstance(entries, Sequence):
        entries = (entries,)
    if len(entries) != len(names):
        raise ValueError(
            f"custom_op {op!r}: the forward takes {len(names)} operand(s) ({', '.join(names)}) "
            f"but {len(entries)} {what}(s) were given: give one per operand, in that order"
        )
    return tuple(entries)


def _formula(template: Formula, names: tuple[str, ...], index: int, op: str) -> Formula:
    """A derivative template over the operands' own names, as the op table's formulas are
    called: with the names shown in the graph and the result's name."""
    if callable(template):
        return template
    if not isinstance(template, str):
        raise TypeError(f"custom_op {op!r}: the derivative of {names[index]} must be a text "
                        "like 'σ({x})' or a function (names, out) -> text")
    try:
        template.format(out="out", **{n: n for n in names})
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(
            f"custom_op {op!r}: the derivative of {names[index]}, {template!r}, cannot be "
            f"written ({error!r}): name the operands {{{'}, {'.join(names)}}} and the result "
            "{out}"
        ) from None
    return lambda shown, out: template.format(out=out, **dict(zip(names, shown, strict=True)))


def _checked_forward(forward: Callable[..., Any], op: str) -> Callable[..., Any]:
    """The forward, its result made what a node holds: a float or a float array."""

    def checked(*operands: Any, **attrs: Any) -> Any:
        """The forward's result as a float or a float array."""
        result = forward(*operands, **attrs)
        if type(result) is float or type(result) is np.float64:
            return float(result)  # the scalar fast path's kind of number
        if isinstance(result, np.floating):
            return result
        if isinstance(result, bool | int | np.integer | np.bool_):
            return float(result)
        if isinstance(result, np.ndarray) and result.dtype.kind in "fiub":
            result = result if result.dtype.kind == "f" else result.astype(np.float64)
            return result if result.ndim else result[()]
        raise TypeError(f"{op}: the forward returned {type(result).__name__} "
                        f"({result!r:.40}); it must return a number or a numpy array of numbers")

    return checked


def _guarded(rules: Any, op: str, kind: str) -> Any:
    """The rules, each made to explain a failure on Values (grad of grad) by its usual
    cause: a numpy function where `tinygrad_sym.functions` was needed."""

    def guard(rule: Rule, index: int) -> Rule:
        """`rule`, explaining a TypeError on Values."""

        def guarded(*args: Any, **attrs: Any) -> Any:
            """The rule's result; on Values, a TypeError says to use tinygrad_sym.functions."""
            try:
                return rule(*args, **attrs)
            except TypeError as error:
                if not any(isinstance(arg, ops.Node) for arg in args):
                    raise
                raise TypeError(
                    f"the {kind} rule of {op}'s operand {index} failed on Values (as it runs for "
                    f"grad of grad, create_graph=True): write it with operators and "
                    f"tinygrad_sym.functions (fn.exp, fn.sigmoid, fn.where, …), not numpy "
                    f"functions ({error})"
                ) from error

        return guarded

    if isinstance(rules, Sequence):
        return tuple(guard(rule, index) for index, rule in enumerate(rules))
    return lambda index: guard(rules(index), index)
