"""Build the notebooks from the examples: `examples/<name>.py` → `notebooks/<name>.ipynb`,
executed, with their outputs (so they read on a code-hosting site as they run).

    python notebooks/build.py             # every example (what `make notebooks` runs)
    python notebooks/build.py coffee      # one
    python notebooks/build.py --execute-into FOLDER coffee …   # for the tests

An example is a plain script in the "percent" cell format that VS Code, PyCharm and
jupytext understand: `# %%` starts a code cell, `# %% [markdown]` a text cell whose lines
are comments (`# ` stripped). What comes before the first marker (the script's docstring)
stays out of the notebook. A notebook runs in a fresh kernel whose working directory is a
temporary folder, so the figures it writes (out/<name>/…) leave no trace here.

tests/test_notebooks.py executes every notebook again and compares its outputs with the
committed ones (`comparable` below says what is compared).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "python3"
TIMEOUT = 300
"""Seconds a cell may run before the build gives up."""

SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""The kernels (which inherit this process's environment) run PyTorch and numpy on one thread:
the notebooks' arrays are small, and with the tests or a second kernel beside them, threads
only wait for each other (torch_bridge's training cell takes half the CPU time this way).
The same setting for `make notebooks` and for the tests (both go through `main`), so outputs
cannot differ by it."""

MARKER = re.compile(r"^# %%(?P<markdown> \[markdown\])?.*$")


def sources() -> list[Path]:
    """Every example script, in name order: each one is a notebook."""
    return sorted(EXAMPLES.glob("*.py"))


def notebook_path(script: Path) -> Path:
    """examples/coffee.py → notebooks/coffee.ipynb."""
    return NOTEBOOKS / f"{script.stem}.ipynb"


def cells(script: str) -> list[tuple[str, str]]:
    """The script's cells as (kind, source), kind "code" or "markdown"."""
    found: list[tuple[str, list[str]]] = []
    for line in script.splitlines():
        marker = MARKER.match(line)
        if marker:
            found.append(("markdown" if marker.group("markdown") else "code", []))
        elif found:
            kind, lines = found[-1]
            lines.append(re.sub(r"^# ?", "", line) if kind == "markdown" else line)
    if not found:
        raise ValueError("no `# %%` cell marker: nothing would go into the notebook")
    return [(kind, "\n".join(lines).strip("\n")) for kind, lines in found]


def blank_notebook(script: Path) -> nbformat.NotebookNode:
    """The notebook of `script`, not yet executed: its cells, with ids that do not change
    from one build to the next."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"name": KERNEL, "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for index, (kind, source) in enumerate(cells(script.read_text(encoding="utf-8"))):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        notebook.cells.append(make(source, id=f"{script.stem}-{index}"))
    return notebook


def execute(notebook: nbformat.NotebookNode, folder: Path | None = None
            ) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel whose working directory is `folder` (a temporary
    one when None); fail on the first error (nbclient's CellExecutionError names the cell
    and the traceback)."""
    if folder is None:
        with tempfile.TemporaryDirectory() as temporary:
            return execute(notebook, Path(temporary))
    client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(folder)}}, record_timing=False)
    client.execute()
    notebook.metadata["language_info"] = {"name": "python"}  # no version: same on every machine
    return notebook


def tidy(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What changes from run to run without meaning anything, made the same each time, so a
    rebuild leaves unchanged notebooks unchanged in git: printed text in one output per
    run of prints (the kernel chunks it by timing), no memory addresses in reprs."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        merged: list[Any] = []
        for output in cell.outputs:
            if (merged and output.output_type == "stream" and merged[-1].output_type == "stream"
                    and merged[-1].name == output.name):
                merged[-1].text = _text(merged[-1].text) + _text(output.text)
                continue
            if "text/plain" in output.get("data", {}):
                output.data["text/plain"] = ADDRESS.sub("", _text(output.data["text/plain"]))
            merged.append(output)
        cell.outputs = merged
    return notebook


def build(script: Path) -> Path:
    """Execute the notebook of `script` and write it next to the others (atomically)."""
    notebook = tidy(execute(blank_notebook(script)))
    path = notebook_path(script)
    temporary = path.with_name(f".{path.name}.tmp")
    nbformat.write(notebook, temporary)
    os.replace(temporary, path)
    return path


ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
IMAGES = ("image/png", "image/svg+xml", "image/jpeg")


def comparable(output: dict[str, Any]) -> dict[str, Any]:
    """What must not change between two runs of a cell: the output's kind, printed text,
    and every text representation (plain, HTML, Markdown) with memory addresses removed.
    Pictures are compared by their presence only: their bytes depend on the Graphviz and
    matplotlib versions, not on tinygrad_sym."""
    kind = output["output_type"]
    if kind == "stream":
        return {"stream": output["name"], "text": ADDRESS.sub("", "".join(output["text"]))}
    if kind == "error":
        return {"error": output["ename"], "value": output["evalue"]}
    data = output.get("data", {})
    shown = {mime: "<picture>" if mime in IMAGES else ADDRESS.sub("", _text(value))
             for mime, value in data.items()}
    return {"kind": kind, **shown}


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def outputs(notebook: nbformat.NotebookNode) -> list[list[dict[str, Any]]]:
    """The comparable outputs of every code cell, cell by cell. Printed text arrives in
    chunks that depend on timing, so consecutive chunks of one stream count as one."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        merged: list[dict[str, Any]] = []
        for output in map(comparable, cell.outputs):
            if merged and "stream" in output and merged[-1].get("stream") == output["stream"]:
                merged[-1] = {**merged[-1], "text": merged[-1]["text"] + output["text"]}
            else:
                merged.append(output)
        found.append(merged)
    return found


def execute_into(folder: Path, names: list[str], workers: int = 2) -> None:
    """Execute the named examples' notebooks, `workers` at a time, each in its own working
    directory folder/<name>, and write folder/<name>.ipynb as executed, or
    folder/<name>.error with what stopped it: what the tests read, from a process of its
    own so that nothing of it runs inside the test process."""
    def run(name: str) -> None:
        script = EXAMPLES / f"{name}.py"
        (folder / name).mkdir(parents=True, exist_ok=True)
        try:
            notebook = execute(blank_notebook(script), folder / name)
        except Exception as error:  # the test of that notebook reports it
            (folder / f".{name}.error").write_text(f"{type(error).__name__}: {error}",
                                                   encoding="utf-8")
            os.replace(folder / f".{name}.error", folder / f"{name}.error")
            return
        nbformat.write(notebook, folder / f".{name}.ipynb")
        os.replace(folder / f".{name}.ipynb", folder / f"{name}.ipynb")

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(run, names))


def main(arguments: list[str]) -> int:
    """Build the named notebooks (all without names); print each path written. With
    `--execute-into FOLDER name…`, execute them for the tests instead (see execute_into)."""
    os.environ.update(SINGLE_THREADED)  # for the kernels this process starts
    if arguments[:1] == ["--execute-into"]:
        execute_into(Path(arguments[1]), arguments[2:])
        return 0
    scripts = [EXAMPLES / f"{name}.py" for name in arguments] if arguments else sources()
    for script in scripts:
        print(f"{notebook_path(script).relative_to(ROOT)} ← {script.relative_to(ROOT)}",
              flush=True)
        build(script)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
