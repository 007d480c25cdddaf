"""Quickstart: the forum's 2 → 2 → 1 net built by hand, drawn, explained, compared, checked.

    python examples/quickstart.py

Writes out/quickstart/w1_vs_w3.png. Cell by cell, with outputs: notebooks/quickstart.ipynb.
"""

# %% [markdown]
# # Quickstart: backpropagation you can see
#
# The course forum's question: *in a 2 → 2 → 1 sigmoid net, why do ∂J/∂w1 and ∂J/∂w3
# differ, when both hidden units see the same inputs?* Build the net by hand, one `Value`
# per number, and let tinygrad_sym show the answer: the graph with every gradient on it
# (`ts.draw`), the chain rule written out (`ts.explain`), the two gradients side by side
# (`ts.compare`), and a check against finite differences (`gradcheck`).
#
# Weights w1, w2 (unit 1, on x1 and x2), w3, w4 (unit 2), w5, w6 (the output unit on a1
# and a2), biases 0; one example x = (0.52, 0.30) with label y = 1.

# %%
import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.testing import gradcheck

x1 = ts.Value(0.52, "x1", requires_grad=False)  # data: no gradient
x2 = ts.Value(0.30, "x2", requires_grad=False)
w1, w2, w3, w4, w5, w6 = (ts.Value(value, f"w{k}") for k, value in
                          enumerate([1.2, 0.5, -0.6, 0.9, 0.73, -0.45], start=1))
b1, b2, b3 = (ts.Value(0.0, f"b{k}") for k in (1, 2, 3))


def named(label, value):
    """Give a result the name the course's diagrams use."""
    value.label = label
    return value


# %% [markdown]
# Each unit computes z = Σ w·x + b (one node, so ∂z1/∂w1 = x1 is one edge), then a = σ(z).
# The loss is the course's binary cross-entropy J = −[y·log a3 + (1 − y)·log(1 − a3)].

# %%
a1 = named("a1", named("z1", ts.weighted_sum([w1, w2], [x1, x2], b1)).sigmoid())
a2 = named("a2", named("z2", ts.weighted_sum([w3, w4], [x1, x2], b2)).sigmoid())
a3 = named("a3", named("z3", ts.weighted_sum([w5, w6], [a1, a2], b3)).sigmoid())
J = nn.binary_cross_entropy(a3, 1.0)  # one node, labelled J
J.backward()
print(f"a3 = {a3.data:.4f}, J = {J.data:.4f}")
print(f"∂J/∂w1 = {w1.grad:.5f}, ∂J/∂w3 = {w3.grad:.5f}")

# %% [markdown]
# ## The picture
# Every card shows a value and its gradient; every edge into an op carries its local
# derivative ∂child/∂parent. The paths from J down to w1 and w3 are highlighted, and the
# legend multiplies the factors along each.

# %%
graph = ts.draw(J, highlight=[w1, w3], filename="out/quickstart/w1_vs_w3.png")
print("figure: out/quickstart/w1_vs_w3.png")
graph

# %% [markdown]
# ## The chain rule, written out
# `ts.explain(J, w1)` lists every path from J to w1 and the factor on each edge, takes the
# product, and checks it against backpropagation. As a cell's last expression it shows its
# text; `print()` gives the same text anywhere.

# %%
ts.explain(J, w1)

# %% [markdown]
# ## Why ∂J/∂w1 and ∂J/∂w3 differ
# `ts.compare` aligns the two paths factor by factor: the shared edges, the factors that
# are equal, and the ones that differ (here w5 against w6, and a1(1 − a1) against a2(1 − a2)).

# %%
ts.compare(J, w1, w3)

# %% [markdown]
# ## Tied units never differ
# Start both hidden units with the same weights (w1 = w3, w2 = w4, w5 = w6) and every
# factor pairs up: the two weights get identical updates, at every step. `nn.MLP` builds
# the same net with the same names, `scalar=True` giving one Value per weight.

# %%
tied = nn.MLP(2, [2, 1], scalar=True,
              init={"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.5})
J_tied = nn.binary_cross_entropy(tied([0.52, 0.30]), 1.0)
J_tied.backward()
weights = dict(tied.named_parameters())
print(ts.compare(J_tied, weights["w1"], weights["w3"]).verdict)

# %% [markdown]
# ## Check the gradients
# `gradcheck` compares backpropagation with central finite differences in float64, for
# any function of Values; it raises `GradcheckError` naming the input and both numbers
# when they disagree.

# %%
def loss(w1, w2, w3, w4, w5, w6):
    """J of the net above as a function of its six weights (biases 0, x and y fixed)."""
    a1 = ts.weighted_sum([w1, w2], [0.52, 0.30]).sigmoid()
    a2 = ts.weighted_sum([w3, w4], [0.52, 0.30]).sigmoid()
    return nn.binary_cross_entropy(ts.weighted_sum([w5, w6], [a1, a2]).sigmoid(), 1.0)


print(gradcheck(loss, [1.2, 0.5, -0.6, 0.9, 0.73, -0.45]))
