"""Smoke tests of the benchmark harness on tiny problems (no timing is ever asserted).

They check that the harness runs end to end, that the gradient agreement check refuses
an implementation whose gradients are wrong, and that the report is written as JSON.
"""

import json
import shutil
import sys

import numpy as np
import pytest

from benchmarks import agreement, memory, problems, render, report, runner, workloads
from benchmarks import with_tinygrad_sym_idiomatic as idiomatic
from benchmarks import with_tinygrad_sym_nn as with_nn
from benchmarks.__main__ import main
from benchmarks.implementation import Implementation
from benchmarks.with_numpy import forward_backward
from benchmarks.with_tinygrad_sym import deep_chain, mlp, scalar_mlp, scalar_mlp_linear

OURS = workloads.OURS


def workload(key: str) -> workloads.Workload:
    return next(w for w in workloads.WORKLOADS if w.key == key)


def perturbed(implementation: Implementation, name: str, factor: float) -> Implementation:
    """The same implementation, but gradient `name` scaled by `factor` (a wrong peer)."""

    def gradients() -> dict:
        result = implementation.gradients()
        return {**result, name: result[name] * factor}

    return Implementation(gradients, implementation.step)


@pytest.mark.parametrize("make_problem", [problems.coffee, problems.medium, problems.scalar_mlp])
def test_ours_agrees_with_numpy_by_hand(make_problem):
    """Two independent derivations (the engine's rules, the chain rule by hand) agree."""
    problem = make_problem(tiny=True)
    ours = (scalar_mlp if problem.loss == "svm" else mlp)(problem).gradients()
    by_hand = forward_backward(problem, problem.params)
    verdict = agreement.compare(ours, by_hand, agreement.tolerance(problem.dtype))
    assert verdict.agrees, verdict.detail


@pytest.mark.parametrize(("make_problem", "builder"), [
    (problems.coffee, idiomatic.mlp), (problems.coffee, with_nn.mlp),
    (problems.medium, idiomatic.mlp), (problems.medium, idiomatic.mlp_nn_loss),
    (problems.medium, with_nn.mlp),
])
def test_the_idiomatic_and_nn_steps_agree_with_numpy_by_hand(make_problem, builder):
    """A learner's code (BCE from logs, log_softmax + indexing, nn's losses) computes the
    same loss and gradients; its gradients() leaves the parameters' .grad at zero."""
    problem = make_problem(tiny=True)
    implementation = builder(problem)
    by_hand = forward_backward(problem, problem.params)
    for _ in range(2):  # the second time from zeroed gradients, not accumulated ones
        verdict = agreement.compare(implementation.gradients(), by_hand,
                                    agreement.tolerance(problem.dtype))
        assert verdict.agrees, verdict.detail


def test_agreement_refuses_a_wrong_gradient():
    problem = problems.coffee(tiny=True)
    ours = mlp(problem).gradients()
    for factor in (1.01, -1.0, np.nan):
        wrong = {**ours, "W2": ours["W2"] * factor}
        verdict = agreement.compare(ours, wrong, agreement.tolerance(problem.dtype))
        assert not verdict.agrees and "W2" in verdict.detail


def test_agreement_tolerates_round_off_in_an_entry_that_cancels_to_zero():
    ours = {"loss": 1.0, "W": np.array([0.5, -0.25]), "b": np.array([6.9e-18])}
    theirs = {"loss": 1.0, "W": np.array([0.5, -0.25]), "b": np.array([-6.9e-18])}
    assert agreement.compare(ours, theirs, 1e-6).agrees


def test_agreement_refuses_missing_entries_and_wrong_shapes():
    ours = {"loss": 1.0, "W": np.ones((2, 3))}
    assert not agreement.compare(ours, {"loss": 1.0}, 1e-6).agrees
    assert not agreement.compare(ours, {"loss": 1.0, "W": np.ones((3, 2))}, 1e-6).agrees


def test_a_disagreeing_implementation_is_reported_and_not_timed():
    problem = problems.coffee(tiny=True)
    built = {OURS: mlp(problem), "wrong": perturbed(mlp(problem), "b1", 1.1)}
    rows = {name: {"implementation": name, "status": "ok"} for name in built}
    agreeing = runner.check_gradients(built, problem, rows)
    assert set(agreeing) == {OURS}
    assert rows["wrong"]["status"] == "disagrees"
    assert "b1" in rows["wrong"]["detail"]


def test_a_failing_implementation_is_reported_with_its_error():
    problem = problems.coffee(tiny=True)

    def gradients() -> dict:
        raise RecursionError("maximum recursion depth exceeded")

    failing = Implementation(gradients, gradients, explain_failure=lambda error: "known limit")
    rows = {name: {"implementation": name, "status": "ok"} for name in (OURS, "failing")}
    agreeing = runner.check_gradients({OURS: mlp(problem), "failing": failing}, problem, rows)
    assert set(agreeing) == {OURS}
    assert rows["failing"]["status"] == "error"
    assert "RecursionError" in rows["failing"]["detail"]
    assert "known limit" in rows["failing"]["detail"]


def test_both_scalar_idioms_agree_with_each_other():
    problem = problems.scalar_mlp(tiny=True)
    verdict = agreement.compare(
        scalar_mlp(problem).gradients(), scalar_mlp_linear(problem).gradients(), 1e-9
    )
    assert verdict.agrees, verdict.detail


def test_deep_chain_matches_its_closed_form():
    problem = problems.deep_chain(tiny=True)
    result = deep_chain(problem).gradients()
    assert result["x"] == pytest.approx(1.0001**problem.steps, rel=1e-12)


@pytest.mark.parametrize("key", ["coffee", "scalar_mlp"])
def test_a_workload_runs_on_tiny_sizes(key):
    result = runner.run_workload(workload(key), tiny=True, rounds=2, log=lambda message: None)
    rows = {row["implementation"]: row for row in result["rows"]}
    assert rows[OURS]["status"] == "ok" and rows["numpy"]["status"] == "ok"
    for row in rows.values():
        assert row["status"] in {"ok", "missing"}, row  # a peer that runs must agree
        if row["status"] == "ok":
            assert len(row["samples_s"]) == 2 and row["median_s"] > 0
    pairs = {(ratio["ours"], ratio["reference"]) for ratio in result["ratios"]}
    assert (OURS, "numpy") in pairs
    assert all(target["ratio"] is not None for target in result["targets"]
               if target["reference"] in rows and rows[target["reference"]]["status"] == "ok")
    text = report.workload_text(result)
    assert f"{OURS}" in text and "numpy" in text


def test_memory_per_node_is_measured():
    result = memory.scalar_node_memory(tiny=True)
    ours = next(row for row in result["rows"] if row["implementation"] == OURS)
    assert ours["nodes"] > 100 and ours["bytes_per_node"] > 0
    assert "per node" in report.memory_text(result)


def test_render_is_skipped_with_a_note_when_the_renderer_is_missing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tinygrad_sym.viz", None)  # makes the import fail
    result = render.render_timings(tiny=True)
    assert result["skipped"] and not result["rows"]
    assert "not available" in capsys.readouterr().out
    assert "skipped" in report.render_text(result)


def test_the_command_line_writes_json(tmp_path, capsys, monkeypatch):
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                     "OPENBLAS_THREAD_TIMEOUT"):
        monkeypatch.setenv(variable, "2")  # main() sets them; restored after the test
    path = tmp_path / "bench.json"
    assert main(["--tiny", "--rounds", "2", "--only", "coffee", "--output", str(path)]) == 0
    saved = json.loads(path.read_text())
    assert saved["tiny"] is True
    assert [w["key"] for w in saved["workloads"]] == ["coffee"]
    assert saved["meta"]["threads"] == 2
    assert "[coffee]" in capsys.readouterr().out


def test_the_command_line_refuses_an_unknown_workload():
    with pytest.raises(SystemExit):
        main(["--only", "nonsense"])


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot binary is missing")
def test_render_reports_how_legible_the_readme_picture_is():
    (row,) = render.legibility(stories=())[:1]
    assert row["name"].startswith("README") and row["target_met"] is True
    assert row["smallest_880"] >= 6.5 and row["aspect"] <= 2.0
    text = report.render_text({"title": "t", "rows": [], "legibility": [row]})
    assert "README picture" in text and "met" in text and "NOT met" not in text


def test_interleaved_loads_another_checkout_beside_this_one(tmp_path):
    """The before/after harness binds the implementations to the other checkout's package
    (here a copy of this one) and prints this checkout's time over the other's."""
    from pathlib import Path

    from benchmarks import interleaved

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "tinygrad_sym", tmp_path / "tinygrad_sym")
    package = interleaved._load_package(tmp_path, "tinygrad_sym_copy")
    for name in ("with_tinygrad_sym", "with_tinygrad_sym_nn"):
        module = interleaved.implementations(package, "tinygrad_sym_copy", name)
        assert Path(module.ts.__file__).is_relative_to(tmp_path)
    assert Path(module.nn.__file__).is_relative_to(tmp_path)
    import tinygrad_sym

    assert Path(tinygrad_sym.__file__).is_relative_to(root)  # this checkout's, restored
    ratios = interleaved.compare(tmp_path, rounds=1, tiny=True)
    assert set(ratios) == set(interleaved.STEPS) and all(r > 0 for r in ratios.values())


def test_the_floor_replays_each_op_result_in_order_and_puts_the_table_back():
    """`benchmarks.floor` replays the ops' results of one recorded step: the replayed step
    gives the same gradients, and leaving restores every op's own functions."""
    from benchmarks import floor
    from tinygrad_sym import ops

    before = {op: (op.forward, op.saving, op.rules) for op in ops.TABLE.values()}
    problem = problems.coffee(tiny=True)
    implementation = mlp(problem)
    expected = implementation.gradients()
    with floor.replayed_ops() as replays:
        implementation.gradients()  # recorded
        for replay in replays:
            replay.replay()
        for _ in range(2):  # the same results, in the same order, each time round
            replayed = implementation.gradients()
            for name, value in expected.items():
                np.testing.assert_array_equal(replayed[name], value)
    assert {op: (op.forward, op.saving, op.rules) for op in ops.TABLE.values()} == before
