"""Symmetry diagnostics, and the symmetry itself: tied units stay tied bit for bit."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_sym as ts
from tinygrad_sym import datasets, nn


def test_finds_tied_units_and_only_them():
    net = nn.MLP(2, [3, 1], init={"W1": [[1.0, 2.0, 1.0], [3.0, 4.0, 3.0]],
                                  "b1": np.array([0.5, 0.5, 0.5]), "W2": [[0.7], [0.7], [0.7]]})
    assert nn.symmetric_units(net) == [nn.SymmetricGroup(1, (1, 3))]
    assert str(nn.symmetric_units(net)[0]) == "layer 1: units 1, 3 are identical"
    assert nn.symmetric_units(net.to_scalar()) == [nn.SymmetricGroup(1, (1, 3))]


def test_outgoing_weights_count():
    """Equal incoming weights but different outgoing ones: gradient descent can split them."""
    tied_in = {"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.6}
    assert nn.symmetric_units(nn.MLP(2, [2, 1], init=tied_in)) == []
    assert len(nn.symmetric_units(nn.MLP(2, [2, 1], init={**tied_in, "w6": 0.5}))) == 1


def test_tolerance():
    net = nn.MLP(2, [2, 1], init={"w1": 0.2, "w3": 0.2 + 1e-9, "w2": 1.0, "w4": 1.0,
                                  "w5": 0.5, "w6": 0.5})
    assert nn.symmetric_units(net) == []
    assert nn.symmetric_units(net, atol=1e-6) == [nn.SymmetricGroup(1, (1, 2))]


def test_random_nets_and_output_layers_have_no_groups():
    ts.manual_seed(0)
    assert nn.symmetric_units(nn.MLP(2, [4, 3, 2])) == []
    assert nn.symmetric_units(nn.MLP(2, [3], init="zeros")) == []  # output units: not examined


@given(st.integers(2, 3), st.booleans(), st.integers(0, 2**16))
def test_tied_units_stay_exactly_equal_through_training(width, scalar, seed):
    """Whatever the tied start, every unit of the hidden layer gets the same gradient, so
    after training they are still equal bit for bit (with Adam, at both granularities)."""
    ts.manual_seed(seed)
    names = [[f"w{2 * j + 1}" for j in range(width)], [f"w{2 * j + 2}" for j in range(width)],
             [f"w{2 * width + 1 + j}" for j in range(width)]]
    net = nn.MLP(2, [width, 1], init=nn.Tied(*names), scalar=scalar)
    X, y = datasets.coffee_roasting(12 if scalar else 60, seed=seed)
    nn.fit(net, datasets.Normalizer.fit(X)(X), y, optimizer=nn.Adam(net.parameters(), lr=0.1),
           epochs=5 if scalar else 40, progress=False)
    assert nn.symmetric_units(net) == [nn.SymmetricGroup(1, tuple(range(1, width + 1)))]


def _permuted(net, order, mirror=()):
    """A copy of a 2 → k → 1 net with its hidden units reordered (and some mirrored:
    z → −z, so a → 1 − a, with the outgoing weight negated and the bias compensated)."""
    W1, b1 = net.layers[0].weight_matrix(), net.layers[0].bias_vector()
    W2, b2 = net.layers[1].weight_matrix(), net.layers[1].bias_vector()
    W1, b1, W2 = W1[:, order], b1[order], W2[order]
    for j in mirror:
        b2 = b2 + W2[j]
        W1[:, j], b1[j], W2[j] = -W1[:, j], -b1[j], -W2[j]
    copy = nn.MLP(2, [len(order), 1])
    copy.load_state_dict({"W1": W1, "b1": b1, "W2": W2, "b2": b2})
    return copy


def test_match_units_finds_the_permutation_and_mirrors():
    ts.manual_seed(2)
    net = nn.MLP(2, [3, 1])
    other = _permuted(net, [2, 0, 1], mirror=[1])
    X = ts.seeding.rng().normal(size=(50, 2))
    np.testing.assert_allclose(nn.predict(other, X), nn.predict(net, X), rtol=1e-12)
    match = nn.match_units(net, other, X)
    # other's units are net's units 3, 1, 2, and other's unit 2 (net's unit 1) is mirrored
    assert match.permutation == (2, 3, 1)
    correlations = [c for _, _, c in match.pairs]
    np.testing.assert_allclose(correlations, [-1.0, 1.0, 1.0], atol=1e-12)
    assert not match.is_identity and match.weakest > 0.999
    assert nn.match_units(net, net, X).is_identity
