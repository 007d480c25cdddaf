"""Width: how many hidden units? Train on 140 roasts, test on 60 held out.

    python examples/width.py           (the full story: tinygrad-sym demo width)

Writes out/width/width_accuracy.png (needs matplotlib: pip install tinygrad_sym[plot]).
Cell by cell, with outputs: notebooks/width.ipynb.
"""

# %% [markdown]
# # Width: how many hidden units, and is it good enough?
#
# Split the roasts once (140 to train on, 60 held out), then train nets of 1, 2, 3, 4 and
# 8 hidden units. Training accuracy keeps climbing with width; the held-out accuracy is
# the one that says how good the net is.

# %%
import numpy as np

import tinygrad_sym as ts
from tinygrad_sym import datasets, nn, plots

X, y = datasets.coffee_roasting()
order = np.random.default_rng(0).permutation(len(X))
train, test = order[:140], order[140:]  # split once, before looking at any net
normalize = datasets.Normalizer.fit(X[train])  # training statistics only

widths, results = (1, 2, 3, 4, 8), {"training": [], "test": []}
for width in widths:
    ts.manual_seed(0)
    net = nn.MLP(2, [width, 1])
    nn.fit(net, normalize(X[train]), y[train], optimizer=nn.SGD(net.parameters(), lr=5.0),
           epochs=3000, progress=False)
    results["training"].append([nn.accuracy(net, normalize(X[train]), y[train])])
    results["test"].append([nn.accuracy(net, normalize(X[test]), y[test])])
    print(f"{width} hidden units: training {results['training'][-1][0]:.1%}, "
          f"test {results['test'][-1][0]:.1%}")

# %%
figure = plots.accuracy_by_width(widths, results, "out/width/width_accuracy.png")
print(f"figure: {figure}")
figure
