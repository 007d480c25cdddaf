"""Symmetry: start two hidden units identical and they stay identical, bit for bit.

    python examples/symmetry.py        (the full story: tinygrad-sym demo symmetry)

Writes out/symmetry/symmetry_tied.png, out/symmetry/symmetry_weights.png (needs matplotlib:
pip install tinygrad_sym[plot]). Cell by cell, with outputs: notebooks/symmetry.ipynb.
"""

# %% [markdown]
# # Symmetry: tied units never separate
#
# The forum's question: *set w1 = w3, w2 = w4, w5 = w6 at the start; do the two hidden
# units ever become different?* No: every factor of ∂J/∂w1 has an equal twin in ∂J/∂w3, so
# both weights get the same update, at every step. Break one tie and they separate.

# %%
import tinygrad_sym as ts
from tinygrad_sym import datasets, nn, plots

X, y = datasets.coffee_roasting()
features = datasets.Normalizer.fit(X)(X)
tied = {"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.5}
untied = {**tied, "w6": 0.6}  # one tie broken

# %% [markdown]
# ## The first step, weight by weight
# On the scalar net every weight is a node with its own gradient (J: the mean loss over
# the 200 roasts).

# %%
for name, init in [("tied", tied), ("w6 = 0.6", untied)]:
    scalar = nn.MLP(2, [2, 1], init=init, scalar=True)
    nn.cost(scalar, features, y).backward()
    w = dict(scalar.named_parameters())
    print(f"{name:9} ∂J/∂w1 = {w['w1'].grad:+.6f}, ∂J/∂w3 = {w['w3'].grad:+.6f}")

# %% [markdown]
# Why, for the first roast of the tied net: every factor pairs up.

# %%
scalar = nn.MLP(2, [2, 1], init=tied, scalar=True)
J = nn.cost(scalar, features[:1], y[:1])
J.backward()
w = dict(scalar.named_parameters())
graph = ts.draw(J, highlight=[w["w1"], w["w3"]], filename="out/symmetry/symmetry_tied.png")
print("figure: out/symmetry/symmetry_tied.png")
graph

# %%
ts.compare(J, w["w1"], w["w3"])

# %% [markdown]
# ## 1,500 steps later
# Train the tensor net from both starts, recording every weight at every step.

# %%
histories = {}
for name, init in [("tied", tied), ("w6 = 0.6", untied)]:
    net = nn.MLP(2, [2, 1], init=init)
    histories[name] = nn.fit(net, features, y, optimizer=nn.Adam(net.parameters(), lr=0.05),
                             epochs=1500, progress=False, record_parameters=True)
    W1 = net.layers[0].W.data
    print(f"{name}: unit 1 = {W1[:, 0]}, unit 2 = {W1[:, 1]}")
    print(f"  symmetric_units: {[str(group) for group in nn.symmetric_units(net)] or 'none'}")

# %%
trajectories = plots.weight_trajectories(list(histories.items()),
                                         [("w1", "w3"), ("w2", "w4"), ("w5", "w6")],
                                         "out/symmetry/symmetry_weights.png")
print(f"figure: {trajectories}")
trajectories
