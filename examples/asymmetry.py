"""Asymmetry: tie the 2 → 2 → 1 coffee net's hidden units except for w6 − w5 = ε and count
the gradient-descent steps until |w1 − w3| > 0.01. Smaller ε, later; never for ε = 0.

    python examples/asymmetry.py       (the full story: tinygrad-sym demo asymmetry)

Writes out/asymmetry/asymmetry_gap.png (needs matplotlib: pip install tinygrad_sym[plot]).
Cell by cell, with outputs: notebooks/asymmetry.ipynb.
"""

# %% [markdown]
# # Asymmetry: how small a difference is enough?
#
# Start the 2 → 2 → 1 net tied (w1 = w3, w2 = w4) but for w6 = w5 + ε. Gradient descent
# amplifies the gap between the two units step by step, so any ε ≠ 0 separates them in
# the end; the smaller ε, the later. ε = 0 never separates.

# %%
import numpy as np

from tinygrad_sym import datasets, nn, plots

X, y = datasets.coffee_roasting()
features = datasets.Normalizer.fit(X)(X)
tied = {"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.5}

curves = []
for epsilon in (0.0, 1e-12, 1e-6, 1e-3, 0.1):
    net = nn.MLP(2, [2, 1], init={**tied, "w6": 0.5 + epsilon})
    history = nn.fit(net, features, y, optimizer=nn.SGD(net.parameters(), lr=5.0),  # w -= α·∂J/∂w
                     epochs=3000, progress=False, record_parameters=True)
    gap = np.abs(history.trajectory("w1") - history.trajectory("w3"))
    above = np.flatnonzero(gap > 0.01)
    crossing = int(above[0]) if above.size else None
    print(f"ε = {epsilon:<6g} |w1 − w3| > 0.01 first at step {crossing}, "
          f"accuracy {nn.accuracy(net, features, y):.1%}")
    if epsilon:
        curves.append((f"ε = {epsilon:g}", gap, crossing))

# %% [markdown]
# The gap |w1 − w3| over the first 600 steps (log scale): straight lines, so it grows
# exponentially, at the same rate whatever ε.

# %%
figure = plots.gap_growth(curves, "out/asymmetry/asymmetry_gap.png", threshold=0.01, until=600)
print(f"figure: {figure}")
figure
