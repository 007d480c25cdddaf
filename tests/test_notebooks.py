"""The examples and the notebooks built from them.

Every notebook is built afresh from its example (`notebooks/build.py`) and executed in a
fresh kernel, by a process of its own started as soon as the tests are collected (see
conftest.py): its cells are the script's code in order, so this runs each example end to
end.
It must write the figures its docstring names, print "figure: <path>" for each, and give
the outputs the committed notebook shows (`build.comparable`: text verbatim, memory
addresses aside; pictures by presence). Two examples also run as plain scripts
(`python examples/<name>.py`), the way the README tells a user to. `make notebooks`
rebuilds the committed notebooks.
"""

import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "notebooks" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

nbformat = pytest.importorskip("nbformat")  # the dev extra
SCRIPTS = build.sources()
IDS = [script.stem for script in SCRIPTS]
EXAMPLES = {script.stem: script for script in SCRIPTS}


def test_every_story_and_the_quickstart_have_an_example():
    from tinygrad_sym.stories import STORIES

    assert {name.replace("-", "_") for name in STORIES} | {"quickstart"} <= set(IDS)



AS_SCRIPTS = ["quickstart", "symmetry"]
"""The examples also run as `python examples/<name>.py`: one with a graph, one with plots."""


NEEDS = {"torch_bridge": ("torch", "torchviz")}
"""Examples that need an optional extra (here torch, which `make test` installs): their
notebooks skip, saying so, where it is missing."""


def missing_modules(script: Path) -> list[str]:
    """The modules this example needs that cannot be imported here."""
    return [name for name in NEEDS.get(script.stem, ()) if importlib.util.find_spec(name) is None]


def figures_named(script: Path) -> set[Path]:
    """The figures the example's docstring says it writes ("Writes out/a/x.png, …", or
    "Writes no files")."""
    if re.search(r"^Writes no files\.", script.read_text(encoding="utf-8"), flags=re.MULTILINE):
        return set()
    named = re.search(r"^Writes (.+?)(?: \(needs|\.\s)", script.read_text(encoding="utf-8"),
                      flags=re.MULTILINE | re.DOTALL)
    assert named, f"{script.name}'s docstring says which figures it writes (Writes …)"
    return {Path(name.strip()) for name in named.group(1).split(",")}


def figures_printed(text: str) -> set[Path]:
    """The figures an example says it wrote ("figure: <path>" lines)."""
    return {Path(path) for path in re.findall(r"^figure: (\S+)$", text, flags=re.MULTILINE)}


def assert_figures(script: Path, folder: Path, printed: str) -> None:
    """The figures named in the docstring were written in `folder`, as PNGs under
    out/<story>/, and the example said so."""
    named = figures_named(script)
    assert figures_printed(printed) == named
    for figure in named:
        assert figure.parts[:2] == ("out", script.stem.replace("_", "-")), figure
        assert (folder / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", figure


def printed_text(notebook) -> str:
    return "".join(output.text for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.outputs if output.output_type == "stream")


class Notebooks:
    """The notebooks being executed by `build.py --execute-into`, in a process of its own
    (kernels and their clients never run inside the test process, whose memory, garbage
    collector and recursion limit other tests measure)."""

    def __init__(self, names: set[str]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tinygrad_sym-notebooks-"))
        self.log = (self.folder / "build.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "notebooks" / "build.py"), "--execute-into",
             str(self.folder), *sorted(names, key=IDS.index)],
            stdout=self.log, stderr=subprocess.STDOUT)

    def result(self, name: str):
        """(its working folder, the executed notebook), or raise what stopped it."""
        done, error = self.folder / f"{name}.ipynb", self.folder / f"{name}.error"
        while not (done.exists() or error.exists()):
            if self.process.poll() is not None and not (done.exists() or error.exists()):
                raise AssertionError(f"the notebooks' process ended without {name}: "
                                     f"{(self.folder / 'build.log').read_text()[-3000:]}")
            time.sleep(0.1)
        if error.exists():
            raise AssertionError(f"{name}.ipynb failed: {error.read_text(encoding='utf-8')}")
        return self.folder / name, nbformat.read(done, as_version=4)

    def stop(self) -> None:
        """End the process if it still runs (its kernels exit with it); remove the files."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_RUNNING: list[Notebooks] = []


def start_notebooks(names) -> None:
    """Start executing the named notebooks (those that can run here): called by
    conftest.py as soon as the tests are collected, so they run while the rest of the
    suite does (the notebooks' tests go last)."""
    names = {name for name in names if not missing_modules(EXAMPLES[name])}
    if not _RUNNING and names:
        _RUNNING.append(Notebooks(names))


def stop_notebooks() -> None:
    """Stop and clean up what `start_notebooks` started."""
    while _RUNNING:
        _RUNNING.pop().stop()


@pytest.fixture
def fresh_notebooks():
    """The notebooks being executed (started here when conftest.py's hook did not)."""
    start_notebooks(set(IDS))
    return _RUNNING[0]


@pytest.mark.parametrize("name", AS_SCRIPTS)
def test_example_runs_as_a_script_and_writes_its_figures(name, tmp_path):
    script = ROOT / "examples" / f"{name}.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert_figures(script, tmp_path, result.stdout)


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_notebook_is_current_and_its_outputs_are_what_running_it_gives(script, fresh_notebooks):
    path = build.notebook_path(script)
    assert path.exists(), f"{path.name} is missing: run `make notebooks`"
    committed = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in build.blank_notebook(script).cells], (
        f"{path.name} differs from {script.name}: run `make notebooks`")
    code = [cell for cell in committed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code), (
        f"{path.name} was committed without running: run `make notebooks`")
    assert not any(output.output_type == "error" for cell in code for output in cell.outputs)
    if missing_modules(script):
        pytest.skip(f"{script.name} needs {', '.join(missing_modules(script))} (the torch "
                    "extra: pip install tinygrad_sym[torch]; make test installs it)")
    folder, fresh = fresh_notebooks.result(script.stem)
    assert_figures(script, folder, printed_text(fresh))
    assert build.outputs(committed) == build.outputs(fresh), (
        f"{path.name}'s committed outputs are not what it prints now: run `make notebooks`")


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
