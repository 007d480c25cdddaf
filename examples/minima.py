"""Minima: the coffee net's cost has many equally low minima (reorder or mirror the hidden
units: same cost), and a hill between them where two units are equal.

    python examples/minima.py          (the full story: tinygrad-sym demo minima)

Writes out/minima/minima_path.png (needs matplotlib: pip install tinygrad_sym[plot]).
Cell by cell, with outputs: notebooks/minima.ipynb.
"""

# %% [markdown]
# # Minima: many equally good nets, and a hill between them
#
# *If there is one minimum, wouldn't all units reach the same weights?* There is not one:
# reorder the trained coffee net's hidden units, or mirror one (a → 1 − a, its outgoing
# weight negated), and the cost is the same. Halfway between a net and its twin with two
# units swapped, those two units are equal, and the cost is much higher.

# %%
import numpy as np

from tinygrad_sym import nn, plots
from tinygrad_sym.stories.coffee import train_coffee_net
from tinygrad_sym.stories.common import coffee_data, net_at
from tinygrad_sym.stories.minima import between, mirrored, permuted, twins

data = coffee_data()
net, history = train_coffee_net(0, data)  # manual_seed(0), 2 → 3 → 1, gradient descent
state = net.state_dict()


def J(state):
    """The cost over the 200 roasts of the net with these parameters."""
    return nn.cost(net_at(net, state), data.features, data.y).data


costs = [J(twin) for twin in twins(state)]  # 3! orders × 2³ mirrors
print(f"{len(costs)} nets, J from {min(costs):.12f} to {max(costs):.12f}")

# %% [markdown]
# Walk in a straight line from the net (t = 0) to a twin (t = 1):

# %%
swap = permuted(state, (1, 0, 2))  # units 1 and 2 swapped
points = np.linspace(-0.25, 1.25, 61)
path = np.array([J(between(state, swap, t)) for t in points])
mirror = np.array([J(between(state, mirrored(state, 2), t)) for t in points])
print(f"J at t = 0, 0.5, 1 towards the swapped twin: {J(state):.4f}, "
      f"{J(between(state, swap, 0.5)):.4f}, {J(swap):.4f}")
figure = plots.cost_between_twins(
    points, {"to the twin with units 1 ↔ 2 swapped": path,
             "to the twin with unit 3 mirrored": mirror},
    [("random start (seed 0)", history, 0)], "out/minima/minima_path.png")
print(f"figure: {figure}")
figure
