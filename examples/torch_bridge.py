"""The coffee net trained in PyTorch, then read by ts.from_torch: drawn beside torchviz's
picture of the same graph, its least certain roast seen weight by weight, the whole batch
checked against PyTorch's .grad. Meant as a notebook (it displays pictures inline).

    python examples/torch_bridge.py

Needs the torch extra (pip install tinygrad_sym[torch]: PyTorch 2.13.0, torchviz) and the
notebooks extra (IPython).
Writes no files. Cell by cell, with outputs: notebooks/torch_bridge.ipynb.
"""

# %% [markdown]
# # The coffee net, trained in PyTorch, seen with tinygrad_sym
#
# The course's coffee-roasting network (2 inputs → 3 sigmoid units → 1 sigmoid output) is
# trained here in **PyTorch**. Then `ts.from_torch` reads the graph PyTorch recorded for the
# loss and rebuilds it with the same numbers, so tinygrad_sym can draw it with every value and
# gradient on it, and explain, factor by factor, why two weights get different gradients.
# Beside it: **torchviz**'s picture of the same graph, the tool PyTorch users usually find.
#
# Needs `pip install 'tinygrad_sym[torch,notebooks]'` (PyTorch 2.13.0, torchviz, ipykernel)
# and Graphviz's `dot` program for the pictures. Built from `examples/torch_bridge.py` by
# `make notebooks`, like every notebook here.

# %%
import base64

import numpy as np
import torch
from IPython.display import HTML, Image, display
from torchviz import make_dot

import tinygrad_sym as ts

torch.manual_seed(1)
X, y = ts.datasets.coffee_roasting()            # 200 roasts: temperature (°C), duration (min)
normalize = ts.datasets.Normalizer.fit(X)
features = torch.tensor(normalize(X))           # float64, as numpy gives it
targets = torch.tensor(y)                       # 1 = a good roast
print(features.shape, features.dtype, f"{int(y.sum())} good roasts of {len(y)}")

# %% [markdown]
# ## 1. Train in PyTorch
#
# A `torch.nn.Sequential` in float64, binary cross-entropy, full-batch Adam: PyTorch as a
# learner would write it.

# %%
model = torch.nn.Sequential(
    torch.nn.Linear(2, 3), torch.nn.Sigmoid(),
    torch.nn.Linear(3, 1), torch.nn.Sigmoid(),
).double()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
for _ in range(1500):
    optimizer.zero_grad()
    loss = torch.nn.functional.binary_cross_entropy(model(features), targets)
    loss.backward()
    optimizer.step()
with torch.no_grad():
    accuracy = ((model(features) >= 0.5).double() == targets).double().mean().item()
print(f"after 1500 steps: J = {loss.item():.4f}, training accuracy {accuracy:.1%}")

# %% [markdown]
# ## 2. One more forward pass, read by both tools
#
# `ts.from_torch(loss, params=model)` must run **after the forward pass and before
# `loss.backward()`**: PyTorch's graph keeps no forward values, only the tensors each node
# saved for its gradient (here the input batch and the targets), and `backward()` frees
# them. The bridge reads those and the parameters, computes every node again, and checks
# each result against what PyTorch saved (and the loss against PyTorch's loss).
# torchviz only needs the node names, so it can be drawn at any time.

# %%
model.zero_grad()
loss = torch.nn.functional.binary_cross_entropy(model(features), targets)
torchviz_picture = make_dot(loss, params=dict(model.named_parameters()))
graph = ts.from_torch(loss, params=model)       # before loss.backward()
loss.backward()                                 # PyTorch's gradients ...
graph.loss.backward()                           # ... and ours, on the rebuilt graph
print("names:", graph.torch_names)
print(f"J: PyTorch {loss.item():.12g}, rebuilt {graph.loss.data:.12g}")
for ours, theirs in graph.torch_names.items():  # the same to rounding (1e-12 of the largest)
    theirs_grad = model.get_parameter(theirs).grad.numpy()
    same = np.allclose(graph.parameters[ours].grad, theirs_grad,
                       rtol=0, atol=1e-12 * np.max(np.abs(theirs_grad)))
    print(f"  ∂J/∂{ours:<3} ({theirs}): equals PyTorch's .grad to rounding: {same}")

# %% [markdown]
# ## 3. The same graph, two pictures
#
# Left, torchviz: PyTorch's backward nodes by name (`AddmmBackward0`, `SigmoidBackward0`, …)
# and the parameters' shapes, no values, no gradients. Right, tinygrad_sym: the same nodes,
# each card saying how it was computed (`Z1 = X·W1ᵀ + b1` is the `AddmmBackward0`,
# `W1ᵀ` the `TBackward0`, `L = BCE(A2, y)` and `J = mean(L)` the
# `BinaryCrossEntropyBackward0`) with their values and ∂J/∂ of each (colour: sign and size;
# a 200-row tensor shows its norm and range) and, on the row where each edge arrives, that
# edge's local derivative; layers boxed. `W1` is `0.weight` as PyTorch holds it (units ×
# inputs). `ts.draw` lays graphs out left to right; here it is turned top to bottom, like
# torchviz's.

# %%
def side_by_side(left, right, titles, widths=("35%", "65%")):
    cells = "".join(
        f'<td style="vertical-align:top;width:{w}"><b>{t}</b><br>'
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
        'style="width:100%"></td>'
        for png, t, w in zip((left, right), titles, widths, strict=True))
    return HTML(f"<table><tr>{cells}</tr></table>")

ours_picture = ts.draw(graph.loss)
ours_picture.attr(rankdir="TB")                  # top to bottom, as torchviz draws
display(side_by_side(torchviz_picture.pipe(format="png"), ours_picture.pipe(format="png"),
                     ["torchviz.make_dot(loss)", "ts.draw(ts.from_torch(loss).loss)"]))

# %% [markdown]
# ## 4. The course's picture: one roast, one Value per weight
#
# `graph.scalar_view(examples=...)` re-expresses the rebuilt graph as an `nn.MLP` with the
# same weights and runs its scalar twin on the chosen roasts: w1, w2 are unit 1's weights on
# temperature and duration, w3, w4 unit 2's, w5, w6 unit 3's, w7 … w9 the output unit's,
# as the course numbers them. `view.origin("w3")` says where each sits in PyTorch. We take
# the roast the trained net is least sure about (the largest loss): there the gradients are
# not all vanishingly small.

# %%
with torch.no_grad():
    per_roast = torch.nn.functional.binary_cross_entropy(model(features), targets,
                                                         reduction="none")
roast = int(per_roast.argmax())
view = graph.scalar_view(examples=roast)         # that roast alone
view.loss.backward()
t, d = X[roast]
print(f"roast {roast}: {t:.1f} °C, {d:.2f} min, {'good' if y[roast, 0] else 'bad'};  "
      f"J = {view.loss.data:.4f}")
for name, weight in view.parameters.items():
    print(f"  {name:>3} = {weight.data:+.3f}   ∂J/∂{name:<3} = {weight.grad:+.2e}   "
          f"PyTorch: {view.origin(name)}")

# %%
w = view.parameters
display(Image(ts.draw(view.loss, highlight=[w["w1"], w["w5"]]).pipe(format="png")))

# %% [markdown]
# ## 5. Why do ∂J/∂w1 and ∂J/∂w5 differ?
#
# Both weights multiply the same input (the temperature x1) in different hidden units (1 and
# 3); the chain rule takes them along different paths, through each unit's slope and its own
# outgoing weight. On this roast unit 1 is saturated (its slope a1·(1 − a1) is tiny), unit
# 3 is not: almost all of the roast's gradient goes to unit 3.

# %%
print(ts.compare(view.loss, w["w1"], w["w5"]))

# %% [markdown]
# One weight's gradient, spelled out path by path:

# %%
print(ts.explain(view.loss, w["w5"]))

# %% [markdown]
# And the whole batch: with all 200 roasts (the default), the scalar view's J is PyTorch's
# loss and every weight's gradient is its entry of PyTorch's `.grad`.

# %%
whole = graph.scalar_view()
whole.loss.backward()
worst = max(abs(weight.grad - model.get_parameter(tensor).grad[index].item())
            for name, weight in whole.parameters.items()
            for tensor, index in [whole.origins[name]])
print(f"J = {whole.loss.data:.6f} (PyTorch {loss.item():.6f}); the {len(whole.parameters)} "
      f"weights' gradients equal PyTorch's to rounding: {worst < 1e-12}")
