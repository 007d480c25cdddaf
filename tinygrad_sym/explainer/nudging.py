"""Forward mode, told node by node: nudge one weight by ε and follow the nudge up to J.

    print(ts.nudge(J, w1))

    Δw1 = ε                                        (the nudge)
    Δz1 = ∂z1/∂w1 · Δw1 = 0.52 · ε = 0.52 ε        ∂z1/∂w1 = x1
    Δa1 = ∂a1/∂z1 · Δz1 = 0.216 · 0.52 ε = …       ∂a1/∂z1 = a1·(1 − a1)
    …

Each node moves by its local derivatives times how far its inputs moved: the chain rule
read forwards, from the weight to the loss. The numbers are the tangents `ts.tangents`
carries (the op table's forward rules), the formulas those on the graph's edges; the
total is checked against backward.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..autograd import grad
from ..forward import tangents
from ..value import Value, describe, topological_order
from .explanation_text import legend_lines, paragraph
from .factor import DIGITS, Factor, number
from .naming import Names


@dataclass(frozen=True, eq=False)
class Step:
    """One node that moves: by Σ factor · (how far that input moved), in units of ε."""

    node: Value
    name: str
    moved: float
    terms: tuple[tuple[Factor, float], ...]  # (∂node/∂input, how far the input moved)


@dataclass(frozen=True, eq=False)
class Nudge:
    """How every node between `wrt` and `root` moves when `wrt` moves by ε, in forward
    mode; `str()` tells it node by node. `moved` is root's move per ε: ∂root/∂wrt."""

    root: Value
    wrt: Value
    steps: tuple[Step, ...]
    moved: float
    backward: float
    parameters: int
    legend: tuple[str, ...]
    names: Names
    digits: int = DIGITS

    def __str__(self) -> str:
        """The text, as `print(ts.nudge(J, w1))` shows it."""
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        """The text, line by line."""
        wrt, root = self.wrt_name, self.root_name
        if not self.steps:
            return [f"Nudge {wrt} by ε: how does {root} move?", "",
                    *paragraph(f"It does not: {root} does not depend on {wrt} (no path leads "
                               f"from {wrt} up to {root}), so ∂{root}/∂{wrt} = 0.")]
        lines = [f"Nudge {wrt} by ε: how does {root} move?", "",
                 *legend_lines(self.legend),
                 *paragraph(f"Forward mode carries the nudge from {wrt} up to {root}, one node "
                            "at a time: a node moves by each local derivative times how far "
                            "that input moved (the chain rule, read forwards)."), ""]
        rows = [(f"Δ{wrt} = ε", "", "(the nudge)")]
        rows += [self._row(step) for step in self.steps[1:]]
        widths = [max(len(row[column]) for row in rows) for column in range(2)]
        lines += [f"  {a:<{widths[0]}} {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows]
        count = self.parameters
        lines += ["", *paragraph(
            f"{root} moves by {self._moved(self.moved)}: ∂{root}/∂{wrt} = "
            f"{number(self.moved, self.digits)}, and backpropagation gives "
            f"{number(self.backward, self.digits)}, "
            f"{'the same number' if self._agrees() else 'a DIFFERENT number'}. One forward "
            f"pass gives how every node moves when one leaf moves; one backward pass gives "
            f"how {root} moves with every leaf. This graph has {count} "
            f"lea{'ves' if count != 1 else 'f'} that need{'s' if count == 1 else ''} a "
            f"gradient: {count} forward pass{'es' if count != 1 else ''}, or one backward "
            "pass, which is why training runs in reverse mode.")]
        return lines

    @property
    def root_name(self) -> str:
        """The root's name in the text (its label, or a short name such as f)."""
        return self.names(self.root)

    @property
    def wrt_name(self) -> str:
        """The nudged node's name in the text."""
        return self.names(self.wrt)

    def _row(self, step: Step) -> tuple[str, str, str]:
        """'Δz1 = ∂z1/∂w1 · Δw1', '= 0.52 · ε = 0.52 ε', '∂z1/∂w1 = x1'."""
        symbols = " + ".join(f"{factor.name} · Δ{factor.parent_name}" for factor, _ in step.terms)
        numbers = " + ".join(
            f"{self._value(factor.value, i)} · {self._moved(moved, inside=True)}"
            for i, (factor, moved) in enumerate(step.terms))
        formulas = ", ".join(f"{factor.name} = {factor.formula}" for factor, _ in step.terms
                             if not factor.is_constant)
        return (f"Δ{step.name} = {symbols}", f"= {numbers} = {self._moved(step.moved)}", formulas)

    def _value(self, value: float, position: int) -> str:
        """A local derivative's number, in parentheses when negative and not first."""
        text = number(value, self.digits)
        return f"({text})" if value < 0 and position else text

    def _moved(self, moved: float, inside: bool = False) -> str:
        """How far a node moved, in units of ε: 'ε', '0.52 ε', '−0.03531 ε' (in parentheses
        `inside` a product)."""
        if moved == 1:
            return "ε"
        text = f"{number(moved, self.digits)} ε"
        return f"({text})" if inside and moved < 0 else text

    def _agrees(self) -> bool:
        """True if forward mode's total equals backward's gradient (to rounding)."""
        return abs(self.moved - self.backward) <= 1e-9 * max(1.0, abs(self.backward))


def nudge(root: Value, wrt: Value, digits: int = DIGITS) -> Nudge:
    """Nudge `wrt` by ε and follow, node by node, how every node up to `root` moves: forward
    mode on a scalar graph, each step with its local derivatives (formulas and numbers).

    Both must be scalars, as in `explain` (nudge a tensor model's scalar twin; for tensors,
    `ts.tangents(root, {wrt: direction})` gives the raw tangents).
    """
    for node, role in ((root, "root"), (wrt, "wrt")):
        if not isinstance(node, Value):
            raise TypeError(f"nudge: {role} must be a Value, not {type(node).__name__}")
        if node.shape:
            raise ValueError(
                f"nudge: {role} {describe(node)} has shape {node.shape}; the text follows "
                "scalars node by node (nudge a tensor model's scalar twin, or use "
                "ts.tangents(root, {wrt: direction}) for tensors)")
    if not wrt.requires_grad:
        raise ValueError(
            f"nudge: {describe(wrt)} is a constant (requires_grad=False), and the text checks "
            "its result against backward, which computes no gradient for constants: create it "
            "with Value(data, requires_grad=True) (ts.tangents nudges constants too)")
    moved = tangents(root, {wrt: 1.0})
    order = [node for node in topological_order(root) if node in moved]
    if any(node.shape for node in order):
        raise ValueError("nudge: the nudge passes through tensor nodes; the text follows "
                         "scalars (use the scalar twin, or ts.tangents for the raw tangents)")
    names = Names(root)
    steps = tuple(_step(node, moved, names) for node in order) if root in moved else ()
    if root is wrt or root not in moved:
        backward = 1.0 if root is wrt else 0.0
    else:
        backward = float(grad(root, wrt))
    parameters = sum(1 for node in topological_order(root)
                     if not node.parents and node.requires_grad)
    legend = tuple(names.definition(node) for node in names.short if node in moved)
    return Nudge(root, wrt, steps, float(moved.get(root, 0.0)), backward, parameters, legend,
                 names, digits)


def _step(node: Value, moved: dict[Value, float], names: Names) -> Step:
    """`node`'s move: one term per edge from a parent that moved."""
    terms = tuple((Factor.of_edge(node, index, names), float(moved[parent]))
                  for index, parent in enumerate(node.parents) if parent in moved)
    return Step(node, names(node), float(moved[node]), terms if node.parents else ())
