"""Coffee roasting: train the course's 2 → 3 → 1 sigmoid net, then look at it weight by weight.

    python examples/coffee.py          (the full story: tinygrad-sym demo coffee)

Writes out/coffee/coffee_units.png, out/coffee/coffee_graph.png (needs matplotlib: pip
install tinygrad_sym[plot]). Cell by cell, with outputs: notebooks/coffee.ipynb.
"""

# %% [markdown]
# # Coffee roasting: what each hidden unit learns
#
# The course's lab: 200 roasts, each a temperature (°C) and a duration (min), labelled
# good (1) or bad (0). A 2 → 3 → 1 sigmoid net learns the rule by gradient descent,
# w := w − α·∂J/∂w; afterwards, each hidden unit turns out to guard one kind of bad roast
# (too cold, too short, over-roasted).

# %%
import tinygrad_sym as ts
from tinygrad_sym import datasets, nn, plots
from tinygrad_sym.stories.coffee import unit_summary

ts.manual_seed(0)  # the whole run is reproducible
X, y = datasets.coffee_roasting()  # X: 200 × (°C, min); y: 200 × 1, 1 = a good roast
normalize = datasets.Normalizer.fit(X)  # features of mean 0, std 1: what the net sees

net = nn.MLP(2, [3, 1], activation="sigmoid")  # W1 (2×3), b1, W2 (3×1), b2
history = nn.fit(net, normalize(X), y, loss=nn.binary_cross_entropy,  # gradient descent:
                 optimizer=nn.SGD(net.parameters(), lr=5.0), epochs=3000)  # w -= α·∂J/∂w
print(f"training accuracy {nn.accuracy(net, normalize(X), y):.1%}")
history

# %% [markdown]
# ## Each hidden unit draws one line
# A unit computes a = σ(w·x + b): high on one side of the straight line w·x + b = 0, low on
# the other. Read off the weights, the three lines are three different edges of the
# good-roast region.

# %%
print("\n".join(unit_summary(net, normalize)))
units = plots.unit_maps([net], "out/coffee/coffee_units.png", X=X, y=y, normalizer=normalize,
                        axis_labels=("temperature (°C)", "duration (min)"),
                        class_names=("bad roast", "good roast"))
print(f"figure: {units}")
units

# %% [markdown]
# ## The same net, one Value per weight
# `to_scalar()` gives the trained net's twin with every weight its own node, named as the
# course draws them (w1 … w9, b1 … b4, z1, a1, …). One good roast through it:

# %%
twin = net.to_scalar()
x1, x2 = normalize([200.0, 13.5])  # 200 °C for 13.5 min: a good roast, by the rule
a4 = twin([x1, x2])
J = nn.binary_cross_entropy(a4, 1.0)
J.backward()
print(f"a4 = {a4.data:.3f}, J = {J.data:.4f}")
for name, weight in twin.named_parameters():
    print(f"  {name:>3} = {weight.data:+8.3f}   ∂J/∂{name} = {weight.grad:+.2e}")

# %% [markdown]
# ## Why ∂J/∂w1 and ∂J/∂w3 differ
# w1 and w3 are the weights of units 1 and 2 on the temperature. Drawn and compared:

# %%
w = dict(twin.named_parameters())
graph = ts.draw(J, highlight=[w["w1"], w["w3"]], filename="out/coffee/coffee_graph.png")
print("figure: out/coffee/coffee_graph.png")
graph

# %%
ts.compare(J, w["w1"], w["w3"])
