"""Seeds: the same seed gives the same weights; two seeds give the same features, reordered.

Run it twice (two processes): the fingerprint printed first is the same every time.

    python examples/seeds.py           (the full story with figures: tinygrad-sym demo seeds)
"""

from tinygrad_sym import nn
from tinygrad_sym.stories.coffee import coffee_data, train_coffee_net
from tinygrad_sym.stories.seeds import fingerprint

data = coffee_data()
first, _ = train_coffee_net(0, data)  # manual_seed(0), MLP(2, [3, 1]), gradient descent
print(f"seed 0 fingerprint: {fingerprint(first)}")

second, _ = train_coffee_net(1, data)
match = nn.match_units(first, second, data.features)  # activations over the 200 roasts
for unit_a, unit_b, correlation in match.pairs:
    print(f"seed 0 unit {unit_a} ↔ seed 1 unit {unit_b}   correlation {correlation:+.3f}")
