"""Zero init: fatal for a hidden layer, harmless for logistic regression.

    python examples/zero_init.py       (the full story: tinygrad-sym demo zero-init)

Writes out/zero-init/zero_init_loss.png (needs matplotlib: pip install tinygrad_sym[plot]).
Cell by cell, with outputs: notebooks/zero_init.ipynb.
"""

# %% [markdown]
# # Zero init: a hidden layer stalls, logistic regression does not
#
# Start every weight at zero. In a 2 → 3 → 1 net the three hidden units are then identical
# (the symmetry of the tied start, for all of them) and stay so: the net can only do what
# one hidden unit can. Logistic regression has no hidden units to tie, and learns from
# zeros exactly what it learns from a random start.

# %%
import tinygrad_sym as ts
from tinygrad_sym import datasets, nn, plots

X, y = datasets.coffee_roasting()
features = datasets.Normalizer.fit(X)(X)

histories = {}
for sizes in ([3, 1], [1]):  # 2 → 3 → 1, then logistic regression 2 → 1
    for init in ("zeros", "glorot_uniform"):
        ts.manual_seed(0)
        net = nn.MLP(2, sizes, init=init)
        history = nn.fit(net, features, y, optimizer=nn.Adam(net.parameters(), lr=0.05),
                         epochs=1500, progress=False)
        label = " → ".join(map(str, [2, *sizes]))
        histories[label, init] = history
        print(f"{label:10} from {init:15} accuracy {nn.accuracy(net, features, y):6.1%}  "
              f"J = {history.loss[-1]:.4f}  identical units: "
              f"{[str(group) for group in nn.symmetric_units(net)] or 'none'}")

# %% [markdown]
# ## The loss over training

# %%
curves = plots.loss_curves(
    [(f"{label}: zeros vs random", {"from zeros": histories[label, "zeros"],
                                    "from random": histories[label, "glorot_uniform"]})
     for label in ("2 → 3 → 1", "2 → 1")],
    "out/zero-init/zero_init_loss.png")
print(f"figure: {curves}")
curves

# %% [markdown]
# ## Why, at the first step
# From zeros, every hidden unit computes a = σ(0) = 0.5 and its outgoing weight is 0, so
# ∂J/∂w1 = ∂J/∂w3 = 0 (each path crosses an outgoing weight of 0), and the three output
# weights get the same gradient.

# %%
scalar = nn.MLP(2, [3, 1], init="zeros", scalar=True)
J = nn.cost(scalar, features[:1], y[:1])
J.backward()
w = dict(scalar.named_parameters())
ts.compare(J, w["w7"], w["w8"])
