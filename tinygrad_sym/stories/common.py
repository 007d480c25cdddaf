"""What the stories share: the coffee data, a training call, printing, and figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import datasets, nn
from ..explorer import film
from ..plots import MissingMatplotlib
from ..value import Value, topological_order
from ..viz import GraphvizNotFoundError, draw
from ..viz.output import INSTALL_GRAPHVIZ, write_atomically

EPOCHS = 1500
LEARNING_RATE = 0.05


@dataclass(frozen=True)
class CoffeeData:
    """The course's 200 roasts, in °C and minutes (X) and normalised (features)."""

    X: np.ndarray
    y: np.ndarray
    normalize: datasets.Normalizer
    features: np.ndarray


def coffee_data() -> CoffeeData:
    X, y = datasets.coffee_roasting()
    normalize = datasets.Normalizer.fit(X)
    return CoffeeData(X, y, normalize, normalize(X))


def roast_grid(steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Temperatures and durations (flat arrays) on a steps × steps grid over the data's range."""
    t, d = np.meshgrid(np.linspace(*datasets.TEMPERATURE_RANGE, steps),
                       np.linspace(*datasets.DURATION_RANGE, steps))
    return t.ravel(), d.ravel()


def first_step(net: nn.Sequential, data: CoffeeData) -> tuple[dict[str, float], Value]:
    """A scalar net's gradients at its first step (J over all roasts, one node per weight),
    and, for drawing, the graph of the first roast's J after its own backward pass."""
    J = nn.cost(net, data.features, data.y)
    J.backward()
    gradients = {name: parameter.grad for name, parameter in net.named_parameters()}
    net.zero_grad()
    one = nn.cost(net, data.features[:1], data.y[:1])
    one.backward()
    return gradients, one


def train(
    net: nn.Sequential,
    X: np.ndarray,
    y: np.ndarray,
    epochs: int = EPOCHS,
    loss: Any = nn.binary_cross_entropy,
    record_parameters: bool = False,
) -> nn.History:
    """Full-batch Adam (lr 0.05), quiet: a story takes seconds, its text is the progress."""
    optimizer = nn.Adam(net.parameters(), lr=LEARNING_RATE)
    return nn.fit(net, X, y, loss=loss, optimizer=optimizer, epochs=epochs, progress=False,
                  record_parameters=record_parameters)


class Printer:
    """print() when the story is verbose, nothing otherwise."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose

    def __call__(self, *lines: str) -> None:
        if self.verbose:
            for line in lines:
                print(line)


_SAID_ONCE: set[str] = set()
"""Long notices already printed in this process (how to install Graphviz: once per run of
`tinygrad-sym demo all`, not once per story)."""


class Figures:
    """Draws a story's figures into its folder: matplotlib plots, gradient graphs, films.

    Without matplotlib it says so once and carries on with text. Without Graphviz's `dot`
    every graph is written as DOT text (`.dot`), films (pictures of every step) are left
    out, and how to install `dot` is said once per process.
    """

    def __init__(self, story: str, out_dir: Path | None, enabled: bool, say: Printer) -> None:
        self.folder = Path(out_dir) if out_dir is not None else Path("out") / story
        self.plots = self.graphs = enabled
        self.dot_missing = False
        self.say = say
        self.paths: list[Path] = []

    def draw(self, name: str, plot: Callable[..., Path], *args: Any, **kwargs: Any) -> None:
        if not self.plots:
            return
        try:
            path = plot(*args, path=self.folder / name, **kwargs)
        except MissingMatplotlib as error:
            self.say(f"(no figure: {error})")
            self.plots = False
            return
        self._written(path)

    def graph(self, name: str, root: Value, highlight: Sequence[str] = (), title: str = "") -> None:
        """Draw `root`'s gradient graph, the paths of the parameters named in `highlight`
        picked out (ts.draw); without `dot`, write the DOT source instead."""
        if not self.graphs:
            return
        labelled = {node.label: node for node in topological_order(root) if node.label}
        picture = draw(root, highlight=[labelled[label] for label in highlight], title=title)
        path = self.folder / name
        try:
            path = picture.write(path)
        except GraphvizNotFoundError:
            self._without_dot()
            path = path.with_suffix(".dot")
            write_atomically(path, picture.source.encode())
        self._written(path)

    def film(self, name: str, history: nn.History, model: nn.Sequential, X: np.ndarray,
             y: np.ndarray, title: str) -> None:
        """Write the training film of w1 vs w3 (ts.film) on the examples X, y: a page with a
        slider over every recorded step. Needs `dot` (it draws every step)."""
        if not self.graphs or self.dot_missing:
            return
        try:
            page = film(history, model, X, y, ("w1", "w3"), title=title)
        except GraphvizNotFoundError:
            self._without_dot()
            return
        self._written(page.save(self.folder / name))

    def _without_dot(self) -> None:
        """Note that `dot` is missing; say how to install it, once per process."""
        self.dot_missing = True
        if "dot" not in _SAID_ONCE:
            _SAID_ONCE.add("dot")
            self.say("Graphviz's `dot` program was not found: graphs are written as .dot text "
                     f"and the training films are left out. To get them, install Graphviz:\n"
                     f"{INSTALL_GRAPHVIZ}")

    def _written(self, path: Path) -> None:
        self.paths.append(path)
        self.say(f"figure: {path}")


def signed(value: float, digits: int = 3) -> str:
    """A number with its sign and a true minus: +0.200, −0.300."""
    return f"{value:+.{digits}f}".replace("-", "−")


def percent(fraction: float) -> str:
    return f"{100 * fraction:.1f} %"
