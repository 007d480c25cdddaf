"""Seed versus tie: a fixed seed repeats a run and the units still differ; a tie
(w1 = w3, w2 = w4, w5 = w6) keeps the units equal forever.

    python examples/seed_vs_tie.py     (the full story: tinygrad-sym demo seed-vs-tie)

Writes out/seed-vs-tie/seed_vs_tie.png (needs matplotlib: pip install tinygrad_sym[plot]).
Cell by cell, with outputs: notebooks/seed_vs_tie.ipynb.
"""

# %% [markdown]
# # Seed versus tie
#
# *Is setting the seed the same as setting w1 = w3?* No. A fixed seed makes a run repeat
# bit for bit, and its units still start different and stay different; a tie makes the
# units equal, and they stay equal. The practice: random init, with the seed fixed.

# %%
import numpy as np

import tinygrad_sym as ts
from tinygrad_sym import datasets, nn, plots

X, y = datasets.coffee_roasting()
features = datasets.Normalizer.fit(X)(X)
tied = {"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.5}


def train(init=None, seed=0):
    """The 2 → 2 → 1 net from `init` (random with `seed` when None), 3000 steps of GD."""
    ts.manual_seed(seed)  # the practice: random init, seed fixed
    net = nn.MLP(2, [2, 1], init=init)
    history = nn.fit(net, features, y, optimizer=nn.SGD(net.parameters(), lr=5.0), epochs=3000,
                     progress=False, record_parameters=True)
    return net, history


panels = []
for name, init in (("seed fixed", None), ("tied", tied)):
    (first, history), (second, _) = train(init), train(init)
    same = all(np.array_equal(a, b) for a, b in zip(first.state_dict().values(),
                                                    second.state_dict().values(), strict=True))
    gap = np.abs(history.trajectory("w1") - history.trajectory("w3"))
    print(f"{name:10}: run twice identical: {same}; |w1 − w3| at the start {gap[0]:.3f}, "
          f"at the end {gap[-1]:.3f}; accuracy {nn.accuracy(first, features, y):.1%}")
    panels.append((name, history))

# %%
figure = plots.weight_trajectories(panels, (("w1", "w3"), ("w2", "w4"), ("w5", "w6")),
                                   "out/seed-vs-tie/seed_vs_tie.png")
print(f"figure: {figure}")
figure
