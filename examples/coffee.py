"""Coffee roasting: train the course's 2 → 3 → 1 sigmoid net, then look at it weight by weight.

    python examples/coffee.py          (the full story with figures: tinygrad-sym demo coffee)
"""

import tinygrad_sym as ts
from tinygrad_sym import datasets, nn
from tinygrad_sym.stories.coffee import unit_summary

ts.manual_seed(0)
X, y = datasets.coffee_roasting()  # 200 roasts: temperature (°C), duration (min); 1 = good
normalize = datasets.Normalizer.fit(X)

net = nn.MLP(2, [3, 1], activation="sigmoid")  # W1 (2×3), b1, W2 (3×1), b2
history = nn.fit(net, normalize(X), y, loss=nn.binary_cross_entropy,  # gradient descent:
                 optimizer=nn.SGD(net.parameters(), lr=5.0), epochs=3000)  # w -= α·∂J/∂w
print(f"J = {history.loss[-1]:.4f}, training accuracy {nn.accuracy(net, normalize(X), y):.1%}")
print("\n".join(unit_summary(net, normalize)))

# The same numbers, one scalar Value per weight: w1 … w9, b1 … b4, z1, a1, …, a4.
twin = net.to_scalar()
x1, x2 = normalize([200.0, 13.5])  # a good roast, as the rule says: y = 1
a4 = twin([x1, x2])
J = nn.binary_cross_entropy(a4, 1.0)
J.backward()
print(f"\nA roast at 200 °C for 13.5 min: a4 = {a4.data:.3f}, J = {J.data:.4f}")
for name, weight in twin.named_parameters():
    print(f"  {name:>3} = {weight.data:+8.3f}   ∂J/∂{name} = {weight.grad:+.2e}")
