"""Run the workloads: build every implementation, check its gradients, time, compare."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from . import agreement, timing
from .implementation import Implementation
from .workloads import GC_OFF, OURS, WORKLOADS, Workload, build


def check_gradients(
    built: dict[str, Implementation], problem: Any, rows: dict[str, dict[str, Any]]
) -> dict[str, Implementation]:
    """Compare every implementation's gradients with ours on the same starting weights.

    Returns the implementations that agree (ours included); the others are marked as
    disagreeing (or failing) in `rows` and are not timed.
    """
    results: dict[str, dict[str, Any]] = {}
    for name, implementation in built.items():
        try:
            results[name] = implementation.gradients()
        except Exception as error:  # a peer's failure is a result to report, not a crash
            detail = f"{type(error).__name__}: {str(error)[:200]}"
            if implementation.explain_failure is not None:
                detail += f"; {implementation.explain_failure(error)}"
            rows[name].update(status="error", detail=detail)
    if OURS not in results:
        return {}
    expected = getattr(problem, "expected", None)
    if expected is not None:  # a closed form to check ours against
        verdict = agreement.compare(expected(), results[OURS], agreement.tolerance("float64"))
        rows[OURS]["closed_form"] = verdict.detail
        if not verdict.agrees:
            rows[OURS].update(status="disagrees", detail=f"closed form: {verdict.detail}")
            return {}
    dtype = getattr(problem, "dtype", "float64")
    agreeing = {}
    for name, result in results.items():
        verdict = agreement.compare(results[OURS], result, agreement.tolerance(dtype))
        rows[name]["agreement"] = verdict.detail
        if verdict.agrees:
            agreeing[name] = built[name]
        else:
            rows[name].update(status="disagrees", detail=verdict.detail)
    return agreeing


def ratios(rows: dict[str, dict[str, Any]], timings: dict[str, timing.Timing]) -> list[dict]:
    """Ours (each of our variants) / every other implementation, measured in one run.

    `ratio` is the median of the round-by-round ratios (both timed within the same round,
    so a burst of load from another process hits both); `per_round_quartiles` show how
    much the noise moves it; `ratio_of_medians` is the same comparison from each side's
    median. Times with the garbage collector off are compared only with each other.
    """
    found = []
    for ours in (name for name in timings if name.startswith(OURS)):
        for reference in (name for name in timings if not name.startswith(OURS)):
            if ours.endswith(GC_OFF) != reference.endswith(GC_OFF):
                continue
            per_round = [
                a / b
                for a, b in zip(timings[ours].samples, timings[reference].samples, strict=True)
            ]
            quartiles = statistics.quantiles(per_round, n=4) if len(per_round) > 1 else per_round
            found.append({
                "ours": ours,
                "reference": reference,
                "ratio": statistics.median(per_round),
                "per_round_quartiles": [quartiles[0], quartiles[-1]],
                "ratio_of_medians": rows[ours]["median_s"] / rows[reference]["median_s"],
            })
    return found


def run_workload(
    workload: Workload, tiny: bool, rounds: int | None, log: Callable[[str], None]
) -> dict[str, Any]:
    """Everything measured for one workload, as a JSON-ready dict."""
    problem = workload.problem(tiny)
    rows: dict[str, dict[str, Any]] = {}
    built: dict[str, Implementation] = {}
    for name in workload.implementations:
        rows[name] = {"implementation": name, "status": "ok"}
        try:
            built[name] = build(name, workload, problem)
        except (ImportError, LookupError) as error:
            rows[name].update(status="missing", detail=str(error))
    log(f"[{workload.key}] checking gradients of {', '.join(built)}")
    agreeing = check_gradients(built, problem, rows)
    log(f"[{workload.key}] timing {', '.join(agreeing)}")
    steps = {name: implementation.step for name, implementation in agreeing.items()}
    if workload.also_without_gc:
        for name in list(agreeing):
            steps[name + GC_OFF] = timing.without_gc(agreeing[name].step)
            rows[name + GC_OFF] = {"implementation": name + GC_OFF, "status": "ok"}
    # Tiny problems only check that everything runs: short samples, short warm-up.
    timings = timing.time_side_by_side(
        steps,
        rounds or workload.rounds,
        min_sample_seconds=0.002 if tiny else workload.sample_seconds,
        warmup_seconds=0.005 if tiny else 0.1,
    )
    for name, measured in timings.items():
        row = rows[name]
        row.update(
            median_s=measured.median,
            spread=measured.spread,
            samples_s=measured.samples,
            calls_per_sample=measured.calls_per_sample,
        )
        implementation = agreeing[name.removesuffix(GC_OFF)]
        if workload.unit == "node" and implementation.nodes is not None:
            row["nodes"] = implementation.nodes()
            row["per_node_s"] = measured.median / row["nodes"]
        elif workload.unit == "op":
            row["ops"] = problem.ops
            row["per_op_s"] = measured.median / problem.ops
        if workload.peak_memory and name in agreeing:
            # None: the library allocates where tracemalloc cannot see.
            traced = implementation.traced_memory
            row["peak_bytes"] = timing.peak_memory(implementation.step) if traced else None
    compared = ratios(rows, timings)
    by_pair = {(r["ours"], r["reference"]): r["ratio"] for r in compared}
    targets = []
    for target in workload.targets:
        ratio = by_pair.get((target.ours, target.reference))
        if target.reference is None:
            met: bool | None = rows[target.ours]["status"] == "ok"
        else:
            met = None if ratio is None or target.limit is None else ratio <= target.limit
        targets.append({
            "ours": target.ours,
            "reference": target.reference,
            "limit": target.limit,
            "ratio": ratio,
            "met": met,
        })
    return {
        "key": workload.key,
        "title": workload.title,
        "rows": list(rows.values()),
        "ratios": compared,
        "targets": targets,
    }


def run(
    only: list[str] | None = None,
    tiny: bool = False,
    rounds: int | None = None,
    log: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """Run the chosen workloads (all by default); `tiny` shrinks every problem."""
    chosen = [w for w in WORKLOADS if only is None or w.key in only]
    return [run_workload(workload, tiny, rounds, log) for workload in chosen]
