"""Blobs over 40 seeds: how often do the lab net's two lines end distinct, similar, or with
two blobs in one corner, and how good is each run?

    python examples/blobs_seeds.py     (the full story: tinygrad-sym demo blobs-seeds)

Writes out/blobs-seeds/blobs_seeds.png (needs matplotlib: pip install tinygrad_sym[plot]).
Cell by cell, with outputs: notebooks/blobs_seeds.ipynb.
"""

# %% [markdown]
# # Blobs over 40 seeds: do both units ever draw similar lines?
#
# The forum's question about the lab's 2 → 2 ReLU → 4 net: *why don't both units draw
# similar lines half of the time?* Train it from 40 seeds and sort the runs: four corners
# (the two lines distinct), similar lines, or two blobs sharing a corner.

# %%
from collections import Counter

from tinygrad_sym import datasets, plots
from tinygrad_sym.stories.blobs_seeds import KINDS, SIMILAR_ANGLE, sweep_run

X, y = datasets.blobs()
runs = [sweep_run(seed, X, y) for seed in range(40)]  # manual_seed(seed), train as the lab does
print(Counter(run.kind for run in runs))
for run in runs:
    if run.kind != "four corners":
        print(f"{run.kind:26} {run.describe()}")

# %%
examples = [(f"seed {run.seed}: {run.kind}", [(line.weights, line.bias) for line in run.lines])
            for run in (next(r for r in runs if r.kind == kind) for kind in KINDS[:3])]
figure = plots.seed_sweep([(r.seed, r.angle, r.accuracy, r.kind) for r in runs],
                          "out/blobs-seeds/blobs_seeds.png", KINDS, SIMILAR_ANGLE, X, y, examples)
print(f"figure: {figure}")
figure
