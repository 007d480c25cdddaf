"""Render timings: `ts.draw` to PNG, for the course's net and for big scalar graphs.

The graphs are built with tinygrad_sym.nn's scalar nets (named and grouped nodes, what
the renderer is made to draw and condense): the coffee-roasting 2→3→1 net on one
example, and the micrograd demo's MLP(2, [16, 16, 1]) on as many points as it takes to
reach 2,500 and 10,000 nodes. Skipped, with a note, when the renderer is not there.
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from . import problems, scalar_net

# (name, graph size in nodes or None for the course net, target seconds)
CASES = (
    ("course net 2→3→1, one example", None, 0.3),
    ("2,500-node graph", 2_500, 2.0),
    ("10,000-node graph", 10_000, 5.0),
)
TINY_SIZES = {2_500: 300, 10_000: 600}


def course_net() -> Any:
    """The coffee net as the course draws it (w1 … w9, b1 … b4, z/a per unit), after backward."""
    from tinygrad_sym import nn

    problem = problems.coffee()
    net = nn.MLP(2, [3, 1], activation="sigmoid", scalar=True)
    net.load_state_dict(problem.params)
    loss = nn.cost(net, problem.X[:1], problem.y[:1])
    loss.backward()
    return loss


def demo_graph(min_nodes: int) -> Any:
    """The micrograd demo's loss on the first k points, k the fewest giving ≥ min_nodes nodes."""
    from tinygrad_sym import nn
    from tinygrad_sym.value import topological_order

    problem = problems.scalar_mlp()
    net = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", scalar=True)
    net.load_state_dict(problem.params)

    def loss_on(points: int) -> Any:
        subset = dataclasses.replace(problem, X=problem.X[:points], y=problem.y[:points])
        return scalar_net.svm_loss(net, subset, float)

    base = len(topological_order(loss_on(1)))
    per_point = len(topological_order(loss_on(2))) - base
    points = 1 + max(0, -(-(min_nodes - base) // per_point))
    loss = loss_on(points)
    loss.backward()
    return loss


def render_timings(tiny: bool = False, rounds: int | None = None) -> dict[str, Any]:
    """Median seconds of `ts.draw(root, filename=….png)` for each case."""
    title = "ts.draw to PNG (graph built and backpropagated beforehand; Graphviz dot included)"
    try:
        from tinygrad_sym.value import topological_order
        from tinygrad_sym.viz import GraphvizNotFoundError, draw
    except ImportError as error:
        note = f"the renderer is not available ({error})"
        print(f"  … render: {note}")
        return {"title": title, "skipped": note, "rows": []}
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, size, limit in CASES:
            size = TINY_SIZES.get(size, size) if tiny else size
            root = course_net() if size is None else demo_graph(size)
            target = Path(folder) / f"graph-{len(rows)}.png"
            row: dict[str, Any] = {"name": name, "nodes": len(topological_order(root)),
                                   "limit_s": limit, "status": "ok"}
            samples = []
            try:
                for _ in range(rounds or (5 if size is None else 3)):
                    start = time.perf_counter()
                    draw(root, filename=target)
                    samples.append(time.perf_counter() - start)
            except GraphvizNotFoundError as error:
                row.update(status="skipped", detail=str(error).splitlines()[0])
            else:
                row.update(median_s=statistics.median(samples), samples_s=samples,
                           png_bytes=target.stat().st_size)
            rows.append(row)
    return {"title": title, "rows": rows}
