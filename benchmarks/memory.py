"""Bytes per scalar node: the micrograd demo's graph in tinygrad_sym and in micrograd.

tracemalloc counts what building the loss allocates (the graph, with its constants and
inputs) while the graph is alive, then what backward adds (the gradients); the node
count is taken afterwards, outside the measurement.
"""

from __future__ import annotations

import gc
import importlib
import tracemalloc
from typing import Any

from . import problems

# Name -> (module of this package, its function building the scalar MLP's setup).
SCALAR_SETUPS: dict[str, tuple[str, str]] = {
    "tinygrad_sym": ("with_tinygrad_sym", "scalar_setup"),
    "tinygrad_sym weighted_sum": ("with_tinygrad_sym", "scalar_setup_linear"),
    "micrograd": ("with_micrograd", "scalar_setup"),
}


def graph_memory(name: str, problem: problems.MLPProblem) -> dict[str, Any]:
    """Bytes of one forward graph, with its gradients, and the peak during backward."""
    module_name, function = SCALAR_SETUPS[name]
    setup = getattr(importlib.import_module(f"{__package__}.{module_name}"), function)(problem)
    gc.collect()
    tracemalloc.start()
    try:
        loss = setup.loss(problem)
        graph_bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        loss.backward()
        with_grads_bytes, backward_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    nodes = setup.count_nodes(loss)
    return {
        "implementation": name,
        "nodes": nodes,
        "graph_bytes": graph_bytes,
        "bytes_per_node": graph_bytes / nodes,
        "with_grads_bytes_per_node": with_grads_bytes / nodes,
        "backward_peak_bytes": backward_peak,
    }


def scalar_node_memory(tiny: bool = False) -> dict[str, Any]:
    """Bytes per node for each scalar library installed, and ours / micrograd."""
    problem = problems.scalar_mlp(tiny)
    rows = []
    for name in SCALAR_SETUPS:
        try:
            rows.append(graph_memory(name, problem))
        except ImportError as error:
            rows.append({"implementation": name, "status": "missing", "detail": str(error)})
    by_name = {row["implementation"]: row for row in rows if "nodes" in row}
    comparisons = []
    if "micrograd" in by_name:
        micrograd = by_name["micrograd"]
        for ours, measure, limit in (
            ("tinygrad_sym", "bytes_per_node", 0.5),
            ("tinygrad_sym", "with_grads_bytes_per_node", 0.5),
            ("tinygrad_sym weighted_sum", "graph_bytes", None),  # fewer, larger nodes: whole graph
        ):
            ratio = by_name[ours][measure] / micrograd[measure]
            comparisons.append({
                "ours": ours, "reference": "micrograd", "measure": measure, "limit": limit,
                "ratio": ratio, "met": None if limit is None else ratio <= limit,
            })
    return {"title": "scalar graph memory, micrograd demo (one forward graph)", "rows": rows,
            "targets": comparisons}
