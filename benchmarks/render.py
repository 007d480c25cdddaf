"""Render timings and legibility: `ts.draw` to PNG, for the course's net and for big
scalar graphs; and how large the text of the pictures people see appears on screen.

The timed graphs are built with tinygrad_sym.nn's scalar nets (named and grouped nodes,
what the renderer is made to draw and condense): the coffee-roasting 2→3→1 net on one
example, and the micrograd demo's MLP(2, [16, 16, 1]) on as many points as it takes to
reach 2,500 and 10,000 nodes. Skipped, with a note, when the renderer is not there;
each case runs in a child process that is ended if it takes far longer than its target.
The pictures are kept in benchmarks/results/render-*.png, to check that they are legible.

Legibility: the README's picture (its first code block's call), the graphs the stories
draw and the tensor nets' pictures (coffee's and the lab's, with and without W1's matrix
form), each measured from `dot -Tsvg` (`GradientGraph.legibility`): the smallest text's
height in pixels shown 1280 px wide (a slide) and 880 px wide (a README column), the
median at 880, and the aspect ratio. The README's picture and the tensor pictures must
reach 9 px, 6.5 px, 8 px and at most 2:1.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np

from . import problems, scalar_net
from .report import RESULTS

# (name, graph size in nodes or None for the course net, target seconds)
CASES = (
    ("course net 2→3→1, one example", None, 0.3),
    ("2,500-node graph", 2_500, 2.0),
    ("10,000-node graph", 10_000, 5.0),
)
TINY_SIZES = {2_500: 100, 10_000: 150}  # on the demo net with 4 units per hidden layer

README_TARGETS = {"smallest_1280": 9.0, "smallest_880": 6.5, "median_880": 8.0}
"""What the README's picture must reach (text heights in px); its aspect at most 2.0."""
STORIES = ("coffee", "symmetry", "zero-init", "blobs")


def course_net() -> Any:
    """The coffee net as the course draws it (w1 … w9, b1 … b4, z/a per unit), after backward."""
    from tinygrad_sym import nn

    from .with_tinygrad_sym_nn import net_for

    problem = problems.coffee()
    loss = nn.cost(net_for(problem, scalar=True), problem.X[:1], problem.y[:1])
    loss.backward()
    return loss


def demo_graph(min_nodes: int, tiny: bool = False) -> Any:
    """The micrograd demo's loss on k moons points, k the fewest giving ≥ min_nodes nodes
    (on a net of 4 units per hidden layer when `tiny`)."""
    from tinygrad_sym.value import topological_order

    from .with_tinygrad_sym_nn import net_for

    problem = problems.scalar_mlp(tiny)
    net = net_for(problem, scalar=True)

    def loss_on(points: int) -> Any:
        X, y = problems.moons(points, 0.1, np.random.default_rng(problems.SEED))
        return scalar_net.svm_loss(net, dataclasses.replace(problem, X=X, y=y), float)

    base = len(topological_order(loss_on(1)))
    per_point = len(topological_order(loss_on(2))) - base
    loss = loss_on(1 + max(0, -(-(min_nodes - base) // per_point)))
    loss.backward()
    return loss


def time_case(index: int, tiny: bool, rounds: int | None) -> dict[str, Any]:
    """Build case `index`'s graph and time `draw(root, filename=….png)` on it."""
    from tinygrad_sym.value import topological_order
    from tinygrad_sym.viz import GraphvizNotFoundError, draw

    name, size, limit = CASES[index]
    size = TINY_SIZES.get(size, size) if tiny else size
    root = course_net() if size is None else demo_graph(size, tiny)
    row: dict[str, Any] = {"name": name, "nodes": len(topological_order(root)),
                           "limit_s": limit, "status": "ok"}
    target = RESULTS / f"render-{'tiny-' if tiny else ''}{index + 1}.png"  # kept, to look at
    target.parent.mkdir(parents=True, exist_ok=True)
    samples = []
    try:
        for _ in range(rounds or (5 if size is None else 3)):
            start = time.perf_counter()
            draw(root, filename=target)
            samples.append(time.perf_counter() - start)
    except GraphvizNotFoundError as error:
        return {**row, "status": "skipped", "detail": str(error).splitlines()[0]}
    return {**row, "median_s": statistics.median(samples), "samples_s": samples,
            "png": str(target), "png_bytes": target.stat().st_size}


def run_case(index: int, tiny: bool, rounds: int | None) -> dict[str, Any]:
    """`time_case` in a child process, ended (with Graphviz's dot) if it runs too long."""
    name, _, limit = CASES[index]
    timeout = 30 + 20 * limit
    command = [sys.executable, "-m", __name__, str(index), "tiny" if tiny else "full",
               str(rounds or 0)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        output, _ = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the child's whole session: python and dot
        child.communicate()
        return {"name": name, "limit_s": limit, "status": "timeout",
                "detail": f"not finished after {timeout:.0f} s (graph building + draw rounds)"}
    if child.returncode != 0:
        return {"name": name, "limit_s": limit, "status": "error",
                "detail": f"exit code {child.returncode}"}
    return json.loads(output)


def render_timings(tiny: bool = False, rounds: int | None = None) -> dict[str, Any]:
    """Median seconds of `ts.draw(root, filename=….png)` for each case, or why not."""
    title = "ts.draw to PNG (graph built and backpropagated beforehand; Graphviz dot included)"
    try:
        from tinygrad_sym.viz import GraphvizNotFoundError
    except ImportError as error:
        note = f"the renderer is not available ({error})"
        print(f"  … render: {note}")
        return {"title": title, "skipped": note, "rows": []}
    rows = []
    for index, (name, _, _) in enumerate(CASES):
        print(f"  … render: {name}", flush=True)
        rows.append(run_case(index, tiny, rounds))
    print("  … render: legibility of the README's picture and the stories' graphs", flush=True)
    try:
        legible = legibility(() if tiny else STORIES)
    except GraphvizNotFoundError as error:
        return {"title": title, "rows": rows, "legibility_skipped": str(error).splitlines()[0]}
    return {"title": title, "rows": rows, "legibility": legible}


def readme_graph() -> Any:
    """The README's picture: its first code block's net and `ts.draw` call."""
    import tinygrad_sym as ts
    from tinygrad_sym import nn

    net = nn.MLP(2, [2, 1], scalar=True,
                 init={"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9, "w5": 0.73, "w6": -0.45})
    J = nn.binary_cross_entropy(net([0.52, 0.30]), 1.0)
    J.backward()
    w = dict(net.named_parameters())
    return ts.draw(J, highlight=[w["w1"], w["w3"]])


def story_graphs(name: str) -> list[Any]:
    """The graphs story `name` draws (`tinygrad-sym demo name`), caught as it draws them."""
    import importlib
    import tempfile
    from pathlib import Path
    from unittest import mock

    from tinygrad_sym.stories import common
    from tinygrad_sym.viz import draw

    drawn: list[Any] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        graph = draw(*args, **kwargs)
        drawn.append(graph)
        return graph

    story = importlib.import_module(f"tinygrad_sym.stories.{name.replace('-', '_')}")
    with mock.patch.object(common, "draw", recording), tempfile.TemporaryDirectory() as tmp:
        story.run(out_dir=Path(tmp), plots=True, verbose=False)
    return drawn


def batch_graph() -> Any:
    """A batch on a scalar twin, as the issue tried it: coffee's first 4 roasts."""
    import tinygrad_sym as ts
    from tinygrad_sym import datasets, nn

    ts.manual_seed(0)
    X, y = datasets.coffee_roasting()
    normalize = datasets.Normalizer.fit(X)
    twin = nn.MLP(2, [3, 1]).to_scalar()
    J = nn.cost(twin, normalize(X[:4]), y[:4])
    J.backward()
    w = dict(twin.named_parameters())
    return ts.draw(J, highlight=[w["w1"], w["w3"]])


def tensor_graph(name: str, examples: int, highlight: bool = True, **options: Any) -> Any:
    """A tensor net's picture, drawn as `ts.draw(J, highlight=[W1])` (or no highlight):
    coffee's 2→3→1 net on `examples` normalized roasts (on 4 with W1: the README's matrix
    picture) or the multiclass lab's 2→2→4 ReLU net with softmax cross-entropy on
    `examples` blob points."""
    import tinygrad_sym as ts
    from tinygrad_sym import datasets, nn

    ts.manual_seed(0)
    if name == "coffee":
        X, y = datasets.coffee_roasting()
        X = datasets.Normalizer.fit(X)(X)
        net, loss = nn.MLP(2, [3, 1]), nn.binary_cross_entropy
    else:
        X, y = datasets.blobs()
        net = nn.MLP(2, [2, 4], activation="relu", output_activation="linear")
        loss = nn.softmax_cross_entropy
    J = nn.cost(net, X[:examples], y[:examples], loss)
    J.backward()
    chosen = [dict(net.named_parameters())["W1"]] if highlight else []
    return ts.draw(J, highlight=chosen, **options)


TENSOR_PICTURES = (
    ("coffee tensor ×4, W1 (README's)", ("coffee", 4), {}),
    ("the same, clusters=False", ("coffee", 4), {"clusters": False}),
    ("coffee tensor ×4, no highlight", ("coffee", 4), {"highlight": False}),
    ("coffee tensor ×200, W1", ("coffee", 200), {}),
    ("coffee tensor ×200, no highlight", ("coffee", 200), {"highlight": False}),
    ("lab 2→2→4 ×100, W1", ("lab", 100), {}),
    ("lab 2→2→4 ×100, no highlight", ("lab", 100), {"highlight": False}),
)
"""The tensor nets' pictures measured (issue 17): name, (net, examples), draw options."""


def legibility_row(name: str, graph: Any, targets: bool = False) -> dict[str, Any]:
    """The text heights of `graph` on screen (px) at 1280 and 880 px wide, its aspect;
    with `targets`, whether it reaches the README picture's."""
    measured = graph.legibility()
    row = {"name": name, "smallest_1280": measured.smallest(1280),
           "smallest_880": measured.smallest(880), "median_880": measured.median(880),
           "aspect": measured.aspect, "width_pt": measured.width,
           "height_pt": measured.height, "target_met": None}
    if targets:
        row["target_met"] = measured.aspect <= 2.0 and all(
            row[key] >= value for key, value in README_TARGETS.items())
    return row


def legibility(stories: tuple[str, ...] = STORIES) -> list[dict[str, Any]]:
    """The README's picture, each story's graphs, a 4-example batch and the tensor nets'
    pictures, measured."""
    rows = [legibility_row("README picture (w1 vs w3)", readme_graph(), targets=True)]
    for story in stories:
        graphs = story_graphs(story)
        for k, graph in enumerate(graphs):
            suffix = f" ({k + 1} of {len(graphs)})" if len(graphs) > 1 else ""
            rows.append(legibility_row(f"{story} story graph{suffix}", graph))
    rows.append(legibility_row("batch of 4 on coffee's twin", batch_graph()))
    for name, (net, examples), options in TENSOR_PICTURES:
        rows.append(legibility_row(name, tensor_graph(net, examples, **options), targets=True))
    return rows


if __name__ == "__main__":  # the child process of run_case
    case, size_name, rounds_text = sys.argv[1:4]
    print(json.dumps(time_case(int(case), size_name == "tiny", int(rounds_text) or None)))
