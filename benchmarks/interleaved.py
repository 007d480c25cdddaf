"""Before/after on a busy machine: this checkout against another, in one process, interleaved.

    git archive main | tar -x -C /tmp/main          # the other checkout, e.g. main
    python -m benchmarks.interleaved /tmp/main --rounds 30

When other work shares the two cores, wall-clock medians of separate runs swing by tens of
percent and a change of a few percent cannot be seen. Here both versions of the package are
loaded side by side (the other one under another name), and their steps — the coffee step
fused, idiomatic and through `nn` in the course's form, and micrograd's demo node by node
— alternate round after round, timed by
this thread's CPU time, with the garbage collector off (and run between steps, untimed).
What is printed is this checkout's time over the other's, per workload.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from . import problems

PACKAGE = "tinygrad_sym"


@contextmanager
def _package_as(package: ModuleType, prefix: str) -> Iterator[None]:
    """Make `import tinygrad_sym…` give `package` (loaded under `prefix`) for a while."""
    saved = {name: module for name, module in sys.modules.items()
             if name == PACKAGE or name.startswith(PACKAGE + ".")}
    for name in saved:
        del sys.modules[name]
    for name, module in list(sys.modules.items()):
        if name == prefix or name.startswith(prefix + "."):
            sys.modules[PACKAGE + name[len(prefix):]] = module
    try:
        yield
    finally:
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        sys.modules.update(saved)


def _load_package(checkout: Path, prefix: str) -> ModuleType:
    """The tinygrad_sym package of another `checkout`, loaded under the name `prefix`."""
    path = checkout / PACKAGE
    spec = importlib.util.spec_from_file_location(
        prefix, path / "__init__.py", submodule_search_locations=[str(path)])
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no {PACKAGE} package in {checkout}")
    package = importlib.util.module_from_spec(spec)
    sys.modules[prefix] = package
    spec.loader.exec_module(package)
    return package


def implementations(package: ModuleType, prefix: str, name: str) -> ModuleType:
    """`benchmarks/<name>.py` (one of our implementations) bound to another `package`."""
    with _package_as(package, prefix):
        source = Path(__file__).with_name(f"{name}.py")
        spec = importlib.util.spec_from_file_location(f"{prefix}_{name}", source)
        if spec is None or spec.loader is None:
            raise FileNotFoundError(source)
        module = importlib.util.module_from_spec(spec)
        module.__package__ = __package__  # its relative imports: this benchmarks package
        spec.loader.exec_module(module)
    return module


def _time_per_call(step: Callable[[], None], repeat: int) -> float:
    """CPU time of this thread per call of `step`."""
    start = time.thread_time()
    for _ in range(repeat):
        step()
    return (time.thread_time() - start) / repeat


STEPS = {  # what is compared: (workload, our implementation's module, its builder, calls)
    "coffee": ("coffee", "with_tinygrad_sym", "mlp", 50),
    "coffee idiomatic": ("coffee", "with_tinygrad_sym_idiomatic", "mlp", 50),
    "coffee nn": ("coffee", "with_tinygrad_sym_nn", "mlp", 50),
    "scalar_mlp": ("scalar_mlp", "with_tinygrad_sym", "scalar_mlp", 1),
}


def compare(other: Path, rounds: int, tiny: bool = False) -> dict[str, float]:
    """This checkout's time over `other`'s, for each step of STEPS."""
    prefix = "tinygrad_sym_other"
    package = _load_package(other, prefix)
    ratios = {}
    for key, (workload, name, build, repeat) in STEPS.items():
        problem = getattr(problems, workload)(tiny)
        ours = importlib.import_module(f"{__package__}.{name}")
        theirs = implementations(package, prefix, name)
        steps = [getattr(module, build)(problem).step for module in (ours, theirs)]
        times: list[list[float]] = [[], []]
        enabled = gc.isenabled()
        gc.disable()
        try:
            for _ in range(rounds):
                for side, step in enumerate(steps):
                    times[side].append(_time_per_call(step, repeat))
                    gc.collect()
        finally:
            if enabled:
                gc.enable()
        ratios[key] = statistics.median(times[0]) / statistics.median(times[1])
    return ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.interleaved",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="root of the other checkout (holds tinygrad_sym/)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--tiny", action="store_true", help="tiny problems: does it run?")
    arguments = parser.parse_args(argv)
    for key, ratio in compare(arguments.other, arguments.rounds, arguments.tiny).items():
        print(f"{key:17s} this checkout / {arguments.other}: {ratio:.3f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
