"""`film(history, model, X, y)`: a training run as a page with a slider over its steps.

Every recorded step (`fit(..., record_parameters=True)`) is replayed through the model's
scalar twin: its parameters loaded, J computed on the examples given, backward run, and
`compare` asked about the two highlighted weights. The page stores the numbers of each
step (texts, as the picture writes them), not a picture per step, and draws the graph
once: its layout is frozen, each card sized for the widest number it will ever show, so
nothing moves while the numbers change. A timeline plots |∂J/∂a − ∂J/∂b| over the steps
and marks the first step where the two gradients part, naming the factor that differed.

The film reads the History and the model only through their public attributes
(`history.parameters`, `history.cost`; `model.to_scalar()`, `load_state_dict`,
`zero_grad`), so the explorer never imports `nn`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from ..explainer import Comparison, Names, compare, explain
from ..formulas import local_derivative
from ..value import Value, mark_changed, topological_order
from ..viz import draw
from ..viz.colors import GradientScale, text_on
from ..viz.labels import number
from .document import DIGITS, edge_numbers, graph_document, text_of
from .explore import explanation_data
from .page import Page
from .svg import annotate

_NUMBER = re.compile(r"((?<![\w.])[−-]?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?|∞|nan)")
"""A number as `number()` writes it (not a digit inside a name: w1, ∂J/∂a3)."""


class Recording(Protocol):
    """What the film reads from a History."""

    parameters: list[dict[str, Any]]


class Model(Protocol):
    """What the film asks of a model: a scalar twin it can load each recorded state into."""

    def to_scalar(self) -> Any:
        """The model with one scalar Value per weight, holding the same numbers (a copy)."""


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
    twin = model.to_scalar()
    recorder = Recorder(tuple(highlight), digits)
    layout_root = None
    for step, state in enumerate(states):
        twin.load_state_dict(state)
        twin.zero_grad()
        J = cost(twin, X, y)
        J.backward()
        recorder.add(step, J)
        if step == 0:
            layout_root = J
    assert layout_root is not None
    layout_root = recorder.widest(layout_root)
    layout = graph_document(layout_root, digits)
    picture = annotate(draw(layout_root, digits=digits, max_examples=None).pipe(format="svg"),
                       layout)
    for edge, label in picture.edge_labels.items():  # the line that ends with the number
        tail = recorder.layout_derivatives[edge]
        if tail is not None and label.text and label.text.endswith(tail):
            label.set("data-stem", label.text[: -len(tail)])
    data = {"graph": recorder.document, "explanations": recorder.explanations,
            "comparisons": {}, "steps": [], "selection": list(recorder.pair),
            "film": recorder.film()}
    names = recorder.names
    page = Page(title or f"Training film: {names[0]} vs {names[1]} over {len(states) - 1:,} "
                "steps", picture.text(), data)
    if filename is not None:
        page.save(filename)
    return page


@dataclass
class Recorder:
    """Collects each step's numbers as texts, the comparisons, and the parting step."""

    highlight: tuple[str, str]
    digits: int
    document: dict[str, Any] = field(default_factory=dict)
    explanations: dict[str, Any] = field(default_factory=dict)
    pair: tuple[int, int] = (0, 0)
    names: tuple[str, str] = ("", "")
    structure: list[tuple[Any, ...]] = field(default_factory=list)
    raw: list[tuple[list[Any], list[Any]]] = field(default_factory=list)
    values: list[list[str]] = field(default_factory=list)
    gradients: list[list[str | None]] = field(default_factory=list)
    fills: list[list[int | None]] = field(default_factory=list)
    derivatives: list[list[str | None]] = field(default_factory=list)
    comparisons: list[str] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)
    palette: dict[str, int] = field(default_factory=dict)
    parting: dict[str, Any] | None = None
    weights: list[tuple[float, float]] = field(default_factory=list)
    layout_derivatives: list[str | None] = field(default_factory=list)

    def add(self, step: int, root: Value) -> None:
        """Record one step's graph (after its backward pass)."""
        order = topological_order(root)
        structure = [(node.op.name if node.op else None, node.label, len(node.parents))
                     for node in order]
        a, b = self._pair(order, root)
        if step == 0:
            self._first(root, order, structure, a, b)
        elif structure != self.structure:
            raise ValueError(f"film: step {step} computed a graph of another shape than "
                             "step 0; the film needs the same graph at every step")
        names = Names(root)
        self.raw.append(([_copy(node.data) for node in order],
                         [_copy(node.grad) for node in order]))
        self.values.append([text_of(node.data, self.digits) for node in order])
        self.gradients.append([None if node.grad is None else text_of(node.grad, self.digits)
                               for node in order])
        self.fills.append(self._fills(order, root))
        self.derivatives.append([self._derivative(child, k, names)
                                 for child, k in edge_numbers(order)])
        comparison = compare(root, a, b, digits=self.digits)
        self.comparisons.append(str(comparison))
        self.gaps.append(abs(float(a.grad) - float(b.grad)))
        self.weights.append((float(a.data), float(b.data)))
        if self.parting is None and not comparison.symmetric:
            self.parting = {"step": step, "text": _parting_text(comparison, step)}

    def _first(self, root: Value, order: list[Value], structure: list[tuple[Any, ...]],
               a: Value, b: Value) -> None:
        """Step 0 fixes the structure, the document, the pair and their lit paths."""
        self.structure = structure
        names = Names(root)
        self.document = graph_document(root, self.digits, names)
        index = {node: i for i, node in enumerate(order)}
        self.pair = (index[a], index[b])
        self.names = (f"∂{names(root)}/∂{names(a)}", f"∂{names(root)}/∂{names(b)}")
        for node in (a, b):
            shown = explanation_data(explain(root, node, names=names), order)
            shown.pop("text")
            self.explanations[str(index[node])] = shown

    def _pair(self, order: list[Value], root: Value) -> tuple[Value, Value]:
        """The two highlighted parameters of this step's graph, found by label."""
        found = {node.label: node for node in order if node.label and node.op is None}
        missing = [name for name in self.highlight if name not in found]
        if missing:
            raise ValueError(f"film: no parameter named {', '.join(missing)} in the graph "
                             f"of J; choose among {', '.join(sorted(found))}")
        a, b = (found[name] for name in self.highlight)
        if a.shape or b.shape or not (a.requires_grad and b.requires_grad):
            raise ValueError("film: highlight two scalar weights of the scalar twin")
        return a, b

    def _derivative(self, child: Value, k: int, names: Names) -> str | None:
        """The edge's value as text, or None when the formula already is the number (or
        the derivative is a Jacobian)."""
        derivative = local_derivative(child, k, name=names)
        if derivative.value is None:
            return None
        text = number(derivative.value, self.digits)
        return None if text == derivative.formula else text

    def _fills(self, order: list[Value], root: Value) -> list[int | None]:
        """Each scalar gradient's colour, scaled like `draw` scales one picture: by the
        largest |grad| of the parameters."""
        parameters = [abs(float(node.grad)) for node in order
                      if node.op is None and node.requires_grad and not node.shape]
        scale = GradientScale.fit(parameters)
        fills: list[int | None] = []
        for node in order:
            if node is root or node.grad is None or node.shape:
                fills.append(None)
                continue
            fill = scale.fill(float(node.grad))
            fills.append(self.palette.setdefault(fill, len(self.palette)))
        return fills

    def widest(self, root: Value) -> Value:
        """`root`'s graph with every node holding the value and gradient whose text is the
        widest over the film, so the frozen layout fits every step. (`root` is the film's
        own graph of step 0, through the film's own twin: nothing of the user's changes.)"""
        order = topological_order(root)
        for i, node in enumerate(order):
            if node.op is None and not node.requires_grad:
                continue  # inputs keep their (unchanging) data
            steps = range(len(self.raw))
            widest_value = max(steps, key=lambda t: len(self.values[t][i]))
            # Computed nodes refuse `.data =` (their data follows from their operands): this
            # layout-only graph is written underneath, and stamped current below.
            node._data = self.raw[widest_value][0][i]
            if node.grad is not None:
                widest_grad = max(steps, key=lambda t: len(self.gradients[t][i] or ""))
                node.grad = self.raw[widest_grad][1][i]
        mark_changed(*order)  # no step's graph, on purpose: drawn for its layout only
        names = Names(root)
        self.layout_derivatives = [self._derivative(child, k, names)
                                   for child, k in edge_numbers(order)]
        return root

    def film(self) -> dict[str, Any]:
        """The page's film data: per step texts, the palette, comparisons, the timeline."""
        templates, comparisons = templated(self.comparisons)
        steps = len(self.values)
        if self.parting is None:
            parting = {"step": None, "text": (
                f"They never part: at every one of the {steps:,} steps every factor of "
                f"{self.names[0]} equals its partner in {self.names[1]} (symmetry), so "
                f"{self.highlight[0]} and {self.highlight[1]} get identical updates.")}
        else:
            parting = dict(self.parting)
            apart = next((t for t, (a, b) in enumerate(self.weights) if a != b), None)
            if apart is not None:
                parting["text"] += (f" {self.highlight[0]} and {self.highlight[1]} themselves "
                                    f"differ from step {apart:,} on.")
        return {
            "frames": steps,
            "pair": list(self.pair),
            "values": self.values,
            "gradients": self.gradients,
            "fills": self.fills,
            "palette": [[fill, text_on(fill)] for fill in self.palette],
            "derivatives": self.derivatives,
            "templates": templates,
            "comparisons": comparisons,
            "gap": [float(f"{gap:.4g}") if math.isfinite(gap) else gap for gap in self.gaps],
            "gap_caption": f"|{self.names[0]} − {self.names[1]}| over the steps.",
            "parting": parting,
        }


def _copy(data: Any) -> Any:
    """A float as it is, an array copied (a later step may write into it)."""
    return np.array(data) if isinstance(data, np.ndarray) else data


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


def templated(texts: list[str]) -> tuple[list[list[str]], list[list[Any]]]:
    """Texts that differ only in their numbers, stored once: each text becomes a template
    (the words between its numbers, shared by every text of the same wording) and its
    numbers. Joining a template with its numbers gives the text back exactly."""
    templates: dict[tuple[str, ...], int] = {}
    encoded = []
    for text in texts:
        parts = _NUMBER.split(text)
        words, numbers = tuple(parts[0::2]), parts[1::2]
        which = templates.setdefault(words, len(templates))
        encoded.append([which, numbers])
    return [list(words) for words in templates], encoded
