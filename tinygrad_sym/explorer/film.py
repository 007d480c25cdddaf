"""`film(history, model, X, y)`: a training run as a page with a slider over its steps.

Every recorded step (`fit(..., record_parameters=True)`) is the graph of J on the
examples given, through the model's scalar twin holding that step's parameters, after
backward: the same graph at every step, other numbers (`frames`: every step's values,
gradients and local derivatives, in one pass of the engine where the graph allows). The
panel holds `compare` of the two highlighted weights at every step (`film_panel`). The
page stores the numbers of each step (texts, as the picture writes them), not a picture
per step, and draws the graph once: its layout is frozen, each card sized for the widest
number it will ever show, so nothing moves while the numbers change. A timeline plots
|∂J/∂a − ∂J/∂b| over the steps and marks the first step where the two gradients part,
naming the factor that differed.

The film reads the History and the model only through their public attributes
(`history.parameters`, `history.cost`; `model.to_scalar()`, `load_state_dict`,
`zero_grad`), so the explorer never imports `nn`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ..explainer import Comparison, Explanation, Names, compare, explain
from ..formulas import local_derivative
from ..value import Value, mark_changed, topological_order
from ..viz import draw
from ..viz.colors import GradientScale, text_on
from ..viz.labels import number
from .document import DIGITS, edge_numbers, graph_document, text_of
from .explore import explanation_data
from .film_panel import Panel, film_panel
from .frames import Frames, Model, Steps, record
from .page import Page
from .svg import annotate


class Recording(Protocol):
    """What the film reads from a History."""

    parameters: list[dict[str, Any]]


def film(
    history: Recording,
    model: Model,
    X: Any,
    y: Any,
    highlight: Sequence[str] = ("w1", "w3"),
    filename: str | os.PathLike | None = None,
    *,
    cost: Callable[[Any, Any, Any], Value] | None = None,
    digits: int = DIGITS,
    title: str | None = None,
) -> Page:
    """The training run recorded in `history` as a page with a slider over its steps.

    Each step shows the graph of J on the examples (X, y) (pass one or a few: every node
    is drawn) through `model`'s scalar twin, holding that step's parameters, with its
    values, gradients and local derivatives; the panel shows `compare` of the two weights
    named in `highlight`. `cost(model, X, y)` computes J (default: `history.cost`, the cost
    `fit` minimised). `filename`: also write the page there.
    """
    states = list(getattr(history, "parameters", None) or [])
    if not states:
        raise ValueError("film: the history holds no parameters; train with "
                         "fit(..., record_parameters=True)")
    cost = cost or getattr(history, "cost", None)
    if cost is None:
        raise ValueError("film: say how J is computed: pass cost=, e.g. "
                         "cost=lambda model, X, y: nn.cost(model, X, y, nn.mse)")
    if len(highlight) != 2 or not all(isinstance(name, str) for name in highlight):
        raise ValueError(f"film: highlight names two weights, e.g. ('w1', 'w3'); got "
                         f"{highlight!r}")
    steps = Steps(model, states, cost, X, y)
    root = steps.graph(0)
    order = topological_order(root)
    names = Names(root)
    a, b = _pair(order, tuple(highlight))
    index = {node: i for i, node in enumerate(order)}
    pair = (index[a], index[b])
    document = graph_document(root, digits, names)
    explanations = {}
    for node in (a, b):
        explanation = explain(root, node, names=names)
        assert isinstance(explanation, Explanation)  # of a scalar weight
        shown = explanation_data(explanation, order)
        shown.pop("text")
        explanations[str(index[node])] = shown
    first = compare(root, a, b, digits=digits)
    assert isinstance(first, Comparison)  # two scalars
    edge_index = edge_numbers(order)
    derivative_texts = _DerivativeTexts(order, names, digits)
    # Everything about step 0's graph is read: the steps may now reload the twin.
    frames = record(steps, root)
    panel = film_panel(steps, frames, first, pair, edge_index, digits)
    values = [[_text(value, digits) for value in step] for step in frames.values]
    gradients = [[None if g is None else _text(g, digits) for g in step]
                 for step in frames.gradients]
    picture = _picture(widest(root, frames, values, gradients), derivative_texts, digits)
    gradient_names = (f"∂{names(root)}/∂{names(a)}", f"∂{names(root)}/∂{names(b)}")
    timeline = _timeline(frames, panel, pair, tuple(highlight), gradient_names, steps, digits)
    data = {"graph": document, "explanations": explanations, "comparisons": {}, "steps": [],
            "selection": list(pair),
            "film": {"frames": len(states), "pair": list(pair), "values": values,
                     "gradients": gradients, **_colours(frames, steps),
                     "derivatives": [derivative_texts.at(step) for step in frames.derivatives],
                     "templates": panel.templates, "comparisons": panel.entries, **timeline}}
    page = Page(title or f"Training film: {gradient_names[0]} vs {gradient_names[1]} over "
                f"{len(states) - 1:,} steps", picture, data)
    if filename is not None:
        page.save(filename)
    return page


def _picture(layout_root: Value, derivative_texts: _DerivativeTexts, digits: int) -> str:
    """The frozen picture (SVG) of the layout graph, each edge label's number marked so the
    page can swap in each step's (`data-stem`: the label's text before the number)."""
    picture = annotate(draw(layout_root, digits=digits, max_examples=None).pipe(format="svg"),
                       graph_document(layout_root, digits))
    layout_derivatives = derivative_texts.at([local_derivative(child, k).value for child, k
                                              in edge_numbers(topological_order(layout_root))])
    for edge, label in picture.edge_labels.items():  # the line that ends with the number
        tail = layout_derivatives[edge]
        if tail is not None and label.text and label.text.endswith(tail):
            label.set("data-stem", label.text[: -len(tail)])
    return picture.text()


def _pair(order: list[Value], highlight: tuple[str, ...]) -> tuple[Value, Value]:
    """The two highlighted parameters of the graph, found by label."""
    found = {node.label: node for node in order if node.label and node.op is None}
    missing = [name for name in highlight if name not in found]
    if missing:
        raise ValueError(f"film: no parameter named {', '.join(missing)} in the graph "
                         f"of J; choose among {', '.join(sorted(found))}")
    a, b = (found[name] for name in highlight)
    if a.shape or b.shape or not (a.requires_grad and b.requires_grad):
        raise ValueError("film: highlight two scalar weights of the scalar twin")
    return a, b


class _DerivativeTexts:
    """Each edge's local derivative as the picture writes its number: None where the
    formula already is the number (∂z1/∂b1 = 1) or the derivative is a Jacobian."""

    def __init__(self, order: list[Value], names: Names, digits: int) -> None:
        self.formulas = [local_derivative(child, k, name=names).formula
                         for child, k in edge_numbers(order)]
        self.digits = digits

    def at(self, values: list[float | None]) -> list[str | None]:
        """The texts of one step's derivative values."""
        texts: list[str | None] = []
        for value, formula in zip(values, self.formulas, strict=True):
            text = None if value is None else number(value, self.digits)
            texts.append(None if text == formula else text)
        return texts


def widest(root: Value, frames: Frames, values: list[list[str]],
           gradients: list[list[str | None]]) -> Value:
    """`root`'s graph with every node holding the value and gradient whose text (`values`,
    `gradients`: per step, per node) is the widest over the film, so the frozen layout
    fits every step. (`root` is the film's own graph of step 0, through the film's own
    twin: nothing of the user's changes.)"""
    order = topological_order(root)
    steps = range(len(values))
    for i, node in enumerate(order):
        if node.op is None and not node.requires_grad:
            continue  # inputs keep their (unchanging) data
        widest_value = max(steps, key=lambda t: len(values[t][i]))
        # Computed nodes refuse `.data =` (their data follows from their operands): this
        # layout-only graph is written underneath, and stamped current below.
        node._data = frames.values[widest_value][i]
        if node.grad is not None:
            widest_grad = max(steps, key=lambda t: len(gradients[t][i] or ""))
            node.grad = frames.gradients[widest_grad][i]
    mark_changed(*order)  # no step's graph, on purpose: drawn for its layout only
    return root


def _text(data: Any, digits: int) -> str:
    """A value or gradient as the picture writes it (`text_of`; floats the short way)."""
    return number(data, digits) if type(data) is float else text_of(data, digits)


def _colours(frames: Frames, steps: Steps) -> dict[str, Any]:
    """Each step's gradient colours (indices into a palette) and the palette: colour and
    the ink that reads on it."""
    assert steps.shape is not None
    root = len(steps.shape) - 1
    kinds = ["none" if i == root else "parameter" if op is None else "plain"
             for i, (op, _, _) in enumerate(steps.shape)]
    palette: dict[str, int] = {}
    fills = [_fills(gradients, kinds, palette) for gradients in frames.gradients]
    return {"fills": fills, "palette": [[fill, text_on(fill)] for fill in palette]}


def _fills(gradients: list[Any], kinds: list[str], palette: dict[str, int]) -> list[int | None]:
    """Each scalar gradient's colour (an index into `palette`), scaled like `draw` scales
    one picture: by the largest |grad| of the parameters."""
    scale = GradientScale.fit(abs(float(g)) for g, kind in zip(gradients, kinds, strict=True)
                              if kind == "parameter" and g is not None and not _is_array(g))
    fills: list[int | None] = []
    for gradient, kind in zip(gradients, kinds, strict=True):
        if kind == "none" or gradient is None or _is_array(gradient):
            fills.append(None)
        else:
            fills.append(palette.setdefault(scale.fill(float(gradient)), len(palette)))
    return fills


def _is_array(data: Any) -> bool:
    return hasattr(data, "shape") and bool(data.shape)


def _timeline(frames: Frames, panel: Panel, pair: tuple[int, int], highlight: tuple[str, ...],
              gradient_names: tuple[str, str], steps: Steps, digits: int) -> dict[str, Any]:
    """The timeline's data: |∂J/∂a − ∂J/∂b| at each step, and the parting."""
    gaps = [abs(float(g[pair[0]]) - float(g[pair[1]])) for g in frames.gradients]
    return {"gap": [float(f"{gap:.4g}") if math.isfinite(gap) else gap for gap in gaps],
            "gap_caption": f"|{gradient_names[0]} − {gradient_names[1]}| over the steps.",
            "parting": _parting(frames, panel, pair, highlight, gradient_names, steps,
                                digits)}


def _parting(frames: Frames, panel: Panel, pair: tuple[int, int], highlight: tuple[str, ...],
             gradient_names: tuple[str, str], steps: Steps, digits: int) -> dict[str, Any]:
    """The first step whose comparison is not symmetric, and the factor that differed
    first; or that the two never part."""
    count = len(frames.values)
    step = next((t for t, symmetric in enumerate(panel.symmetric) if not symmetric), None)
    if step is None:
        return {"step": None, "text": (
            f"They never part: at every one of the {count:,} steps every factor of "
            f"{gradient_names[0]} equals its partner in {gradient_names[1]} (symmetry), so "
            f"{highlight[0]} and {highlight[1]} get identical updates.")}
    comparison = panel.comparisons.get(step)
    if comparison is None:
        J = steps.graph(step)
        order = topological_order(J)
        found = compare(J, order[pair[0]], order[pair[1]], digits=digits)
        assert isinstance(found, Comparison)
        comparison = found
    text = _parting_text(comparison, step)
    apart = next((t for t, values in enumerate(frames.values)
                  if values[pair[0]] != values[pair[1]]), None)
    if apart is not None:
        text += f" {highlight[0]} and {highlight[1]} themselves differ from step {apart:,} on."
    return {"step": step, "text": text}


def _parting_text(comparison: Comparison, step: int) -> str:
    """'They part at step 0: first ∂z3/∂a1 = w5 = 0.5 vs ∂z3/∂a2 = w6 = 0.6 differs …'."""
    digits = comparison.digits
    first, *others = comparison.differing
    text = (f"They part at step {step:,}: the first factor to differ (from "
            f"{comparison.explanation_a.name_of(comparison.root)} down) is "
            f"{first.format(digits)}")
    if others:
        text += "; also " + "; ".join(pair.format(digits) for pair in others)
    return text + "."
