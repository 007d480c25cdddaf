"""What the stories share: the coffee data, a training call, printing, and figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import datasets, nn
from ..atomic import write_atomically
from ..autograd import grad
from ..explorer import film
from ..plots import MissingMatplotlib
from ..value import Value, topological_order
from ..viz import GraphvizNotFoundError, draw
from ..viz.output import INSTALL_GRAPHVIZ

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


@dataclass(frozen=True)
class Training:
    """How a story trains a net: the optimizer, its step size, how long, and on what batches.

    `optimizer="gd"` is the course's gradient descent, w := w − α·∂J/∂w for every weight
    at once (`nn.SGD` without momentum); `"adam"` is Adam. `batch_size=None` uses every
    example at every step (full batch); otherwise `epochs` passes over shuffled batches.
    """

    optimizer: str
    lr: float
    epochs: int
    batch_size: int | None = None

    def __post_init__(self) -> None:
        if self.optimizer not in ("gd", "adam"):
            raise ValueError(f"optimizer must be 'gd' (gradient descent) or 'adam', "
                             f"not {self.optimizer!r}")

    def steps(self, examples: int) -> int:
        """How many updates training makes on a data set of `examples` rows."""
        return self.epochs * (1 if self.batch_size is None else -(-examples // self.batch_size))

    def describe(self, examples: int | None = None) -> str:
        """The training in words, e.g. "3000 steps of gradient descent, w := w − α·∂J/∂w
        with α = 10, on all the examples at once"."""
        if self.batch_size is None:
            if self.optimizer == "gd":
                return (f"{self.epochs} steps of gradient descent, w := w − α·∂J/∂w with "
                        f"α = {self.lr:g}, J over all the examples at every step")
            return f"{self.epochs} full-batch Adam steps (lr {self.lr:g})"
        name = "gradient descent (α" if self.optimizer == "gd" else "Adam (lr"
        steps = f", {self.steps(examples)} steps" if examples else ""
        return (f"{self.epochs} epochs of {name} {self.lr:g}) on shuffled mini-batches of "
                f"{self.batch_size}{steps}")

    def fit(
        self,
        net: nn.Sequential,
        X: np.ndarray,
        y: np.ndarray,
        loss: Any = nn.binary_cross_entropy,
        record_parameters: bool = False,
    ) -> nn.History:
        """Train `net` quietly (a story takes seconds; its text is the progress)."""
        parameters = net.parameters()
        optimizer = (nn.SGD(parameters, lr=self.lr) if self.optimizer == "gd"
                     else nn.Adam(parameters, lr=self.lr))
        return nn.fit(net, X, y, loss=loss, optimizer=optimizer, epochs=self.epochs,
                      batch_size=self.batch_size, progress=False,
                      record_parameters=record_parameters)


ADAM = Training("adam", LEARNING_RATE, EPOCHS)
"""Full-batch Adam, lr 0.05, 1500 steps: the symmetry and zero-init stories."""
GRADIENT_DESCENT = Training("gd", 5.0, 3000)
"""The course's update rule on the coffee nets. The mean cross-entropy on normalised
features has small gradients (below 0.1 at the start), so α is large: with α = 5, J falls at
every step (α = 10 makes the 2 → 2 → 1 net oscillate), and 3000 steps reach 100 %."""


def scalar_gradients(net: nn.Sequential, X: np.ndarray, y: np.ndarray,
                     loss: Any = nn.binary_cross_entropy) -> dict[str, float]:
    """∂J/∂(every parameter) of a tensor net over (X, y), by scalar name (w1, …, b1, …),
    without touching any .grad."""
    tensors = dict(zip([name for name, _ in net.named_parameters()],
                       grad(nn.cost(net, X, y, loss), net.parameters()), strict=True))
    names = [name for layer in net.layers for name in layer.numbering.scalar_names()]
    return {name: float(tensors[net.locate(name)[0]][net.locate(name)[1]]) for name in names}


def net_at(net: nn.Sequential, state: dict[str, Any]) -> nn.Sequential:
    """A tensor copy of `net` holding `state` (e.g. one of a History's recorded states)."""
    copy = net.to_tensor()
    copy.load_state_dict(state)
    return copy


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
