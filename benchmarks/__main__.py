"""`python -m benchmarks`: run every workload, print the table, write the JSON.

The thread counts are fixed before numpy (or torch) is imported, so that every library
uses the same number of BLAS threads: 2 by default, `--threads` to change; and idle
OpenBLAS and OpenMP threads are told to sleep at once, so they do not slow the next library
timed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

WORKLOAD_KEYS = ("coffee", "medium", "large", "scalar_mlp", "deep_chain", "memory", "render")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="tinygrad_sym against hand-written numpy and peer libraries, side by side.",
    )
    parser.add_argument("--only", help=f"comma-separated, among {', '.join(WORKLOAD_KEYS)}")
    parser.add_argument("--rounds", type=int, help="timing rounds per workload (default: its own)")
    parser.add_argument("--tiny", action="store_true", help="tiny problems: does it run?")
    parser.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP/torch threads")
    parser.add_argument("--output", help="JSON path (default: benchmarks/results/<time>.json)")
    arguments = parser.parse_args(argv)
    if arguments.only:
        unknown = set(arguments.only.split(",")) - set(WORKLOAD_KEYS)
        if unknown:
            parser.error(f"unknown workload(s) {', '.join(sorted(unknown))}")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse(sys.argv[1:] if argv is None else argv)
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(arguments.threads)
    # OpenBLAS's idle threads otherwise spin for ~0.1 s after each call, stealing both cores
    # from the next library timed (seen here: torch's coffee step 0.08 ms alone, 27 ms
    # interleaved with numpy). Numpy's own speed does not change.
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
    # Likewise PyTorch's OpenMP threads: spinning while the machine is shared, they made
    # its coffee step 15 ms instead of 0.5 ms at a load average of 4.5 (PASSIVE: they sleep).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from .report import write_json
    from .suite import run_all  # imports numpy: only now that the thread counts are set

    only = arguments.only.split(",") if arguments.only else None
    report = run_all(only, arguments.tiny, arguments.rounds, arguments.threads)
    path = write_json(report, Path(arguments.output) if arguments.output else None)
    print(f"\nJSON written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
