"""`python -m benchmarks.profiling WORKLOAD`: where one implementation's step spends its time.

Runs the workload's step a few times under cProfile (after one warm-up step) and prints
the functions by their own time, then by cumulative time. For example:

    python -m benchmarks.profiling scalar_mlp
    python -m benchmarks.profiling coffee --implementation "tinygrad_sym nn" --steps 2000
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys

from .workloads import OURS, WORKLOADS, build


def profile(key: str, implementation: str, steps: int, tiny: bool, limit: int) -> None:
    workload = next(w for w in WORKLOADS if w.key == key)
    step = build(implementation, workload, workload.problem(tiny)).step
    step()  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    print(f"{implementation} on {key}, {steps} steps")
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling", description=__doc__)
    parser.add_argument("workload", choices=[w.key for w in WORKLOADS])
    parser.add_argument("--implementation", default=OURS)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--limit", type=int, default=25, help="lines per table")
    arguments = parser.parse_args(argv)
    profile(arguments.workload, arguments.implementation, arguments.steps, arguments.tiny,
            arguments.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
