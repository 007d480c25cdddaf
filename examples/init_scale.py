"""Init scale: Glorot-uniform weights × 0.01, 1, 10, 100 on the coffee net. Large weights
saturate the sigmoid (a(1 − a) near 0) and gradient descent crawls.

    python examples/init_scale.py      (the full story: tinygrad-sym demo init-scale)

Writes out/init-scale/init_scale.png (needs matplotlib: pip install tinygrad_sym[plot]).
Cell by cell, with outputs: notebooks/init_scale.ipynb.
"""

# %% [markdown]
# # Init scale: why Glorot, not any numbers?
#
# Scale the coffee net's Glorot-uniform start by 0.01, 1, 10 and 100. Every gradient
# through a sigmoid unit carries the factor a(1 − a); with large weights the units
# saturate (a near 0 or 1), that factor is near 0, and gradient descent crawls.

# %%
import tinygrad_sym as ts
from tinygrad_sym import datasets, nn, plots
from tinygrad_sym.stories.init_scale import slopes

X, y = datasets.coffee_roasting()
features = datasets.Normalizer.fit(X)(X)

starts, histories = {}, {}
for scale in (0.01, 1, 10, 100):
    ts.manual_seed(0)
    net = nn.MLP(2, [3, 1])  # Glorot uniform, then × scale:
    net.load_state_dict({name: value * scale for name, value in net.state_dict().items()})
    starts[f"× {scale:g}"] = slope = slopes(net.state_dict(), features)  # a(1 − a), hidden units
    histories[f"× {scale:g}"] = history = nn.fit(
        net, features, y, optimizer=nn.SGD(net.parameters(), lr=5.0), epochs=3000, progress=False)
    print(f"Glorot × {scale:<4g}: a(1 − a) < 0.01 for {(slope < 0.01).mean():5.1%} of "
          f"(roast, unit); J {history.loss[0]:.3f} → {history.loss[-1]:.3f}, "
          f"accuracy {nn.accuracy(net, features, y):.1%}")

# %%
figure = plots.init_scales(starts, histories, "out/init-scale/init_scale.png", saturated=0.01)
print(f"figure: {figure}")
figure
