"""The examples run as scripts and write the figures they name; the notebooks built from
them are current (same cells) and, executed afresh in a kernel, print and show what their
committed outputs say (`notebooks/build.py`'s `comparable`: text verbatim, memory addresses
aside; pictures by presence). `make notebooks` rebuilds them."""

import importlib.util
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "notebooks" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

nbformat = pytest.importorskip("nbformat")  # the dev extra
SCRIPTS = build.sources()
IDS = [script.stem for script in SCRIPTS]


def test_every_story_and_the_quickstart_have_an_example():
    from tinygrad_sym.stories import STORIES

    assert {name.replace("-", "_") for name in STORIES} | {"quickstart"} <= set(IDS)


WORKERS = 2
"""Examples and notebooks run two at a time: the machine's two cores."""


@pytest.fixture(scope="module")
def script_runs(tmp_path_factory):
    """Every example run as `python examples/<name>.py` in its own empty folder:
    name → (folder, CompletedProcess)."""
    def run(script):
        folder = tmp_path_factory.mktemp(script.stem)
        return folder, subprocess.run([sys.executable, str(script)], capture_output=True,
                                      text=True, cwd=folder, timeout=300)

    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(zip(IDS, pool.map(run, SCRIPTS), strict=True))


@pytest.fixture(scope="module")
def fresh_notebooks():
    """Every notebook built from its example and executed in a fresh kernel: name → the
    executed notebook, or the exception that stopped it."""
    def execute(script):
        try:
            return build.execute(build.blank_notebook(script))
        except Exception as error:  # reported by the notebook's own test
            return error

    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(zip(IDS, pool.map(execute, SCRIPTS), strict=True))


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_example_runs_as_a_script_and_writes_its_figures(script, script_runs):
    folder, result = script_runs[script.stem]
    assert result.returncode == 0, result.stderr
    figures = re.findall(r"^figure: (\S+)$", result.stdout, flags=re.MULTILINE)
    assert figures, "an example writes at least one figure and says where"
    for figure in figures:
        assert (folder / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", figure
        assert figure.startswith(f"out/{script.stem.replace('_', '-')}/")
    named = re.search(r"\(writes (.*)\)", script.read_text(encoding="utf-8"))
    assert named, "the docstring says which figures the script writes"
    first = Path(figures[0]).parent
    assert {Path(name.strip()) if "/" in name else first / name.strip()
            for name in named.group(1).split(",")} == {Path(f) for f in figures}


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_notebook_is_current_and_its_outputs_are_what_running_it_gives(script, fresh_notebooks):
    path = build.notebook_path(script)
    assert path.exists(), f"{path.name} is missing: run `make notebooks`"
    committed = nbformat.read(path, as_version=4)
    fresh = fresh_notebooks[script.stem]
    if isinstance(fresh, Exception):
        raise fresh  # nbclient's CellExecutionError names the cell and the traceback
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in fresh.cells], (
        f"{path.name} differs from {script.name}: run `make notebooks`")
    for cell in committed.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None, (
                f"{path.name} was committed without running: run `make notebooks`")
    assert build.outputs(committed) == build.outputs(fresh), (
        f"{path.name}'s committed outputs are not what it prints now: run `make notebooks`")
    assert not any(output.output_type == "error"
                   for cell in committed.cells if cell.cell_type == "code"
                   for output in cell.outputs)


def test_the_output_comparison_can_fail():
    """A changed number, or a picture gone, makes outputs differ; an address does not."""
    text = {"output_type": "stream", "name": "stdout", "text": "J = 0.5632\n"}
    picture = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
               "data": {"image/png": "iVBOR", "text/plain": "<Graph at 0x7f3a>"}}
    assert build.comparable(text) != build.comparable({**text, "text": "J = 0.5633\n"})
    assert build.comparable(picture) == build.comparable(
        {**picture, "data": {"image/png": "other bytes", "text/plain": "<Graph at 0x1b2c>"}})
    assert build.comparable(picture) != build.comparable(
        {**picture, "data": {"text/plain": "<Graph at 0x7f3a>"}})


def test_printed_text_counts_whatever_its_chunks():
    """The kernel sends printed text in chunks that depend on timing."""
    def notebook(*texts):
        cell = nbformat.v4.new_code_cell("print()")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in texts]
        return nbformat.v4.new_notebook(cells=[cell])

    assert build.outputs(notebook("a\n", "b\n")) == build.outputs(notebook("a\nb\n"))
    assert build.outputs(notebook("a\n", "b\n")) != build.outputs(notebook("a\nc\n"))
