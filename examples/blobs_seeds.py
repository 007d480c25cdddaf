"""Blobs over 40 seeds: how often do the lab net's two lines end distinct, similar, or with
two blobs in one corner, and how good is each run?

    python examples/blobs_seeds.py     (the full story: tinygrad-sym demo blobs-seeds)

Writes out/blobs-seeds/blobs_seeds.png (needs matplotlib: pip install tinygrad_sym[plot]).
"""

from collections import Counter

from tinygrad_sym import datasets, plots
from tinygrad_sym.stories.blobs_seeds import KINDS, SIMILAR_ANGLE, sweep_run

X, y = datasets.blobs()
runs = [sweep_run(seed, X, y) for seed in range(40)]  # manual_seed(seed), train as the lab does
print(Counter(run.kind for run in runs))
for run in runs:
    if run.kind != "four corners":
        print(f"{run.kind:26} {run.describe()}")

examples = [(f"seed {run.seed}: {run.kind}", [(line.weights, line.bias) for line in run.lines])
            for run in (next(r for r in runs if r.kind == kind) for kind in KINDS[:3])]
try:
    print("figure:", plots.seed_sweep([(r.seed, r.angle, r.accuracy, r.kind) for r in runs],
                                      "out/blobs-seeds/blobs_seeds.png", KINDS, SIMILAR_ANGLE,
                                      X, y, examples))
except plots.MissingMatplotlib as error:
    print(f"(no figure: {error})")
