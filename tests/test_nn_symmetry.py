"""Symmetry diagnostics, and the symmetry itself: tied units stay tied bit for bit."""

import numpy as np
import pytest
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


def _tied_gradients(width: int, path: str, seed: int) -> dict[str, np.ndarray]:
    """The gradients of a 2 → width → 1 sigmoid net whose hidden units start tied, on 200
    coffee examples, along `path`: "nn" (nn.cost with the course's BCE, backward()),
    "idiomatic" (X @ W1 + b1, BCE written from logs), "fused" (ts.affine, bce_with_logits)
    or "scalar" (the scalar twin, 8 examples). With Z1, the gradient of the hidden units'
    pre-activations (n × width), for the tensor paths."""
    ts.manual_seed(seed)
    names = [[f"w{2 * j + 1}" for j in range(width)], [f"w{2 * j + 2}" for j in range(width)],
             [f"w{2 * width + 1 + j}" for j in range(width)]]
    net = nn.MLP(2, [width, 1], init=nn.Tied(*names), scalar=path == "scalar")
    X, y = datasets.coffee_roasting(8 if path == "scalar" else 200, seed=seed)
    X = datasets.Normalizer.fit(X)(X)
    if path == "scalar":
        nn.cost(net, X, y).backward()
        return {name: np.asarray(p.grad) for name, p in net.named_parameters()}
    W1, b1, W2, b2 = net.parameters()
    if path == "nn":
        A1 = net.layers[0](X)
        Z1 = A1.parents[0]
        J = nn.binary_cross_entropy(net.layers[1](A1), y)
    elif path == "idiomatic":
        Z1 = X @ W1 + b1
        a = (Z1.sigmoid() @ W2 + b2).sigmoid()
        J = -(y * a.log() + (1 - y) * (1 - a).log()).mean()
    else:
        Z1 = ts.affine(X, W1, b1)
        J = nn.bce_with_logits(ts.affine(Z1.sigmoid(), W2, b2), y)
    J.backward()
    return {"Z1": Z1.grad, **{name: p.grad for name, p in net.named_parameters()}}


@pytest.mark.parametrize("path", ["nn", "idiomatic", "fused", "scalar"])
@pytest.mark.parametrize("width", range(1, 10))
def test_tied_units_get_bit_for_bit_equal_gradients_at_every_width(width, path):
    """The sums over the examples (the bias gradient: b1's is the sum of Z1's gradient over
    the rows) must add each unit's numbers in the same order. Summed as `ones @ grad`
    (BLAS, 4× faster at 200 rows), tied columns come out rounded differently from width 5
    on, which broke the symmetry story; this test fails if such a reduction sneaks in.
    Scalar nets are tied in every gradient. In tensor nets the weight gradients are BLAS
    matrix products, which can differ in the last bit (see `nn.symmetric_units`): they are
    checked to a few ulps."""
    for seed in range(3):
        grads = _tied_gradients(width, path, seed)
        where = f"({path}, seed {seed})"
        for j in range(2, width + 1):
            if path == "scalar":
                for first, other in (("w1", f"w{2 * j - 1}"), ("w2", f"w{2 * j}"),
                                     ("b1", f"b{j}"), (f"w{2 * width + 1}", f"w{2 * width + j}")):
                    assert grads[other] == grads[first], f"∂J/∂{other} ≠ ∂J/∂{first} {where}"
                continue
            np.testing.assert_array_equal(grads["Z1"][:, j - 1], grads["Z1"][:, 0],
                                          err_msg=f"∂J/∂Z1, column {j} {where}")
            assert grads["b1"][j - 1] == grads["b1"][0], f"∂J/∂b1, unit {j} ≠ unit 1 {where}"
            np.testing.assert_allclose(grads["W1"][:, j - 1], grads["W1"][:, 0], rtol=1e-14)
            np.testing.assert_allclose(grads["W2"][j - 1], grads["W2"][0], rtol=1e-14)
