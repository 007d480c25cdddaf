"""Symmetry: start two hidden units identical and they stay identical, bit for bit.

    python examples/symmetry.py        (the full story with figures: tinygrad-sym demo symmetry)
"""

from tinygrad_sym import datasets, nn

X, y = datasets.coffee_roasting()
features = datasets.Normalizer.fit(X)(X)
tied = {"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.5}

for name, init in [("tied", tied), ("w6 = 0.6", {**tied, "w6": 0.6})]:
    # The first step on the scalar net: every weight is a node with its own gradient.
    scalar = nn.MLP(2, [2, 1], init=init, scalar=True)
    nn.cost(scalar, features, y).backward()
    w = dict(scalar.named_parameters())
    print(f"{name}: first step ∂J/∂w1 = {w['w1'].grad:+.6f}, ∂J/∂w3 = {w['w3'].grad:+.6f}")

    # Train the tensor net from the same start, then compare the units.
    net = nn.MLP(2, [2, 1], init=init)
    nn.fit(net, features, y, optimizer=nn.Adam(net.parameters(), lr=0.05), epochs=1500,
           progress=False)
    W1 = net.layers[0].W.data
    print(f"  after training: unit 1 = {W1[:, 0]}, unit 2 = {W1[:, 1]}")
    print(f"  symmetric_units: {[str(group) for group in nn.symmetric_units(net)] or 'none'}")
