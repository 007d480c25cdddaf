"""Zero init: fatal for a hidden layer, harmless for logistic regression.

    python examples/zero_init.py       (the full story with figures: tinygrad-sym demo zero-init)
"""

import tinygrad_sym as ts
from tinygrad_sym import datasets, nn

X, y = datasets.coffee_roasting()
features = datasets.Normalizer.fit(X)(X)

for sizes in ([3, 1], [1]):  # 2 → 3 → 1, then logistic regression 2 → 1
    for init in ("zeros", "glorot_uniform"):
        ts.manual_seed(0)
        net = nn.MLP(2, sizes, init=init)
        history = nn.fit(net, features, y, optimizer=nn.Adam(net.parameters(), lr=0.05),
                         epochs=1500, progress=False)
        label = " → ".join(map(str, [2, *sizes]))
        print(f"{label:10} from {init:15} accuracy {nn.accuracy(net, features, y):6.1%}  "
              f"J = {history.loss[-1]:.4f}  identical units: "
              f"{[str(group) for group in nn.symmetric_units(net)] or 'none'}")
