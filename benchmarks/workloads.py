"""The list of workloads: what runs, on which implementations, against which targets."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import problems
from .implementation import Implementation

OURS = "tinygrad_sym"
IDIOMATIC = "tinygrad_sym idiomatic"  # x @ W + b, .sigmoid(), BCE from .log(): a learner's code
IDIOMATIC_NN_LOSS = "tinygrad_sym idiomatic + nn loss"  # the same, nn.softmax_cross_entropy
NN = "tinygrad_sym nn"  # nn.MLP, the course's losses, nn.SGD
GC_OFF = " [gc off]"  # suffix of an implementation timed with the garbage collector off

# Implementation name -> (module of this package, name of its builder when it is not the
# workload's own). A module whose library is not installed fails to import: that
# implementation is reported as missing.
IMPLEMENTATIONS: dict[str, tuple[str, str | None]] = {
    "numpy": ("with_numpy", None),
    OURS: ("with_tinygrad_sym", None),
    IDIOMATIC: ("with_tinygrad_sym_idiomatic", None),
    IDIOMATIC_NN_LOSS: ("with_tinygrad_sym_idiomatic", "mlp_nn_loss"),
    NN: ("with_tinygrad_sym_nn", None),
    "tinygrad_sym weighted_sum": ("with_tinygrad_sym", "scalar_mlp_linear"),
    "torch": ("with_torch", None),
    "mygrad": ("with_mygrad", None),
    "autograd": ("with_autograd", None),
    "micrograd": ("with_micrograd", None),
}


@dataclass(frozen=True)
class Target:
    """The goal: `ours` / `reference` (the median of the round-by-round ratios) at most
    `limit`; with no limit, the ratio is only reported; with no reference, the goal is
    that `ours` runs to the end and gets the right gradients."""

    ours: str
    reference: str | None = None
    limit: float | None = None


@dataclass(frozen=True)
class Workload:
    """One benchmark: its problem, the implementations that run it, its targets.

    `builder` is the name of the function each implementation module provides for it;
    `unit` names what `per_unit` times divide by ("node" of the graph, "op" of a chain).
    `also_without_gc` times every implementation a second time with the garbage collector
    off (rows marked GC_OFF): how much of each time is the collector's. Each sample is at
    least `sample_seconds` of back-to-back steps (longer for slow steps: less noise).
    """

    key: str
    title: str
    problem: Callable[[bool], Any]
    builder: str
    implementations: tuple[str, ...]
    targets: tuple[Target, ...] = ()
    rounds: int = 15
    sample_seconds: float = 0.05
    unit: str | None = None
    peak_memory: bool = True
    also_without_gc: bool = False


PEERS = ("torch", "mygrad", "autograd")
COFFEE = ("numpy", OURS, IDIOMATIC, NN, *PEERS)
SOFTMAX_NETS = ("numpy", OURS, IDIOMATIC, IDIOMATIC_NN_LOSS, NN, *PEERS)

WORKLOADS: tuple[Workload, ...] = (
    Workload(
        "coffee", "coffee net 2→3→1 sigmoid, X 200×2 f64, BCE, one SGD step",
        problems.coffee, "mlp", COFFEE,
        (Target(OURS, "numpy", 1.3), Target(NN, "numpy", 1.5), Target(IDIOMATIC, "numpy")),
    ),
    Workload(
        "medium", "256×784 → 128 relu → 10, softmax CE, f32, one step",
        problems.medium, "mlp", SOFTMAX_NETS,
        (Target(OURS, "numpy", 1.10), Target(IDIOMATIC, "numpy", 1.15),
         Target(IDIOMATIC_NN_LOSS, "numpy", 1.15), Target(NN, "numpy")),
        sample_seconds=0.1,
    ),
    Workload(
        "large", "1024×1024 → 1024 → 1024 → 10, softmax CE, f32, one step",
        problems.large, "mlp", SOFTMAX_NETS,
        (Target(OURS, "numpy", 1.02), Target(IDIOMATIC, "numpy"), Target(NN, "numpy")),
        rounds=9, sample_seconds=0.25,
    ),
    Workload(
        "scalar_mlp", "scalar MLP(2,[16,16,1]) on 100 points, SVM loss + L2, one step",
        problems.scalar_mlp, "scalar_mlp",
        ("numpy", OURS, "tinygrad_sym weighted_sum", NN, "micrograd"),
        (Target(OURS, "micrograd", 0.20), Target("tinygrad_sym weighted_sum", "micrograd", 0.33)),
        rounds=7, unit="node", also_without_gc=True,
    ),
    Workload(
        "deep_chain", "deep chain y = y·1.0001 + 0, 1,000,000 steps (2,000,000 ops), fwd+bwd",
        problems.deep_chain, "deep_chain", (OURS, "torch", "micrograd"), (Target(OURS),),
        rounds=3, unit="op", peak_memory=False,
    ),
)


def build(name: str, workload: Workload, problem: Any) -> Implementation:
    """Build implementation `name` of `workload` on `problem`.

    Raises ImportError when its library is not installed, LookupError when it has no
    version of this workload.
    """
    module_name, builder = IMPLEMENTATIONS[name]
    module = importlib.import_module(f"{__package__}.{module_name}")
    function = getattr(module, builder or workload.builder, None)
    if function is None:
        raise LookupError(f"{name} has no version of the {workload.key} workload")
    return function(problem)
