"""Blobs: the course's multiclass lab net, 2 → 2 ReLU → 4, on the lab's four blobs.

Each hidden unit draws one straight line; the two lines give each blob its own corner
(which units are active), and the output layer tells the corners apart.

    python examples/blobs.py           (the full story: tinygrad-sym demo blobs)

Writes out/blobs/blobs_lines.png (needs matplotlib: pip install tinygrad_sym[plot]).
Cell by cell, with outputs: notebooks/blobs.ipynb.
"""

# %% [markdown]
# # Blobs: two lines, four corners, four classes
#
# The course's multiclass lab: 100 points in four blobs, a net of 2 inputs → 2 ReLU hidden
# units → 4 outputs (softmax cross-entropy from the logits). Each hidden unit can only
# draw one straight line; the two lines split the plane into corners (which units are
# active), and the output layer tells the corners apart.

# %%
import tinygrad_sym as ts
from tinygrad_sym import datasets, nn, plots
from tinygrad_sym.stories.blobs import CLASS_NAMES, corners, unit_lines

X, y = datasets.blobs()  # the lab's make_blobs(100, centers=..., random_state=30)
ts.manual_seed(0)
net = nn.MLP(2, [2, 4], activation="relu", output_activation="linear")  # softmax: in the loss
nn.fit(net, X, y, loss=nn.softmax_cross_entropy, optimizer=nn.Adam(net.parameters(), lr=0.01),
       epochs=200, batch_size=32, progress=False)  # the lab's model.fit(X, y, epochs=200)
print(f"training accuracy {nn.accuracy(net, X, y):.1%}")
lines = unit_lines(net, X, y)
for line in lines:
    print(f"unit {line.unit}: {line.equation()}, line {line.line()}: splits the blobs "
          f"{line.split()}, active for classes {line.active_classes}")
print("corners (is unit 1 / unit 2 active?) per class:", corners(lines))

# %%
figure = plots.hidden_lines(net, "out/blobs/blobs_lines.png", X, y, CLASS_NAMES)
print(f"figure: {figure}")
figure

# %% [markdown]
# ## Why the two units move differently
# One point at the random start, on the scalar twin: both units' gradients come from the
# same output error, each through its own outgoing weights.

# %%
ts.manual_seed(0)
twin = nn.MLP(2, [2, 4], activation="relu", output_activation="linear", scalar=True)
J = nn.cost(twin, X[1:2], y[1:2], nn.softmax_cross_entropy)
J.backward()
w = dict(twin.named_parameters())
ts.compare(J, w["w1"], w["w3"])
