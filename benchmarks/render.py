"""Render timings: `ts.draw` to PNG, for the course's net and for big scalar graphs.

The graphs are built with tinygrad_sym.nn's scalar nets (named and grouped nodes, what
the renderer is made to draw and condense): the coffee-roasting 2→3→1 net on one
example, and the micrograd demo's MLP(2, [16, 16, 1]) on as many points as it takes to
reach 2,500 and 10,000 nodes. Skipped, with a note, when the renderer is not there;
each case runs in a child process that is ended if it takes far longer than its target.
The pictures are kept in benchmarks/results/render-*.png, to check that they are legible.
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
        import tinygrad_sym.viz  # noqa: F401
    except ImportError as error:
        note = f"the renderer is not available ({error})"
        print(f"  … render: {note}")
        return {"title": title, "skipped": note, "rows": []}
    rows = []
    for index, (name, _, _) in enumerate(CASES):
        print(f"  … render: {name}", flush=True)
        rows.append(run_case(index, tiny, rounds))
    return {"title": title, "rows": rows}


if __name__ == "__main__":  # the child process of run_case
    case, size_name, rounds_text = sys.argv[1:4]
    print(json.dumps(time_case(int(case), size_name == "tiny", int(rounds_text) or None)))
