"""`python -m benchmarks.floor`: how much of our step is bookkeeping, not arithmetic.

Each of our implementations' step runs twice, interleaved round after round: as it is, and
with every op's numpy work (forwards and backward rules, from `ops.TABLE`) replaced by
replaying, in order, the results one real step gave. What the replayed step still costs
is the floor no faster op can go under: recording nodes, ordering and walking the graph,
summing shares back to shape, the layers', losses' and optimizer's Python and checks (and
the little numpy work outside the ops: bias sums, updates). Printed as ratios to numpy by
hand's whole step, for example:

    python -m benchmarks.floor                    # coffee
    python -m benchmarks.floor --workload medium --rounds 9

A target ratio below an implementation's floor cannot be met by making its ops faster.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tinygrad_sym import ops

from .workloads import IDIOMATIC, NN, OURS, WORKLOADS, build

IMPLEMENTATIONS = ("numpy", OURS, IDIOMATIC, NN)


class Replay:
    """A function that returns, in turn, the results its original gave while recording.

    Calls made inside another op's function (a rule that applies EXP) are not recorded: in
    the replay, that function returns at once and never makes them."""

    inside = 0  # how many replayed functions are running, one inside another

    def __init__(self, original: Callable[..., Any]) -> None:
        self.original = original
        self.results: list[Any] = []
        self.recording = True
        self.next_result: Iterator[Any] = iter(())

    def __call__(self, *args: Any, **attrs: Any) -> Any:
        if not self.recording:
            return next(self.next_result)
        Replay.inside += 1
        try:
            result = self.original(*args, **attrs)
        finally:
            Replay.inside -= 1
        if not Replay.inside:
            self.results.append(result)
        return result

    def replay(self) -> None:
        self.recording, self.next_result = False, itertools.cycle(self.results)


@contextmanager
def replayed_ops() -> Iterator[list[Replay]]:
    """Every op's forward, saving forward and backward rules wrapped in a `Replay`, recording
    until told to replay (the table is put back as it was on leaving)."""
    saved = {op: (op.forward, op.saving, op.rules) for op in ops.TABLE.values()}
    replays: list[Replay] = []

    def wrapped(function: Any) -> Replay:
        replays.append(Replay(function))
        return replays[-1]

    try:
        for op in ops.TABLE.values():
            op.forward = wrapped(op.forward)
            if op.saving is not None:
                op.saving = wrapped(op.saving)
            if isinstance(op.rules, tuple):  # (ops of any number of operands are not used)
                op.rules = tuple(wrapped(rule) for rule in op.rules)
        yield replays
    finally:
        for op, (forward, saving, rules) in saved.items():
            op.forward, op.saving, op.rules = forward, saving, rules


def _seconds_per_call(step: Callable[[], None], calls: int) -> float:
    """Wall-clock seconds per call (BLAS's own threads count too; run on an idle machine)."""
    start = time.perf_counter()
    for _ in range(calls):
        step()
    return (time.perf_counter() - start) / calls


def measure(key: str, rounds: int, calls: int) -> dict[str, tuple[float, float]]:
    """Per implementation: (seconds per real step, seconds per step with op work replayed)."""
    workload = next(w for w in WORKLOADS if w.key == key)
    problem = workload.problem(False)
    steps = {name: build(name, workload, problem).step for name in IMPLEMENTATIONS}
    real: dict[str, list[float]] = {name: [] for name in steps}
    floor: dict[str, list[float]] = {name: [] for name in steps}
    for step in steps.values():
        step()  # warm-up
    gc.collect()
    gc.freeze()
    for _ in range(rounds):
        for name, step in steps.items():
            real[name].append(_seconds_per_call(step, calls))
            with replayed_ops() as replays:
                step()  # recorded
                for replay in replays:
                    replay.replay()
                floor[name].append(_seconds_per_call(step, calls))
    gc.unfreeze()
    return {name: (statistics.median(real[name]), statistics.median(floor[name]))
            for name in steps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", default="coffee", choices=["coffee", "medium"])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=0,
                        help="steps per sample (default: 1000 for coffee, 20 for medium)")
    arguments = parser.parse_args(argv)
    calls = arguments.calls or (1000 if arguments.workload == "coffee" else 20)
    results = measure(arguments.workload, arguments.rounds, calls)
    numpy_step = results["numpy"][0]
    print(f"[{arguments.workload}] time per step, median of {arguments.rounds} rounds; "
          f"ratios to numpy by hand's step ({numpy_step * 1e6:.1f} µs)")
    print(f"  {'implementation':<24} {'step':>10} {'/ numpy':>8} {'ops replayed':>13} "
          f"{'/ numpy':>8}")
    for name, (real, floor) in results.items():
        if name != "numpy":
            print(f"  {name:<24} {real * 1e6:7.1f} µs {real / numpy_step:7.2f}× "
                  f"{floor * 1e6:10.1f} µs {floor / numpy_step:7.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
