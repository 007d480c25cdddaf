"""The stories: each claim re-checked from the trained numbers, with plain numpy.

Every story runs once per session (quietly, without figures, in a process of its own beside
the tests: story_runs.py); the sweeps run on a few of their seeds (each seed's run is
independent of the others, so a subset re-checks the same runs the story prints).
"""

import itertools
import subprocess
import sys

import numpy as np
import pytest
import story_runs

from tinygrad_sym import datasets, nn
from tinygrad_sym.stories import STORIES, coffee, seeds
from tinygrad_sym.stories.common import GRADIENT_DESCENT


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward(state, X):
    """A 2 → k → 1 sigmoid net in numpy, from a tensor state dict: (hidden, output)."""
    hidden = sigmoid(X @ state["W1"] + state["b1"])
    return hidden, sigmoid(hidden @ state["W2"] + state["b2"])


def cost(state, X, y):
    """The mean binary cross-entropy of a 2 → k → 1 sigmoid net, in numpy (a clipped to
    [ε, 1 − ε] with float64's ε, as the library's loss does, so a saturated output is finite)."""
    _, a = forward(state, X)
    eps = np.finfo(np.float64).eps
    a = np.clip(a, eps, 1 - eps)
    return float(np.mean(-(y * np.log(a) + (1 - y) * np.log(1 - a))))


def accuracy(state, X, y):
    _, a = forward(state, X)
    return float(np.mean((a >= 0.5) == (y == 1)))


def gradients(state, X, y):
    """∂J/∂(W1, b1, W2, b2) of the mean binary cross-entropy, by hand (∂J/∂z_out = (a − y)/n)."""
    hidden, a = forward(state, X)
    delta = (a - y) / len(X)
    back = delta @ state["W2"].T * hidden * (1 - hidden)
    return {"W1": X.T @ back, "b1": back.sum(axis=0), "W2": hidden.T @ delta,
            "b2": delta.sum(axis=0)}


def assert_gradient_descent_step(before, after, X, y, lr):
    """after = before − α·∂J/∂θ for every parameter: the course's update rule."""
    step = gradients(before, X, y)
    for name in before:
        np.testing.assert_allclose(after[name], before[name] - lr * step[name], rtol=1e-9,
                                   atol=1e-13)


def coffee_features():
    X, y = datasets.coffee_roasting()
    return datasets.Normalizer.fit(X)(X), y


def _story_fixture(name):
    """A module-scoped fixture: the story's result, run once per session, quietly, without
    figures, with the options of story_runs.RUNS (in a process of its own beside the tests,
    see story_runs.py)."""
    return pytest.fixture(scope="module", name=f"{name}_result")(
        lambda: story_runs.result(name))


(coffee_result, symmetry_result, zero_init_result, seeds_result, blobs_result, asymmetry_result,
 minima_result, seed_vs_tie_result, blobs_seeds_result, width_result, init_scale_result) = (
    _story_fixture(name) for name in story_runs.RUNS)


def test_the_cli_table():
    assert list(STORIES) == ["coffee", "symmetry", "asymmetry", "zero-init", "seeds", "minima",
                             "seed-vs-tie", "blobs", "blobs-seeds", "width", "init-scale"]


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


def test_coffee_trains_with_gradient_descent(coffee_result):
    """w := w − α·∂J/∂w at the first step and at a later one, from the recorded states."""
    features, y = coffee_features()
    states = coffee_result.history.parameters
    assert coffee_result.training.optimizer == "gd" and len(states) == GRADIENT_DESCENT.epochs + 1
    for step in (0, 1000):
        assert_gradient_descent_step(states[step], states[step + 1], features, y,
                                     GRADIENT_DESCENT.lr)
    by_hand = gradients(states[0], features, y)
    assert coffee_result.start_gradients["w1"] == pytest.approx(by_hand["W1"][0, 0], rel=1e-9)
    assert coffee_result.start_gradients["w3"] == pytest.approx(by_hand["W1"][0, 1], rel=1e-9)
    assert coffee_result.history.loss[-1] == pytest.approx(cost(states[-2], features, y),
                                                           rel=1e-9)


def test_coffee_adam_stays_an_option():
    result = coffee.run(plots=False, verbose=False, optimizer="adam")
    assert result.training.optimizer == "adam" and result.accuracy >= 0.95
    with pytest.raises(ValueError, match="optimizer must be one of gd, adam"):
        coffee.run(plots=False, verbose=False, optimizer="sgd")


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


def test_zero_init_gradients_zero_then_equal(zero_init_result):
    """Step 1: the hidden gradients are 0; steps 2 and 3: non-zero, the same for all units."""
    features, y = coffee_features()
    states = zero_init_result.hidden_zeros.history.parameters
    first, *later = zero_init_result.step_gradients
    assert first["w1"] == first["w3"] == first["w5"] == 0.0
    for step, found in enumerate(later, start=2):
        by_hand = gradients(states[step - 1], features, y)["W1"]
        assert np.all(by_hand[0] == by_hand[0, 0]) and abs(by_hand[0, 0]) > 1e-5
        assert found["w1"] == found["w3"] == found["w5"] != 0.0
        assert found["w1"] == pytest.approx(by_hand[0, 0], rel=1e-9)
        assert found["w7"] == found["w8"] == found["w9"]


def test_zero_init_learns_only_one_units_worth(zero_init_result):
    features, y = coffee_features()
    zeros, random = zero_init_result.hidden_zeros, zero_init_result.hidden_random
    state = zeros.model.state_dict()
    assert random.accuracy >= 0.95 and zeros.accuracy < 0.9
    assert zeros.loss > 5 * random.loss
    assert zeros.history.loss[-1] < 0.5 * zeros.history.loss[0]  # it does learn
    assert zeros.history.loss[-1] > 0.9 * zeros.history.loss[len(zeros.history.loss) // 2]
    # three equal units are one unit whose outgoing weight is their sum
    one = {"W1": state["W1"][:, :1], "b1": state["b1"][:1],
           "W2": state["W2"].sum(axis=0, keepdims=True), "b2": state["b2"]}
    np.testing.assert_allclose(forward(one, features)[1], forward(state, features)[1], atol=1e-12)
    # 2 → 1 → 1 nets from random starts end where the zero-init net ends
    for run in zero_init_result.one_unit:
        assert accuracy(run.model.state_dict(), features, y) == accuracy(state, features, y)
        assert cost(run.model.state_dict(), features, y) == pytest.approx(zeros.loss, abs=0.005)
    # its accuracy is calling every roast bad
    assert np.all(forward(state, features)[1] < 0.5)
    assert zeros.accuracy == pytest.approx(1 - y.mean())


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


# ---------------------------------------------------------------------------- asymmetry
def _gap(history):
    return np.array([abs(state["W1"][0, 0] - state["W1"][0, 1]) for state in history.parameters])


def test_asymmetry_crossing_steps(asymmetry_result):
    from tinygrad_sym.stories.asymmetry import THRESHOLD

    crossings = {}
    for run in asymmetry_result.runs:
        gap = _gap(run.history)
        np.testing.assert_array_equal(gap, run.gaps)
        above = np.flatnonzero(gap > THRESHOLD)
        crossings[run.nudge] = int(above[0]) if above.size else None
        assert run.crossing == crossings[run.nudge]
    tied = asymmetry_result.run_for(0.0)
    assert np.all(_gap(tied.history) == 0.0)  # the tie holds bit for bit at every step
    nudges = sorted(n for n in crossings if n > 0)
    steps = [crossings[n] for n in nudges]
    assert None not in steps and steps == sorted(steps, reverse=True)  # smaller ε, later
    # roughly exponential growth: while ε is well below the threshold, each factor of 10
    # costs about the same number of steps
    small = [n for n in nudges if n <= THRESHOLD / 10]
    per_decade = [(crossings[n] - crossings[m]) / np.log10(m / n)
                  for n, m in itertools.pairwise(small)]
    assert len(per_decade) >= 2 and max(per_decade) < 1.25 * min(per_decade), per_decade
    growth = asymmetry_result.growth  # the fitted rate predicts the cost of a factor of 10
    assert np.mean(per_decade) == pytest.approx(np.log(10) / np.log(growth), rel=0.2)


def test_asymmetry_growth_rate_and_end(asymmetry_result):
    features, y = coffee_features()
    smallest = asymmetry_result.run_for(min(r.nudge for r in asymmetry_result.runs if r.nudge))
    gap = _gap(smallest.history)
    steps = np.flatnonzero((gap > 100 * smallest.nudge) & (gap < 1e-3))
    assert len(steps) > 50
    growth = np.exp(np.polyfit(steps, np.log(gap[steps]), 1)[0])
    assert asymmetry_result.growth == pytest.approx(growth, rel=1e-9) and growth > 1.01
    assert_gradient_descent_step(smallest.history.parameters[0], smallest.history.parameters[1],
                                 features, y, GRADIENT_DESCENT.lr)
    ends = [r for r in asymmetry_result.runs if r.nudge > 0]
    accuracies = {accuracy(r.history.parameters[-1], features, y) for r in ends}
    assert len(accuracies) == 1 and accuracies == {ends[0].accuracy}  # the same end, later
    losses = [cost(r.history.parameters[-1], features, y) for r in ends]
    assert max(losses) < 1.02 * min(losses)
    assert asymmetry_result.run_for(0.0).accuracy < min(accuracies)


# ------------------------------------------------------------------------------- minima
def test_minima_twins_have_the_same_cost(minima_result):
    features, y = coffee_features()
    state = minima_result.trained.model.state_dict()
    twins = minima_result.twin_states
    assert len(twins) == 48
    reference = cost(state, features, y)
    _, output = forward(state, features)
    for twin, found in zip(twins, minima_result.twin_losses, strict=True):
        assert cost(twin, features, y) == pytest.approx(reference, rel=1e-9)
        assert found == pytest.approx(reference, rel=1e-9)
        np.testing.assert_allclose(forward(twin, features)[1], output, atol=1e-12)
    vectors = np.array([np.concatenate([np.ravel(t[k]) for k in ("W1", "b1", "W2", "b2")])
                        for t in twins])
    distances = np.linalg.norm(vectors[:, None] - vectors[None], axis=-1)
    assert distances[~np.eye(48, dtype=bool)].min() > 1  # 48 different points


def test_minima_hill_between_twins(minima_result):
    from tinygrad_sym.stories.minima import PATH_POINTS

    features, y = coffee_features()
    state = minima_result.trained.model.state_dict()
    swap = {"W1": state["W1"][:, [1, 0, 2]], "b1": state["b1"][[1, 0, 2]],
            "W2": state["W2"][[1, 0, 2]], "b2": state["b2"]}
    middle = {name: (state[name] + swap[name]) / 2 for name in state}
    assert np.array_equal(middle["W1"][:, 0], middle["W1"][:, 1])  # units 1 and 2 equal there
    mid = int(np.argmin(np.abs(PATH_POINTS - 0.5)))
    assert minima_result.path[mid] == pytest.approx(cost(middle, features, y), rel=1e-9)
    assert minima_result.path[mid] > 50 * minima_result.path[np.argmin(np.abs(PATH_POINTS))]
    assert minima_result.path_accuracy_halfway == accuracy(middle, features, y)
    assert minima_result.path_accuracy_halfway < minima_result.trained.accuracy
    np.testing.assert_allclose(minima_result.path, minima_result.path[::-1], rtol=1e-9)


def test_minima_all_equal_start_stays_and_a_nudge_leaves(minima_result):
    features, y = coffee_features()
    trained, equal, near = minima_result.trained, minima_result.all_equal, minima_result.nudged
    end = equal.model.state_dict()
    assert minima_result.equal_all_along
    assert np.all(end["W1"] == end["W1"][:, :1]) and np.all(end["W2"] == end["W2"][0])
    assert cost(end, features, y) == pytest.approx(equal.loss, rel=1e-9)
    assert equal.loss > 10 * trained.loss and equal.accuracy < trained.accuracy
    nudged = near.model.state_dict()
    assert abs(nudged["W1"][0, 0] - nudged["W1"][0, 1]) > 0.1  # the units parted
    assert cost(nudged, features, y) < equal.loss / 2
    assert near.accuracy > equal.accuracy


# -------------------------------------------------------------------------- seed vs tie
def test_seed_repeats_and_units_differ_tie_repeats_and_units_stay_equal(seed_vs_tie_result):
    features, y = coffee_features()
    seeded, tied = seed_vs_tie_result.seeded, seed_vs_tie_result.tied
    for start in (seeded, tied):
        first, again = start.model.state_dict(), start.again.state_dict()
        assert all(np.array_equal(first[name], again[name]) for name in first)
        assert start.repeats
    gap = _gap(seeded.history)
    assert gap[0] > 0.1 and gap[-1] > 0.1 and not seeded.units_equal_all_along
    for state in tied.history.parameters:
        assert np.array_equal(state["W1"][:, 0], state["W1"][:, 1])
        assert state["W2"][0, 0] == state["W2"][1, 0] and state["b1"][0] == state["b1"][1]
    assert tied.units_equal_all_along
    assert accuracy(seeded.model.state_dict(), features, y) == seeded.accuracy > tied.accuracy
    other = seed_vs_tie_result.other_seed.state_dict()
    assert not np.array_equal(other["W1"], seeded.history.parameters[0]["W1"])
    assert other["W1"][0, 0] != other["W1"][0, 1]


# ------------------------------------------------------------------------------- blobs
def relu_net(state, X):
    """The lab net in numpy: (hidden z, logits)."""
    z = X @ state["W1"] + state["b1"]
    return z, np.maximum(z, 0) @ state["W2"] + state["b2"]


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_blobs_is_the_lab_net_on_the_lab_data(blobs_result):
    from tinygrad_sym.stories.blobs import LAB

    X, y = datasets.blobs()
    assert np.array_equal(blobs_result.X, X) and np.array_equal(blobs_result.y, y)
    assert len(X) == 100 and np.bincount(y).tolist() == [25, 25, 25, 25]
    first, second = blobs_result.model.layers
    assert (first.nin, first.nout, first.activation) == (2, 2, "relu")
    assert (second.nout, second.activation) == (4, "linear")
    assert (LAB.optimizer, LAB.lr, LAB.epochs, LAB.batch_size) == ("adam", 0.01, 200, 32)
    _, logits = relu_net(blobs_result.model.state_dict(), X)
    assert np.mean(logits.argmax(axis=1) == y) == blobs_result.accuracy >= 0.95


def test_blobs_each_hidden_unit_splits_the_blobs_two_and_two(blobs_result):
    state = blobs_result.model.state_dict()
    z, _ = relu_net(state, blobs_result.X)
    y = blobs_result.y
    partitions = []
    for j, line in enumerate(blobs_result.lines):
        shares = [np.mean(z[y == k, j] > 0) for k in range(4)]
        np.testing.assert_allclose(line.shares, shares)
        active = tuple(k for k in range(4) if shares[k] > 0.5)
        assert active == line.active_classes and len(active) == 2  # 2 + 2
        assert min(abs(s - 0.5) for s in shares) > 0.3  # ≥ 80 % of each blob on one side
        partitions.append({frozenset(active), frozenset(set(range(4)) - set(active))})
        (a, b), c = line.weights, line.bias
        x1 = np.linspace(-8, 8, 5)
        on_line = np.column_stack([x1, -(a * x1 + c) / b])  # the reported line z = 0
        np.testing.assert_allclose(relu_net(state, on_line)[0][:, j], 0, atol=1e-9)
    assert partitions[0] != partitions[1]  # the two lines split the blobs differently


def test_blobs_four_corners_four_classes(blobs_result):
    state = blobs_result.model.state_dict()
    z, logits = relu_net(state, blobs_result.X)
    y = blobs_result.y
    corners = [tuple(bool(np.mean(z[y == k, j] > 0) > 0.5) for j in range(2)) for k in range(4)]
    assert corners == blobs_result.corners and len(set(corners)) == 4
    for k in range(4):
        assert np.mean(logits[y == k].argmax(axis=1) == k) >= 0.9  # its own logit wins
    origin = corners.index((False, False))  # where a1 = a2 = 0 only the biases count
    assert int(np.argmax(state["b2"])) == origin


def test_blobs_compare_at_the_start(blobs_result):
    """Both units receive the same output error, through their own outgoing weights."""
    from tinygrad_sym.seeding import manual_seed
    from tinygrad_sym.stories.blobs import SEED, lab_net

    manual_seed(SEED)
    start = lab_net().state_dict()
    X, y = blobs_result.X, blobs_result.y
    z, logits = relu_net(start, X)
    found = blobs_result.start
    assert found.point == int(np.argmax(np.all(z > 0, axis=1)))
    error = softmax(logits) - np.eye(4)[y]
    np.testing.assert_allclose(found.output_error, error[found.point], atol=1e-12)
    assert found.outgoing == {1: tuple(start["W2"][0]), 2: tuple(start["W2"][1])}
    x1 = X[found.point, 0]
    by_hand = {"w1": error[found.point] @ start["W2"][0] * x1,
               "w3": error[found.point] @ start["W2"][1] * x1}
    assert found.comparison.explanation_a.total == pytest.approx(by_hand["w1"], rel=1e-9)
    assert found.comparison.explanation_b.total == pytest.approx(by_hand["w3"], rel=1e-9)
    assert by_hand["w1"] != pytest.approx(by_hand["w3"], rel=0.1)
    back = error / len(X) @ start["W2"].T * (z > 0)
    batch = X.T @ back  # ∂J/∂W1 over all points: column j is unit j
    assert found.batch_gradients["w1"] == pytest.approx(batch[0, 0], rel=1e-9)
    assert found.batch_gradients["w3"] == pytest.approx(batch[0, 1], rel=1e-9)


def test_blobs_baseline_one_line_per_class(blobs_result):
    state = blobs_result.baseline.state_dict()
    logits = blobs_result.X @ state["W1"] + state["b1"]
    assert np.mean(logits.argmax(axis=1) == blobs_result.y) == blobs_result.baseline_accuracy
    assert blobs_result.baseline_accuracy >= 0.95


def test_blobs_seed_sweep_kinds_from_the_weights(blobs_seeds_result):
    from tinygrad_sym.stories.blobs_seeds import SIMILAR_ANGLE

    X, y = blobs_seeds_result.X, blobs_seeds_result.y
    assert [run.seed for run in blobs_seeds_result.runs] == list(story_runs.SWEEP_SEEDS)
    for run in blobs_seeds_result.runs:
        z, logits = relu_net(run.weights, X)
        assert np.mean(logits.argmax(axis=1) == y) == run.accuracy
        W = run.weights["W1"]
        cosine = abs(W[:, 0] @ W[:, 1]) / np.linalg.norm(W[:, 0]) / np.linalg.norm(W[:, 1])
        assert run.angle == pytest.approx(np.degrees(np.arccos(min(cosine, 1))), abs=1e-9)
        dead = [j + 1 for j in range(2) if np.all(z[:, j] <= 0)]
        corners = [tuple(bool(np.mean(z[y == k, j] > 0) > 0.5) for j in range(2))
                   for k in range(4)]
        expected = ("dead unit" if dead else "similar lines" if run.angle < SIMILAR_ANGLE
                    else "four corners" if len(set(corners)) == 4
                    else "two blobs share a corner")
        assert run.kind == expected and list(run.corners) == corners, run.seed


def test_blobs_similar_lines_happen_and_land_worse(blobs_seeds_result):
    similar = blobs_seeds_result.of_kind("similar lines")
    good = blobs_seeds_result.of_kind("four corners")
    assert similar and good
    assert all(run.accuracy == 1.0 for run in good)
    assert max(run.accuracy for run in similar) < 1.0
    assert max(run.loss for run in good) < min(run.loss for run in similar)


# -------------------------------------------------------------------------------- width
def test_width_split_is_held_out(width_result):
    split = width_result.split
    assert len(split.train) == 140 and len(split.test) == 60
    assert set(split.train).isdisjoint(split.test) and len({*split.train, *split.test}) == 200
    np.testing.assert_allclose(split.normalize.mean, split.X[split.train].mean(axis=0))
    np.testing.assert_allclose(split.normalize.std, split.X[split.train].std(axis=0))


def test_width_train_and_test_accuracy(width_result):
    split = width_result.split
    features = {"train": split.features(split.train), "test": split.features(split.test)}
    targets = {"train": split.y[split.train], "test": split.y[split.test]}
    fresh_X, fresh_y = width_result.fresh
    for run in width_result.runs:
        state = run.model.state_dict()
        assert run.train_accuracy == accuracy(state, features["train"], targets["train"])
        assert run.test_accuracy == accuracy(state, features["test"], targets["test"])
        assert run.fresh_accuracy == accuracy(state, split.normalize(fresh_X), fresh_y)
    by_width = {run.width: run for run in width_result.runs}
    assert by_width[1].train_accuracy == pytest.approx(1 - targets["train"].mean())
    assert by_width[4].train_accuracy == by_width[8].train_accuracy == 1.0
    assert max(run.test_accuracy for run in width_result.runs) < 1.0
    assert by_width[8].test_accuracy <= by_width[4].test_accuracy  # more units, no better test
    assert by_width[4].fresh_accuracy >= 0.95


# --------------------------------------------------------------------------- init scale
def test_init_scale_large_weights_saturate_and_crawl(init_scale_result):
    features, y = coffee_features()
    runs = {run.scale: run for run in init_scale_result.runs}
    for run in runs.values():
        hidden, _ = forward(run.start, features)
        np.testing.assert_allclose(run.slopes, hidden * (1 - hidden))
        moved = np.linalg.norm(run.end["W1"] - run.start["W1"]) / np.linalg.norm(run.start["W1"])
        assert run.hidden_moved == pytest.approx(moved)
        assert run.history.loss[-1] == pytest.approx(cost(run.end, features, y), rel=0.05)
    glorot, large, small = runs[1.0], runs[100.0], runs[0.01]
    assert glorot.saturated == 0 and large.saturated > 0.9
    assert large.hidden_moved < 0.1 < 5 < glorot.hidden_moved
    assert large.history.loss[-1] > 5 > 0.1 > glorot.history.loss[-1]
    assert small.slopes.mean() == pytest.approx(0.25, abs=1e-3)
    assert small.history.loss[299] > 2 * glorot.history.loss[299]  # the plateau
    assert small.accuracy == glorot.accuracy == 1.0
