"""Properties of explain() and compare() over random graphs that reuse their nodes."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinygrad_sym as ts
from tinygrad_sym.explainer.alignment import REL_TOL, structure
from tinygrad_sym.testing import strategies as tst

EVERY_PATH = 10**6  # a max_paths no random graph here reaches: every path is listed


def all_paths(node, wrt):
    """Every path from node down to wrt as a tuple of (child, parent index): by recursion,
    independently of the explainer's iterative enumeration (small graphs only)."""
    if node is wrt:
        return [()]
    return [((node, index), *rest) for index, parent in enumerate(node.parents)
            for rest in all_paths(parent, wrt)]


def finite_difference(expression, data, k, h=1e-6):
    def value(shift):
        moved = list(data)
        moved[k] += shift
        return expression(*(ts.Value(x) for x in moved)).data
    return (value(h) - value(-h)) / (2 * h)


def listed_explanations(expression):
    """Build `expression` on fresh leaves; for each leaf, (its position, the root, the leaf,
    ∂root/∂leaf explained with every path listed)."""
    leaves = expression.leaves()
    root = expression(*leaves)
    for k, leaf in enumerate(leaves):
        yield k, root, leaf, ts.explain(root, leaf, max_paths=EVERY_PATH)


@given(tst.expressions())
def test_sum_over_paths_equals_backward_and_finite_differences(expression):
    for k, root, leaf, explanation in listed_explanations(expression):
        products = [path.product for path in explanation.paths]
        assert explanation.total == math.fsum(products)
        scale = 1 + math.fsum(abs(p) for p in products)
        assert abs(explanation.total - ts.grad(root, leaf)) <= 1e-9 * scale
        assert explanation.agrees
        numeric = finite_difference(expression, expression.inputs, k)
        assert abs(explanation.total - numeric) <= 1e-4 * scale


@given(tst.expressions())
def test_the_paths_are_exactly_every_route_down_the_parents(expression):
    for _, root, leaf, explanation in listed_explanations(expression):
        found = [tuple((f.child, f.index) for f in path.factors) for path in explanation.paths]
        expected = all_paths(root, leaf) if root is not leaf else [()]
        assert sorted(map(_ids, found)) == sorted(map(_ids, expected))
        assert explanation.path_count == len(expected)
        for path in explanation.paths:
            assert path.nodes[0] is root and path.nodes[-1] is leaf
            assert all(f.parent is f.child.parents[f.index] for f in path.factors)
            assert all(f.child is node for f, node in zip(path.factors, path.nodes, strict=False))


def _ids(path):
    return [(id(child), index) for child, index in path]


@given(tst.expressions(), st.integers(0, 3))
def test_grouping_by_node_gives_the_same_total(expression, max_paths):
    for _, root, leaf, listed in listed_explanations(expression):
        grouped = ts.explain(root, leaf, max_paths=max_paths)
        assert grouped.grouped == (listed.path_count > max_paths)
        assert grouped.path_count == listed.path_count
        assert grouped.total == pytest.approx(listed.total, rel=1e-9, abs=1e-12)
        assert grouped.agrees
        str(grouped)  # the text of either view can be written


def _equal_multisets(paths_a, paths_b):
    """The two gradients' factor lists are equal: the same (structure, factor values) paths,
    as multisets; checked here by sorting, independently of compare()'s matching."""
    def key(path):
        return (structure(path), tuple(f.value for f in path.factors))
    keys_a, keys_b = sorted(map(key, paths_a)), sorted(map(key, paths_b))
    return len(keys_a) == len(keys_b) and all(
        x[0] == y[0] and len(x[1]) == len(y[1]) and all(
            math.isclose(u, v, rel_tol=REL_TOL, abs_tol=0.0) for u, v in zip(x[1], y[1],
                                                                             strict=True))
        for x, y in zip(keys_a, keys_b, strict=True))


@given(tst.expressions().filter(lambda e: len(e.inputs) >= 2), st.data())
def test_compare_finds_no_difference_iff_the_factor_lists_are_equal(expression, data):
    leaves = expression.leaves()
    root = expression(*leaves)
    a, b = data.draw(st.permutations(leaves))[:2]
    comparison = ts.compare(root, a, b, max_paths=EVERY_PATH)
    equal = _equal_multisets(comparison.explanation_a.paths, comparison.explanation_b.paths)
    assert (not comparison.differing and comparison.same_structure) == (
        equal and bool(comparison.explanation_a.paths))
    if not comparison.differing:
        assert comparison.explanation_a.total == pytest.approx(
            comparison.explanation_b.total, rel=1e-9, abs=1e-300)
    assert comparison.verdict.count("\n") == 0


@given(tst.expressions().filter(lambda e: len(e.inputs) >= 2))
def test_mirror_inputs_of_a_symmetric_function_get_identical_gradients(expression):
    # J(x1, x2) = E(x1, x2, …) + E(x2, x1, …) at x1 = x2: every path of x1 has a mirror path
    # of x2 with the same edges' roles and the same numbers.
    data = list(expression.inputs)
    data[1] = data[0]
    x1, x2, *rest = [ts.Value(value, label=f"x{k + 1}") for k, value in enumerate(data)]
    root = expression(x1, x2, *rest) + expression(x2, x1, *rest)
    comparison = ts.compare(root, x1, x2, max_paths=EVERY_PATH)
    assume(comparison.explanation_a.paths)
    assert comparison.symmetric, str(comparison)
    assert comparison.explanation_a.total == comparison.explanation_b.total
    # backward sums the same products in another order: equal up to rounding
    rounding = 1e-12 * comparison.explanation_a.magnitude
    assert abs(ts.grad(root, x1) - ts.grad(root, x2)) <= rounding
    assert "identical updates (symmetry)" in comparison.verdict


def tied_net(hidden, inputs, first, second, bias):
    """A scalar 2→hidden→1 sigmoid net whose hidden units start identical."""
    weights = [[ts.Value(first, f"w{2 * j + 1}"), ts.Value(second, f"w{2 * j + 2}")]
               for j in range(hidden)]
    biases = [ts.Value(bias, f"b{j + 1}") for j in range(hidden)]
    output = [ts.Value(0.5, f"w{2 * hidden + j + 1}") for j in range(hidden)]
    return weights, biases, output, ts.Value(0.0, f"b{hidden + 1}")


def tied_cost(net, examples):
    weights, biases, output, output_bias = net
    losses = []
    for (u1, u2), target in examples:
        xs = [ts.Value(u1, "x1", False), ts.Value(u2, "x2", False)]
        activations = []
        for j, (unit, bias) in enumerate(zip(weights, biases, strict=True)):
            a = ts.weighted_sum(unit, xs, bias).sigmoid()
            a.label = f"a{j + 1}"
            activations.append(a)
        a = ts.weighted_sum(output, activations, output_bias).sigmoid()
        losses.append((a - target) * (a - target))
    J = sum(losses) / len(losses)
    J.label = "J"
    return J


numbers = st.floats(-2, 2, allow_nan=False)


@settings(max_examples=15)
@given(st.integers(2, 3),
       st.lists(st.tuples(st.tuples(numbers, numbers), st.sampled_from([0.0, 1.0])),
                min_size=1, max_size=3),
       numbers, numbers, numbers)
def test_tied_units_get_equal_gradients_at_every_step(hidden, examples, first, second, bias):
    net = tied_net(hidden, examples, first, second, bias)
    weights, biases, output, output_bias = net
    parameters = [w for unit in weights for w in unit] + biases + output + [output_bias]
    for _ in range(4):
        J = tied_cost(net, examples)
        for parameter in parameters:
            parameter.grad = 0.0
        J.backward()
        for j in range(1, hidden):  # every hidden unit mirrors unit 1 exactly
            assert [w.grad for w in weights[j]] == [w.grad for w in weights[0]]
            assert output[j].grad == output[0].grad and biases[j].grad == biases[0].grad
        comparison = ts.compare(J, weights[0][0], weights[1][0])
        assert comparison.symmetric and not comparison.differing
        with ts.no_grad():
            for parameter in parameters:
                parameter.data -= 0.5 * parameter.grad


def mixed_graph(data):
    """A random graph of scalars joined through tensor stretches: scalars are stacked into
    vectors, vectors combined (elementwise, or scaled by a scalar) and reduced back to
    scalars, any node reused anywhere; the root is the last scalar. Returns (root, leaves)."""
    count = data.draw(st.integers(1, 3))
    leaves = [ts.Value(data.draw(numbers), f"x{k + 1}") for k in range(count)]
    scalars, vectors = list(leaves), []
    for _ in range(data.draw(st.integers(1, 7))):
        pick = data.draw(st.sampled_from(["scalar", "stack", "vector", "reduce"] if vectors
                                         else ["scalar", "stack"]))
        a, b = data.draw(st.sampled_from(scalars)), data.draw(st.sampled_from(scalars))
        if pick == "scalar":
            scalars.append(data.draw(st.sampled_from([a * b, a + b, a.tanh()])))
        elif pick == "stack":
            vectors.append(ts.stack([a, b]))
        else:
            t, u = data.draw(st.sampled_from(vectors)), data.draw(st.sampled_from(vectors))
            if pick == "vector":
                vectors.append(data.draw(st.sampled_from([t * a, t * u, t + u, t.tanh()])))
            else:
                scalars.append(data.draw(st.sampled_from([t.sum(), t.mean(), t[1], t @ u])))
    return scalars[-1], leaves


@given(st.data())
def test_tensor_stretches_between_scalars_are_crossed_exactly(data):
    root, leaves = mixed_graph(data)
    for leaf in leaves:
        if not root.requires_grad:
            break
        explanation = ts.explain(root, leaf, max_paths=EVERY_PATH)
        backward = ts.grad(root, leaf)
        assert abs(explanation.total - backward) <= 1e-9 * (1 + explanation.magnitude)
        assert explanation.agrees
        grouped = ts.explain(root, leaf, max_paths=0)
        assert grouped.total == pytest.approx(explanation.total, rel=1e-9, abs=1e-12)
        for factor in explanation.factors:  # a stretch's edges lead from child to parent
            assert factor.edges[0][0] is factor.child
            assert factor.edges[-1][0].parents[factor.edges[-1][1]] is factor.parent
