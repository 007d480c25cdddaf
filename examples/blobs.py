"""Blobs: a 2 → 4 softmax net; each unit is one straight line.

    python examples/blobs.py           (writes out/blobs/blobs_units.png)

The same, cell by cell with outputs: notebooks/blobs.ipynb. The story with every claim
checked: tinygrad-sym demo blobs.
"""

# %% [markdown]
# # Blobs: each unit is one straight line
#
# Four blobs of points, labels 0 … 3; a 2 → 4 net with a softmax (in the loss): one unit
# per class, z = w·x + b. Each unit is a plane over the input, and where it crosses zero
# is a straight line.

# %%
import tinygrad_sym as ts
from tinygrad_sym import datasets, nn, plots
from tinygrad_sym.stories.blobs import unit_lines

ts.manual_seed(0)
X, y = datasets.blobs(400, centers=4)  # labels 0 … 3
net = nn.MLP(2, [4], activation="linear")  # logits z1 … z4; the softmax is in the loss
nn.fit(net, X, y, loss=nn.softmax_cross_entropy, optimizer=nn.Adam(net.parameters(), lr=0.05),
       epochs=500, progress=False)
print(f"training accuracy {nn.accuracy(net, X, y):.1%}")
for line in unit_lines(net, X, y):
    print(f"{line.equation(('x1', 'x2'))}   z{line.unit} = 0 is the line {line.line()}")

# %%
units = plots.unit_maps([net], "out/blobs/blobs_units.png", X=X, y=y,
                        class_names=[f"y = {k}" for k in range(4)])
print(f"figure: {units}")
units

# %% [markdown]
# ## One point through the scalar twin
# z1 … z4, softmax, −log p(label): the gradient graph of one point's loss.

# %%
twin = net.to_scalar()
J = nn.cost(twin, X[:1], y[:1], nn.softmax_cross_entropy)
J.backward()
print(f"point {X[0].round(2)} (label {y[0]}): J = {J.data:.4f}, ∂J/∂w1 = "
      f"{dict(twin.named_parameters())['w1'].grad:+.3e}")
ts.explain(J, dict(twin.named_parameters())["w1"])
