"""Write your own op: softplus defined once (forward, backward rule, derivative text), then
drawn, explained, differentiated twice and checked like any built-in op.

    python examples/custom_op.py

Writes out/custom-op/softplus.png. Cell by cell, with outputs: notebooks/custom_op.ipynb.
"""

# %% [markdown]
# # Write your own op
#
# An op is data: its forward (on numbers and arrays), one backward rule per operand
# (grad · ∂out/∂operand) and the text of each local derivative. `ts.custom_op` takes
# those three and gives an op that records a node like any built-in one: `ts.draw` labels
# its edge, `ts.explain` multiplies by it, grad of grad works, and
# `ts.testing.check_op` checks every rule against finite differences.
#
# Here: softplus(z) = log(1 + eᶻ), whose derivative is σ(z).

# %%
import numpy as np

import tinygrad_sym as ts
from tinygrad_sym import functions as fn  # exp, log, sigmoid, …: on numbers and on Values

softplus = ts.custom_op(
    "softplus",
    forward=lambda x: np.logaddexp(0.0, x),                # log(1 + eˣ) on numbers and arrays
    backward=[lambda grad, out, x: grad * fn.sigmoid(x)],  # one rule per operand: grad · ∂out/∂x
    derivatives=["σ({x})"],                                # ∂out/∂x as the edges show it
    elementwise=True,                                      # forward mode: the backward rule serves
)
print(softplus(0.0), softplus(np.array([-2.0, 0.0, 2.0])))  # on plain numbers it just computes

# %% [markdown]
# ## On Values: a node of the graph
# One weight w times one input x, then softplus. Backward gives ∂y/∂w = σ(z)·x; with
# `create_graph=True` the gradient is itself a graph, so grad of grad works too.

# %%
w = ts.Value(0.8, label="w")
x = ts.Value(-1.5, label="x", requires_grad=False)
z = w * x
z.label = "z"
y = softplus(z)
y.label = "y"
y.backward()
print(f"∂y/∂w = {w.grad:.4f}")                                         # σ(z)·x
print(f"∂²y/∂w² = {ts.grad(ts.grad(y, w, create_graph=True), w):.4f}")  # σ(z)·(1 − σ(z))·x²

# %%
graph = ts.draw(y, filename="out/custom-op/softplus.png")
print("figure: out/custom-op/softplus.png")
graph

# %%
ts.explain(y, w)

# %% [markdown]
# ## Check every rule
# `check_op` draws inputs with hypothesis (floats and arrays that broadcast) and compares
# each backward rule, grad of grad and the forward rule with finite differences.

# %%
print(ts.testing.check_op(softplus))

# %% [markdown]
# A slipped sign is caught, with the edge, both numbers and a small input:

# %%
broken = ts.custom_op("softplus", lambda x: np.logaddexp(0.0, x),
                      [lambda grad, out, x: grad * fn.sigmoid(-x)],  # the sign slipped
                      ["σ({x})"], elementwise=True)
try:
    ts.testing.check_op(broken)
except ts.GradcheckError as error:
    print(error)
