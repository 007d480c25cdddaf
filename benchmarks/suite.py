"""Everything `python -m benchmarks` measures, in one report: timings, memory, rendering."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from . import memory, render, report, runner

PEERS = ("numpy", "tinygrad_sym", "torch", "micrograd", "mygrad", "autograd", "graphviz")


def commit() -> str | None:
    """The git commit measured, with "+changes" when the engine's files differ from it."""
    folder = Path(__file__).parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=folder,
                              capture_output=True, text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "tinygrad_sym"],
                                 cwd=folder, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if changed else "")


def environment(threads: int) -> dict[str, Any]:
    """What the figures depend on: versions, thread settings, BLAS, load on the machine."""
    versions = {}
    for name in PEERS:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    blas = None
    try:
        from threadpoolctl import threadpool_info

        blas = threadpool_info()
    except ImportError:
        pass
    return {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "threads": threads,
        "versions": versions,
        "blas": blas,
        "environment": {
            name: value for name, value in os.environ.items()
            if name.startswith(("OPENBLAS", "OMP", "MKL"))
        },
        "load_average_before": os.getloadavg(),
    }


def limit_torch_threads(threads: int) -> None:
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)


def run_all(
    only: list[str] | None, tiny: bool, rounds: int | None, threads: int
) -> dict[str, Any]:
    """Run the chosen parts (all by default), printing each as it finishes."""
    limit_torch_threads(threads)
    meta = environment(threads)
    print(f"tinygrad_sym benchmarks at {meta['commit']}, {meta['machine']}, {threads} threads, "
          f"load average {meta['load_average_before'][0]:.2f}" + (" — TINY sizes" if tiny else ""))
    log = lambda message: print(f"  … {message}", flush=True)
    workloads = []
    for result in runner.run(only, tiny, rounds, log):
        print("\n" + report.workload_text(result), flush=True)
        workloads.append(result)
    full: dict[str, Any] = {"meta": meta, "tiny": tiny, "workloads": workloads}
    if only is None or "memory" in only:
        full["memory"] = memory.scalar_node_memory(tiny)
        print("\n" + report.memory_text(full["memory"]), flush=True)
    if only is None or "render" in only:
        full["render"] = render.render_timings(tiny, rounds)
        print("\n" + report.render_text(full["render"]), flush=True)
    meta["load_average_after"] = os.getloadavg()
    print(f"\nload average {meta['load_average_before'][0]:.2f} before, "
          f"{meta['load_average_after'][0]:.2f} after (2 cores: above ~1 means another "
          "process competed for the CPU)")
    return full
