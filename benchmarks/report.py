"""The results as a table on the terminal, and as JSON for later comparison."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def seconds(value: float | None) -> str:
    """A duration in the unit that keeps three significant digits readable."""
    if value is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= 0.9995 * scale:  # what rounds to 1000 of the smaller unit
            return f"{value / scale:.3g} {unit}"
    return f"{value * 1e9:.3g} ns"


def size(value: float | None) -> str:
    """A byte count in B, KiB or MiB."""
    if value is None:
        return "—"
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value:.0f} B"


def _peak(row: dict[str, Any]) -> str:
    if "peak_bytes" not in row:
        return "—"
    return "not seen" if row["peak_bytes"] is None else size(row["peak_bytes"])


def _target_line(target: dict[str, Any], measure: str = "") -> str:
    if target["reference"] is None:
        goal = "runs to the end with the right gradient"
        return f"  target: {target['ours']} {goal}: {'met' if target['met'] else 'NOT met'}"
    ratio = "—" if target["ratio"] is None else f"{target['ratio']:.2f}×"
    verdict = {True: "met", False: "NOT met", None: "not measured"}[target["met"]]
    limit = " (no target)" if target["limit"] is None else (
        f" (target ≤ {target['limit']}×: {verdict})")
    what = f" {measure}" if measure else ""
    return f"  {target['ours']} / {target['reference']}{what}: {ratio}{limit}"


def workload_text(result: dict[str, Any]) -> str:
    """One workload: a row per implementation, then ours / each reference."""
    lines = [f"[{result['key']}] {result['title']}"]
    width = max(len(row["implementation"]) for row in result["rows"]) + 2
    lines.append(
        f"  {'implementation':<{width}}{'median':>10}{'spread':>8}{'per unit':>12}{'peak mem':>11}"
    )
    for row in result["rows"]:
        name = row["implementation"]
        if row["status"] != "ok":
            lines.append(f"  {name:<{width}}{row['status']}: {row.get('detail', '')}")
            continue
        per_unit = row.get("per_node_s", row.get("per_op_s"))
        unit = "/node" if "per_node_s" in row else "/op" if "per_op_s" in row else ""
        lines.append(
            f"  {name:<{width}}{seconds(row['median_s']):>10}{row['spread']:>7.0%} "
            f"{seconds(per_unit) + unit if per_unit else '':>12}"
            f"{_peak(row):>11}"
        )
    if result["ratios"]:
        lines.append("  ours / reference: median of the per-round ratios [their quartiles]"
                     " (ratio of medians)")
        ours_width = max(len(ratio["ours"]) for ratio in result["ratios"])
        reference_width = max(len(ratio["reference"]) for ratio in result["ratios"])
        for ratio in result["ratios"]:
            low, high = ratio["per_round_quartiles"]
            lines.append(
                f"    {ratio['ours']:<{ours_width}} / {ratio['reference']:<{reference_width}}"
                f" {ratio['ratio']:8.3f}×"
                f"   [{low:.3f} – {high:.3f}]   ({ratio['ratio_of_medians']:.3f}×)"
            )
    lines += [_target_line(target) for target in result["targets"]]
    return "\n".join(lines)


def memory_text(result: dict[str, Any]) -> str:
    lines = [f"[memory] {result['title']}"]
    lines.append(f"  {'implementation':<22}{'nodes':>8}{'graph':>11}{'per node':>10}"
                 f"{'+ grads':>10}{'backward peak':>15}")
    for row in result["rows"]:
        if "nodes" not in row:
            lines.append(f"  {row['implementation']:<22}{row['status']}: {row['detail']}")
            continue
        lines.append(
            f"  {row['implementation']:<22}{row['nodes']:>8,}{size(row['graph_bytes']):>11}"
            f"{row['bytes_per_node']:>8.0f} B{row['with_grads_bytes_per_node']:>8.0f} B"
            f"{size(row['backward_peak_bytes']):>15}"
        )
    lines += [_target_line(target, target["measure"]) for target in result["targets"]]
    return "\n".join(lines)


def render_text(result: dict[str, Any]) -> str:
    lines = [f"[render] {result['title']}"]
    if result.get("skipped"):
        return "\n".join([*lines, f"  skipped: {result['skipped']}"])
    for row in result["rows"]:
        if row["status"] != "ok":
            lines.append(f"  {row['name']:<34}{row['status']}: {row.get('detail', '')}")
            continue
        limit, met = row["limit_s"], row["median_s"] <= row["limit_s"]
        lines.append(
            f"  {row['name']:<34}{seconds(row['median_s']):>10}   nodes {row['nodes']:>6,}"
            f"   (target ≤ {limit} s: {'met' if met else 'NOT met'})"
        )
    if result.get("legibility_skipped"):
        lines.append(f"  legibility skipped: {result['legibility_skipped']}")
    if result.get("legibility"):
        lines.append("  text height on screen (px): smallest at 1280 / at 880, median at 880;"
                     " aspect")
    for row in result.get("legibility", ()):
        line = (f"  {row['name']:<34}{row['smallest_1280']:>6.1f} /{row['smallest_880']:>5.1f}"
                f"   median {row['median_880']:>4.1f}   aspect {row['aspect']:.2f}"
                f"   ({row['width_pt']:.0f}×{row['height_pt']:.0f} pt)")
        if row.get("target_met") is not None:
            line += (f"   (target ≥ 9 / 6.5, median ≥ 8, ≤ 2.0: "
                     f"{'met' if row['target_met'] else 'NOT met'})")
        lines.append(line)
    return "\n".join(lines)


def write_json(report: dict[str, Any], path: Path | None = None) -> Path:
    """Write the whole report; by default to benchmarks/results/<started>.json."""
    if path is None:
        stamp = report["meta"]["started"].replace(":", "").replace("-", "")
        path = RESULTS / f"{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return path
