"""The five stories: each claim re-checked from the trained numbers, with plain numpy."""

import subprocess
import sys

import numpy as np
import pytest

from tinygrad_sym import datasets, nn, stories
from tinygrad_sym.stories import STORIES, coffee, seeds


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(state, X):
    """A 2 → k → 1 sigmoid net in numpy, from a tensor state dict: (hidden, output)."""
    hidden = sigmoid(X @ state["W1"] + state["b1"])
    return hidden, sigmoid(hidden @ state["W2"] + state["b2"])


def _story_fixture(name):
    """A module-scoped fixture running one story once, quietly, without figures."""
    return pytest.fixture(scope="module", name=f"{name}_result")(
        lambda: getattr(stories, name).run(plots=False, verbose=False))


coffee_result, symmetry_result, zero_init_result, seeds_result, blobs_result = (
    _story_fixture(name) for name in ("coffee", "symmetry", "zero_init", "seeds", "blobs"))


def test_the_cli_table():
    assert list(STORIES) == ["coffee", "symmetry", "zero-init", "seeds", "blobs"]


# ------------------------------------------------------------------------------ coffee
def test_coffee_reaches_95_percent(coffee_result):
    X, y = datasets.coffee_roasting()
    normalize = datasets.Normalizer.fit(X)
    _, output = forward(coffee_result.model.state_dict(), normalize(X))
    accuracy = np.mean((output >= 0.5) == (y == 1))
    assert accuracy >= 0.95
    assert coffee_result.accuracy == accuracy


def test_coffee_units_cover_different_bad_regions(coffee_result):
    """Sample each bad region; find the unit that pushes towards "bad" over most of it."""
    state = coffee_result.model.state_dict()
    normalize = coffee_result.data.normalize
    generator = np.random.default_rng(0)
    t, d = generator.uniform(150, 285, 20000), generator.uniform(11.5, 15.5, 20000)
    regions = {
        "too cold": (t < 170) & (d > 12.5) & (d < 14),
        "too short": (d < 11.9) & (t > 185) & (t < 240),
        "over-roasted": (d > 15.1) & (t > 185) & (t < 240),
    }
    hidden, _ = forward(state, normalize(np.column_stack([t, d])))
    towards_bad = np.where(state["W2"][:, 0] < 0, hidden > 0.5, hidden < 0.5)
    owners = {}
    for name, mask in regions.items():
        shares = towards_bad[mask].mean(axis=0)
        owners[name] = int(np.argmax(shares)) + 1
        assert shares.max() >= 0.9, (name, shares)
    assert len(set(owners.values())) == 3, owners
    assert coffee_result.region_units == owners
    good = datasets.good_roast(t, d) & (t > 190) & (t < 240) & (d > 12.3) & (d < 13.5)
    assert towards_bad[good].mean() < 0.05


def test_coffee_scalar_twin_matches_the_tensor_net(coffee_result):
    twin, model = coffee_result.scalar_model, coffee_result.model
    for name, value in coffee_result.twin_gradients.items():
        assert value == pytest.approx(coffee_result.tensor_gradients[name], rel=1e-9, abs=1e-15)
    assert coffee_result.graph.label == "J"
    twin_state = twin.to_tensor().state_dict()
    for name, value in model.state_dict().items():
        assert np.array_equal(twin_state[name], value)


# ---------------------------------------------------------------------------- symmetry
def _first_gradient(init, X, y):
    """∂J/∂w for every weight of a 2 → 2 → 1 net at its start, by hand in numpy."""
    W1 = np.array([[init["w1"], init["w3"]], [init["w2"], init["w4"]]])
    w_out = np.array([init["w5"], init["w6"]])
    a = sigmoid(X @ W1)
    a3 = sigmoid(a @ w_out)[:, None]
    delta = (a3 - y) / len(X)  # ∂J/∂z3 for cross-entropy on a sigmoid
    hidden = delta * w_out * a * (1 - a)  # ∂J/∂z1, ∂J/∂z2
    return {"w1": (hidden[:, 0] * X[:, 0]).sum(), "w3": (hidden[:, 1] * X[:, 0]).sum()}


def test_symmetry_first_step_gradients(symmetry_result):
    X, y = datasets.coffee_roasting()
    features = datasets.Normalizer.fit(X)(X)
    tied, untied = symmetry_result.tied, symmetry_result.untied
    assert tied.first_gradients["w1"] == tied.first_gradients["w3"]  # bit for bit
    assert untied.first_gradients["w1"] != untied.first_gradients["w3"]
    ratio = untied.first_gradients["w3"] / untied.first_gradients["w1"]
    assert ratio == pytest.approx(untied.init["w6"] / untied.init["w5"], rel=1e-12)
    for run in (tied, untied):
        by_hand = _first_gradient(run.init, features, y)
        for name in ("w1", "w3"):
            assert run.first_gradients[name] == pytest.approx(by_hand[name], rel=1e-9)


def test_tied_units_exactly_equal_after_training(symmetry_result):
    state = symmetry_result.tied.model.state_dict()
    assert np.array_equal(state["W1"][:, 0], state["W1"][:, 1])
    assert state["b1"][0] == state["b1"][1] and state["W2"][0, 0] == state["W2"][1, 0]
    assert abs(state["W1"][0, 0] - 0.2) > 1  # it did train
    for recorded in symmetry_result.tied.history.parameters:
        assert np.array_equal(recorded["W1"][:, 0], recorded["W1"][:, 1])
        assert recorded["W2"][0, 0] == recorded["W2"][1, 0]
    assert symmetry_result.tied.symmetric == [nn.SymmetricGroup(1, (1, 2))]


def test_one_broken_tie_separates_the_units(symmetry_result):
    state = symmetry_result.untied.model.state_dict()
    assert np.abs(state["W1"][:, 0] - state["W1"][:, 1]).max() > 1
    assert symmetry_result.untied.symmetric == []
    assert symmetry_result.untied.accuracy > symmetry_result.tied.accuracy


# --------------------------------------------------------------------------- zero init
def test_zero_init_units_identical_forever(zero_init_result):
    run = zero_init_result.hidden_zeros
    assert zero_init_result.identical_every_step
    for state in run.history.parameters:
        assert np.all(state["W1"] == state["W1"][:, :1]) and np.all(state["b1"] == state["b1"][0])
        assert np.all(state["W2"] == state["W2"][0])
    assert len(run.history.parameters) == len(run.history.loss) + 1
    gradients = zero_init_result.first_gradients
    assert gradients["w1"] == gradients["w3"] == gradients["w5"] == 0.0
    assert gradients["w7"] == gradients["w8"] == gradients["w9"] != 0.0


def test_zero_init_stalls_where_random_learns(zero_init_result):
    zeros, random = zero_init_result.hidden_zeros, zero_init_result.hidden_random
    assert random.accuracy >= 0.95 and zeros.accuracy < 0.9
    assert zeros.loss > 5 * random.loss
    assert zeros.history.loss[-1] > 0.9 * zeros.history.loss[len(zeros.history.loss) // 2]


def test_logistic_regression_from_zeros_is_fine(zero_init_result):
    zeros, random = zero_init_result.logistic_zeros, zero_init_result.logistic_random
    assert zeros.accuracy == random.accuracy
    assert zeros.loss == pytest.approx(random.loss, rel=1e-6)
    for name, value in zeros.model.state_dict().items():
        np.testing.assert_allclose(value, random.model.state_dict()[name], atol=1e-3)


# ------------------------------------------------------------------------------- seeds
def test_same_seed_same_weights_in_this_process(seeds_result):
    assert seeds_result.repeat_identical
    first = seeds_result.seeds[0]
    again, _ = coffee.train_coffee_net(first, coffee.coffee_data())
    for name, value in seeds_result.models[first].state_dict().items():
        assert np.array_equal(again.state_dict()[name], value)


def test_same_seed_same_weights_in_another_process(seeds_result):
    first = seeds_result.seeds[0]
    code = f"from tinygrad_sym.stories.seeds import trained_fingerprint as f; print(f({first}))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120).stdout.strip()
    assert output == seeds_result.fingerprints[first] == seeds.fingerprint(
        seeds_result.models[first])


def test_two_seeds_same_features_different_units(seeds_result):
    first, second = seeds_result.seeds
    assert min(seeds_result.accuracies.values()) >= 0.95
    # Correlate the hidden activations of the two nets over a grid, in numpy.
    t, d = np.meshgrid(np.linspace(150, 285, 40), np.linspace(11.5, 15.5, 40))
    normalize = datasets.Normalizer.fit(datasets.coffee_roasting()[0])
    grid = normalize(np.column_stack([t.ravel(), d.ravel()]))
    hidden_a, _ = forward(seeds_result.models[first].state_dict(), grid)
    hidden_b, _ = forward(seeds_result.models[second].state_dict(), grid)
    for unit_a, unit_b, _ in seeds_result.match.pairs:
        correlation = np.corrcoef(hidden_a[:, unit_a - 1], hidden_b[:, unit_b - 1])[0, 1]
        assert abs(correlation) > 0.95
        assert seeds_result.features[first][unit_a] == seeds_result.features[second][unit_b]
    assert seeds_result.match.permutation != (1, 2, 3)
    assert sorted(seeds_result.match.permutation) == [1, 2, 3]


# ------------------------------------------------------------------------------- blobs
def test_blobs_classified(blobs_result):
    state = blobs_result.model.state_dict()
    z = blobs_result.X @ state["W1"] + state["b1"]
    assert np.mean(z.argmax(axis=1) == blobs_result.y) >= 0.95
    assert blobs_result.model.layers[0].nin == 2 and blobs_result.model.layers[0].nout == 4


def test_blobs_each_unit_is_one_straight_line(blobs_result):
    """Along the reported line z_k = 0 the net's z_k is 0; the sides have opposite signs."""
    model = blobs_result.model
    for k, line in enumerate(blobs_result.lines):
        (a, b), c = line.weights, line.bias
        x1 = np.linspace(-8, 8, 9)
        on_line = np.column_stack([x1, -(a * x1 + c) / b])
        z = nn.predict(model, on_line)[:, k]
        np.testing.assert_allclose(z, 0, atol=1e-9)
        normal = np.array([a, b]) / np.hypot(a, b)
        assert np.all(nn.predict(model, on_line + normal)[:, k] > 0)
        assert np.all(nn.predict(model, on_line - normal)[:, k] < 0)


def test_blobs_class_regions_are_convex(blobs_result):
    """Cut by straight lines only: the midpoint of two points of a class is of that class."""
    generator = np.random.default_rng(1)
    points = generator.uniform(-9, 9, size=(4000, 2))
    classes = nn.predict(blobs_result.model, points).argmax(axis=1)
    for k in range(4):
        members = points[classes == k]
        pairs = generator.integers(0, len(members), size=(500, 2))
        midpoints = (members[pairs[:, 0]] + members[pairs[:, 1]]) / 2
        assert np.all(nn.predict(blobs_result.model, midpoints).argmax(axis=1) == k)
