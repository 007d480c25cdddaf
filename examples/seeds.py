"""Seeds: the same seed gives the same weights; two seeds give the same features, reordered.

Run it twice (two processes): the fingerprint printed first is the same every time.

    python examples/seeds.py           (the full story: tinygrad-sym demo seeds)

Writes out/seeds/seeds_units.png (needs matplotlib: pip install tinygrad_sym[plot]).
Cell by cell, with outputs: notebooks/seeds.ipynb.
"""

# %% [markdown]
# # Seeds: reproducible runs, and the same features in another order
#
# `ts.manual_seed(seed)` makes a run reproducible: the same seed gives the same weights,
# bit for bit, in this process or another. Two seeds give two nets that learn the same
# three features (too cold, too short, over-roasted), each by a different unit.

# %%
from tinygrad_sym import nn, plots
from tinygrad_sym.stories.coffee import coffee_data, train_coffee_net
from tinygrad_sym.stories.seeds import fingerprint

data = coffee_data()
first, _ = train_coffee_net(0, data)  # manual_seed(0), MLP(2, [3, 1]), gradient descent
again, _ = train_coffee_net(0, data)
print(f"seed 0 fingerprint: {fingerprint(first)}, again: {fingerprint(again)}")

# %% [markdown]
# ## Two seeds, matched unit by unit
# `nn.match_units` pairs the hidden units of two nets by what they compute (the correlation
# of their activations over the data); a negative correlation is a mirrored unit (1 − a).

# %%
second, _ = train_coffee_net(1, data)
match = nn.match_units(first, second, data.features)  # activations over the 200 roasts
for unit_a, unit_b, correlation in match.pairs:
    print(f"seed 0 unit {unit_a} ↔ seed 1 unit {unit_b}   correlation {correlation:+.3f}")

# %% [markdown]
# Each row: one net's units (shade: activation, line: z = 0), seed 1's reordered to match.

# %%
units = plots.unit_maps([first, second], "out/seeds/seeds_units.png", X=data.X, y=data.y,
                        normalizer=data.normalize, row_titles=["seed 0", "seed 1"],
                        unit_orders=[[0, 1, 2], [unit - 1 for unit in match.permutation]],
                        axis_labels=("temperature (°C)", "duration (min)"),
                        class_names=("bad roast", "good roast"))
print(f"figure: {units}")
units
