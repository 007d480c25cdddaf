"""The explainer on tensor nets: the matrix form of the chain rule, one entry tied back to the
scalar twin, two units compared in tensor form. Numbers are checked against numpy written
here, finite differences and the twin's own explanation; printed formulas are evaluated."""

import numpy as np
import pytest
from formula_eval import evaluate
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.testing import strategies as tst

LOSSES = {"bce": nn.binary_cross_entropy, "mse": nn.mse, "logits": nn.bce_with_logits}


def coffee(n=4, loss="bce", hidden=3, seed=0):
    """The course's coffee net (2 → 3 → 1, sigmoid) on n normalized roasts, J after backward."""
    ts.manual_seed(seed)
    X, y = ts.datasets.coffee_roasting()
    X = ts.datasets.Normalizer.fit(X)(X)[:n]
    net = nn.MLP(2, [hidden, 1], output_activation="linear" if loss == "logits" else None)
    J = nn.cost(net, X, y[:n], loss=LOSSES[loss])
    J.backward()
    return net, X, y[:n], J


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def values_of(explanation):
    """Every name the explanation prints, with its value (nodes, gradients, n)."""
    values = {explanation.name_of(node): node.data for node in ts.topological_order(
        explanation.root)}
    for step in explanation.chain.steps[1:]:
        values[explanation.form.symbol(step.node)] = step.value
        values[explanation.chain.symbol(step.node)] = step.value
    for step in explanation.chain.steps:
        for term in step.terms:
            if term.kind == "spread":
                values["n"] = term.parent.size // term.child.size
    return values


def assert_formulas_evaluate(explanation):
    """Each printed equation, step by step and folded, evaluates to its gradient."""
    values = values_of(explanation)
    for equation in [*explanation.form.steps, *explanation.form.folded]:
        expected = explanation.chain.step_of(equation.node).value
        got = evaluate(equation.right, values)
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12,
                                   err_msg=str(equation))


# ------------------------------------------------------------------ the matrix form


def test_the_coffee_net_reads_as_the_course_writes_it():
    net, X, y, J = coffee()
    W1, W2 = net.layers[0].W, net.layers[1].W
    explanation = ts.explain(J, W1)
    assert [str(eq) for eq in explanation.form.folded] == [
        "∂J/∂W1 = Xᵀ · δ1",
        "δ1 = ∂J/∂Z1 = (δ2 · W2ᵀ) ⊙ A1 ⊙ (1 − A1)",
        "δ2 = ∂J/∂Z2 = (A2 − y)/n",
    ]
    text = str(explanation)
    for line in ("  ∂J/∂W1 = Xᵀ · δ1", "  δ1 = (δ2 · W2ᵀ) ⊙ A1 ⊙ (1 − A1)",
                 "  δ2 = (A2 − y)/n", "(A2 ⊙ (1 − A2) cancels)"):
        assert line in text
    assert "2×3 = 2×4 · 4×3" in text and "4×3 = (4×1 · 1×3) ⊙ 4×3" in text
    assert "mean, n = 4" in text and "u1 = binary_cross_entropy(A2, y)" in text
    # the numbers, by hand in numpy
    A1 = sigmoid(X @ W1.data + net.layers[0].b.data)
    A2 = sigmoid(A1 @ W2.data + net.layers[1].b.data)
    delta2 = (A2 - y) / len(X)
    delta1 = (delta2 @ W2.data.T) * A1 * (1 - A1)
    gradients = {eq.symbol: explanation.chain.step_of(eq.node).value
                 for eq in explanation.form.folded}
    np.testing.assert_allclose(gradients["δ2"], delta2, rtol=1e-12)
    np.testing.assert_allclose(gradients["δ1"], delta1, rtol=1e-12)
    np.testing.assert_allclose(explanation.total, X.T @ delta1, rtol=1e-12)
    np.testing.assert_allclose(explanation.total, W1.grad, rtol=1e-12)
    assert explanation.agrees and "Check: backpropagation" in text and "W1.grad" in text


def test_finite_differences_agree_with_the_matrix_form():
    net, X, y, J = coffee(n=6)
    W1 = net.layers[0].W
    total = ts.explain(J, W1).total

    def cost(weights):
        with ts.no_grad():
            saved = W1.data.copy()
            W1.data[...] = weights
            value = nn.cost(net, X, y).item()
            W1.data[...] = saved
        return value

    for index in np.ndindex(W1.shape):
        up, down = W1.data.copy(), W1.data.copy()
        up[index] += 1e-6
        down[index] -= 1e-6
        assert total[index] == pytest.approx((cost(up) - cost(down)) / 2e-6, rel=1e-5, abs=1e-9)


def test_fused_logit_loss_gives_sigma_of_z_minus_y_over_n():
    net, _, _, J = coffee(loss="logits")
    explanation = ts.explain(J, net.layers[0].W)
    assert str(explanation.form.folded[-1]) == "δ2 = ∂J/∂Z2 = (σ(Z2) − y)/n"
    assert explanation.agrees
    assert_formulas_evaluate(explanation)


def test_a_bias_is_the_sum_of_its_delta_over_the_examples():
    net, _, _, J = coffee()
    explanation = ts.explain(J, net.layers[0].b)
    assert str(explanation.form.folded[0]) == "∂J/∂b1 = sum(δ1, axis=0)"
    assert_formulas_evaluate(explanation)


def test_big_matrices_are_summarised_by_their_first_rows():
    net, _, _, J = coffee(n=200)
    text = str(ts.explain(J, net.layers[0].W))
    assert "δ1 (200×3, a few entries):" in text and "⋮" in text
    assert len(text.splitlines()) < 60


def test_a_hand_built_net_with_a_penalty_sums_its_terms():
    rng = np.random.default_rng(0)
    X = ts.Value(rng.normal(size=(5, 2)), "X", requires_grad=False)
    W1, b1 = ts.Value(rng.normal(size=(2, 3)), "W1"), ts.Value(np.zeros(3), "b1")
    W2 = ts.Value(rng.normal(size=(3, 1)), "W2")
    H = (X @ W1 + b1).tanh()
    H.label = "H"
    y = ts.Value(np.ones((5, 1)), "y", requires_grad=False)
    J = ((H @ W2 - y) ** 2).mean() + 0.1 * (W1 * W1).sum()
    J.label = "J"
    explanation = ts.explain(J, W1)
    folded = [str(eq) for eq in explanation.form.folded]
    assert folded[0].startswith("∂J/∂W1 = Xᵀ · δ1 + ")  # the data term, then the penalty's
    assert folded[1].endswith("= (δ2 · W2ᵀ) ⊙ (1 − H²)")
    assert explanation.agrees
    assert_formulas_evaluate(explanation)


@st.composite
def tensor_nets(draw, losses=("bce", "mse", "logits")):
    """A random MLP with its data: widths, depth, activations, loss, batch size, seed."""
    nin = draw(st.integers(1, 3))
    hidden = draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))
    nout = draw(st.integers(1, 2))
    loss = draw(st.sampled_from(losses))
    activation = draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"]))
    output = {"bce": "sigmoid", "logits": "linear"}.get(loss) or draw(
        st.sampled_from(["sigmoid", "tanh", "linear"]))
    n = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    ts.manual_seed(seed)
    net = nn.MLP(nin, [*hidden, nout], activation=activation, output_activation=output)
    X = rng.normal(size=(n, nin))
    y = rng.integers(0, 2, size=(n, nout)).astype(float)
    return net, X, y, loss


@given(tensor_nets(), st.data())
def test_the_printed_matrix_form_evaluates_to_backward_on_random_nets(case, data):
    net, X, y, loss = case
    J = nn.cost(net, X, y, loss=LOSSES[loss])
    layer = data.draw(st.integers(0, len(net.layers) - 1))
    for parameter in (net.layers[layer].W, net.layers[layer].b):
        explanation = ts.explain(J, parameter)
        assert explanation.agrees
        np.testing.assert_allclose(explanation.total, ts.grad(J, parameter), rtol=1e-12,
                                   atol=1e-15)
        assert_formulas_evaluate(explanation)
    source = "X" if layer == 0 else f"A{layer}" if net.layers[layer - 1].activation != \
        "linear" else f"Z{layer}"
    assert str(ts.explain(J, net.layers[layer].W).form.folded[0]) == \
        f"∂J/∂W{layer + 1} = {source}ᵀ · δ{layer + 1}"


def test_a_float32_net_is_explained_in_float32():
    rng = np.random.default_rng(0)
    ts.manual_seed(0)
    net = nn.MLP(3, [5, 4, 2], activation="tanh", dtype=np.float32)
    X = rng.normal(size=(7, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=(7, 2)).astype(np.float32)
    J = nn.cost(net, X, y, loss=nn.mse)
    for name, parameter in net.named_parameters():
        explanation = ts.explain(J, parameter)
        assert explanation.agrees and explanation.total.dtype == np.float32, name
        entry = ts.explain(J, parameter, entry=(0,) * parameter.ndim)
        assert entry.agrees, name


@given(tst.expressions(shape=(2, 3), max_steps=6))
def test_any_tensor_graph_gets_a_generic_chain_that_agrees_with_backward(expression):
    leaves = expression.leaves()
    root = expression(*leaves).sum()
    for leaf in leaves:
        explanation = ts.explain(root, leaf)
        assert explanation.agrees
        np.testing.assert_allclose(explanation.total, ts.grad(root, leaf), rtol=1e-12,
                                   atol=1e-15)
        if explanation.chain.steps:
            assert_formulas_evaluate(explanation)
        str(explanation)


def test_a_root_that_ignores_the_tensor_says_so():
    W = ts.Value(np.ones((2, 2)), "W")
    v = ts.Value(np.ones(2), "v")
    J = (v * v).sum()
    J.label = "J"
    explanation = ts.explain(J, W)
    assert not explanation.total.any() and explanation.agrees
    assert str(explanation).startswith("∂J/∂W = 0: J does not depend on W")


def test_errors_name_the_problem_and_the_fix():
    net, X, _, J = coffee()
    W1 = net.layers[0].W
    with pytest.raises(ValueError, match=r"root .* shape \(4, 3\).*\.sum\(\) or \.mean\(\)"):
        ts.explain(net.layers[0](X), W1)
    with pytest.raises(IndexError, match=r"entry \(2, 0\) is not an element of W1, of shape"):
        ts.explain(J, W1, entry=(2, 0))
    with pytest.raises(TypeError, match="entry must be a tuple of ints"):
        ts.explain(J, W1, entry=(0.5, 1))
    with pytest.raises(ValueError, match=r"slice is several entries.*ts\.compare"):
        ts.explain(J, W1[:, 0])
    with pytest.raises(ValueError, match="leave entry out"):
        ts.explain(J, J, entry=(0,))
    with pytest.raises(ValueError, match=r"two units of a tensor net.*W1\[:, 0\], W1\[:, 1\]"):
        ts.compare(J, W1, net.layers[1].W)
    with pytest.raises(ValueError, match="different kinds of parts"):
        ts.compare(J, W1[:, 0], W1[0])
    with pytest.raises(ValueError, match="not a part compare can follow"):
        ts.compare(J, W1[0:1, 0], W1[1:2, 0])


# ---------------------------------------------------- one entry, tied back to the twin


def twin_explanation(net, X, y, loss, name):
    """The scalar twin's explanation of ∂J/∂name, as a learner would get it."""
    twin = net.to_scalar()
    J = nn.cost(twin, X, y, loss=LOSSES[loss])
    J.backward()
    return ts.explain(J, dict(twin.named_parameters())[name])


def test_w1_entry_0_1_is_the_twins_w3_with_the_same_numbers():
    net, X, y, J = coffee()
    entry = ts.explain(J, net.layers[0].W, entry=(0, 1))
    assert entry.scalar_name == "w3" and net.locate("w3") == ("W1", (0, 1))
    twin = twin_explanation(net, X, y, "bce", "w3")
    assert [s.value for s in entry.shares] == pytest.approx(
        [c.value for c in twin.contributions], rel=1e-12)
    assert entry.weight == 0.25 and entry.total == pytest.approx(twin.total, rel=1e-12)
    # example 1's path: the same factors as the twin's ∂L1/∂w3, after ∂J/∂L1 = 1/n
    (path,) = entry.paths
    (twin_path,) = twin.contributions[0].explanation.paths
    factors = [f for f in path.factors if f.child_name != f.parent_name]
    assert [f.formula for f in factors[1:]] == [f.formula for f in twin_path.factors]
    assert [f.value for f in factors[1:]] == pytest.approx([f.value for f in twin_path.factors],
                                                           rel=1e-12)
    assert [f.name for f in factors[1:]] == [f.name for f in twin_path.factors]
    assert [f.name for f in factors] == ["∂J/∂L1", "∂L1/∂a4⁽¹⁾", "∂a4⁽¹⁾/∂z4⁽¹⁾",
                                         "∂z4⁽¹⁾/∂a2⁽¹⁾", "∂a2⁽¹⁾/∂z2⁽¹⁾", "∂z2⁽¹⁾/∂w3"]
    text, twin_text = str(entry), str(twin)
    for line in twin_text.splitlines():  # every per-example line of the twin's, in ours
        if line.strip().startswith("L") and "∂L" in line:
            assert line.strip().split(" = ")[0] in text
            assert line.strip().rsplit(" = ", 1)[0].split(": ")[1] in text
    assert "∂J/∂W1[0, 1] = Σₖ X[k, 0] · δ1[k, 1]" in text
    assert "unit 2's weight on x1, which the course's numbering" in " ".join(text.split())
    assert "J → L1 → a4⁽¹⁾ → z4⁽¹⁾ → a2⁽¹⁾ → z2⁽¹⁾ → w3" in text
    assert entry.agrees and "W1.grad[0, 1]" in text


def test_an_entry_can_be_written_as_an_index():
    net, _, _, J = coffee()
    W2 = net.layers[1].W
    by_index, by_keyword = ts.explain(J, W2[1, 0]), ts.explain(J, W2, entry=(1, 0))
    assert by_index.scalar_name == by_keyword.scalar_name == "w8"
    assert str(by_index) == str(by_keyword)


@given(tensor_nets(losses=("bce", "mse")), st.data())
def test_every_entry_is_its_twin_weight_example_by_example(case, data):
    net, X, y, loss = case
    J = nn.cost(net, X, y, loss=LOSSES[loss])
    layer = net.layers[data.draw(st.integers(0, len(net.layers) - 1))]
    parameter = data.draw(st.sampled_from([layer.W, layer.b]))
    index = tuple(data.draw(st.integers(0, n - 1)) for n in parameter.shape)
    entry = ts.explain(J, parameter, entry=index)
    assert net.locate(entry.scalar_name) == (parameter.label, index)
    twin = twin_explanation(net, X, y, loss, entry.scalar_name)
    assert entry.agrees and entry.total == pytest.approx(twin.total, rel=1e-9, abs=1e-15)
    if len(X) > 1:  # the twin adds up one term per example
        assert [s.value for s in entry.shares] == pytest.approx(
            [c.value for c in twin.contributions], rel=1e-9, abs=1e-15)
        # one output: each example's loss is an entry of the tensor net's, weighing 1/n
        assert entry.weight == (pytest.approx(1 / len(X)) if y.shape[1] == 1 else None)
        first = twin.contributions[0].explanation
    else:
        first = twin
    weight = 1 / len(X) if len(X) > 1 else 1.0  # nn.cost's J = mean(L1, …, Ln)
    if entry.paths:  # the traced example adds up to the twin's term for it
        assert sum(p.product for p in entry.paths) == pytest.approx(
            weight * first.total, rel=1e-9, abs=1e-15)
    if entry.paths and not first.grouped and y.shape[1] == 1:
        # one output: the twin's graph of an example is the entries' graph, path by path
        # (several outputs stack into a tensor, which the twin's explanation crosses as one
        # factor per output, so its paths are coarser there)
        assert sorted(weight * p.product for p in first.paths) == pytest.approx(
            sorted(p.product for p in entry.paths), rel=1e-9, abs=1e-15)
    str(entry)


def test_a_graph_without_layers_explains_the_entry_without_a_twin_name():
    W = ts.Value(np.array([[1.0, 2.0], [3.0, 4.0]]), "W")
    J = (W * W).sum()
    J.label = "J"
    entry = ts.explain(J, W, entry=(1, 0))
    assert entry.scalar_name is None and entry.total == pytest.approx(6.0)
    assert "no name in a scalar twin" in " ".join(str(entry).split()) and entry.agrees


# -------------------------------------------------------- two units, in tensor form


def assert_sections_evaluate(comparison):
    """Each side's equations, printed with their parts (δ1[:, 0] = (δ2 · W2[0, :]ᵀ) ⊙ …),
    evaluate to that part of the gradient."""
    values = values_of(comparison.matrix)  # the left side: that part of the gradient
    assert comparison.sections
    for section in comparison.sections:
        for equation in (section.equation_a, section.equation_b):
            left, right = equation.split(" = ", 1)
            np.testing.assert_allclose(evaluate(right, values), evaluate(left, values),
                                       rtol=1e-12, atol=1e-15, err_msg=equation)


def test_coffee_units_differ_by_the_rows_of_W2_and_the_columns_of_A1():
    net, _, _, J = coffee()
    W1 = net.layers[0].W
    comparison = ts.compare(J, W1[:, 0], W1[:, 1])
    differing = {(comparison.matrix.name_of(f.nodes[0]), tuple(f.selection_a.items()),
                  tuple(f.selection_b.items())) for f in comparison.differing}
    assert differing == {("W2", ((0, 0),), ((0, 1),)), ("A1", ((1, 0),), ((1, 1),))}
    shared = {f.text_a for f in comparison.factors if f.status == "shared"}
    assert shared == {"Xᵀ", "δ2"}
    text = str(comparison)
    assert "δ1[:, 0] = (δ2 · W2[0, :]ᵀ) ⊙ A1[:, 0] ⊙ (1 − A1[:, 0])" in text
    assert "unit 1's weights [w1, w2]" in text and "the weights out of a1 [w7]" in text
    np.testing.assert_allclose(comparison.total_a, W1.grad[:, 0], rtol=1e-12)
    np.testing.assert_allclose(comparison.total_b, W1.grad[:, 1], rtol=1e-12)
    assert_sections_evaluate(comparison)
    assert comparison.verdict.startswith("∂J/∂W1[:, 0] ≠ ∂J/∂W1[:, 1]")


def test_two_rows_of_W1_differ_by_the_columns_of_X():
    net, _, _, J = coffee()
    W1 = net.layers[0].W
    comparison = ts.compare(J, W1[0], W1[1])
    assert [(comparison.matrix.name_of(f.nodes[0]), f.selection_a, f.selection_b)
            for f in comparison.differing] == [("X", {1: 0}, {1: 1})]
    assert_sections_evaluate(comparison)


@given(st.sets(st.sampled_from(["incoming", "bias", "outgoing"])), st.integers(2, 4),
       st.integers(1, 5), st.integers(0, 1000))
def test_the_differing_factors_are_exactly_where_two_units_differ(differ, hidden, n, seed):
    """Units 1 and 2 of a 2 → hidden → 1 net, equal except in what `differ` names: the
    comparison finds W2's rows iff the outgoing weights differ, A1's columns iff the
    incoming weights or biases do, and nothing else."""
    rng = np.random.default_rng(seed)
    W1 = rng.normal(size=(2, hidden))
    b1 = rng.normal(size=hidden)
    W2 = rng.normal(size=(hidden, 1))
    W1[:, 1] = W1[:, 0] + (0.5 if "incoming" in differ else 0.0)
    b1[1] = b1[0] + (0.5 if "bias" in differ else 0.0)
    W2[1] = W2[0] + (0.5 if "outgoing" in differ else 0.0)
    net = nn.MLP(2, [hidden, 1])
    net.load_state_dict({"W1": W1, "b1": b1, "W2": W2, "b2": np.zeros(1)})
    X, y = rng.normal(size=(n, 2)), rng.integers(0, 2, size=(n, 1)).astype(float)
    J = nn.cost(net, X, y)
    comparison = ts.compare(J, net.layers[0].W[:, 0], net.layers[0].W[:, 1])
    found = {comparison.matrix.name_of(f.nodes[0]) for f in comparison.differing}
    expected = {"W2"} if "outgoing" in differ else set()
    expected |= {"A1"} if differ & {"incoming", "bias"} else set()
    assert found == expected
    assert comparison.symmetric == (not differ)
    assert_sections_evaluate(comparison)
    if not differ:
        np.testing.assert_array_equal(comparison.total_a, comparison.total_b)
        assert "identical updates" in comparison.verdict


def test_softmax_outputs_are_compared_up_to_the_op_that_mixes_them():
    rng = np.random.default_rng(0)
    ts.manual_seed(0)
    net = nn.MLP(2, [2, 3], activation="relu", output_activation="linear")
    J = nn.cost(net, rng.normal(size=(4, 2)), np.array([0, 1, 2, 0]),
                loss=nn.softmax_cross_entropy)
    W2 = dict(net.named_parameters())["W2"]
    comparison = ts.compare(J, W2[:, 0], W2[:, 1])
    assert [f.text_a for f in comparison.stopped] == ["δ2[:, 0]"]
    assert not comparison.symmetric and "log_softmax" in comparison.verdict
    np.testing.assert_allclose(comparison.total_a, ts.grad(J, W2)[:, 0], rtol=1e-12)
    assert "δ2[:, 0] = ((softmax(Z2) − Y)/n)[:, 0]" in str(comparison)


def test_tensor_explanations_display_as_their_text_and_repr_in_one_line():
    """In Jupyter and IPython the matrix form, an entry and a part comparison show their
    printed text; a plain prompt shows one line (not a dump of their fields)."""
    pretty = pytest.importorskip("IPython.lib.pretty").pretty  # IPython: the notebooks extra
    net, _, _, J = coffee()
    W1 = net.layers[0].W
    matrix, entry = ts.explain(J, W1), ts.explain(J, W1, entry=(0, 1))
    parts = ts.compare(J, W1[:, 0], W1[:, 1])
    for shown in (matrix, entry, parts):
        assert pretty(shown) == str(shown)
        assert shown._repr_html_().endswith("</pre>") and "\n" not in repr(shown)
    assert repr(matrix) == ("<MatrixExplanation ∂J/∂W1 (2×3): "
                            f"{len(matrix.chain.steps)} steps, agrees with backward; "
                            "print() it for the matrix form>")
    assert repr(entry).startswith("<EntryExplanation ∂J/∂W1[0, 1] (w3) = ")
    assert repr(entry).endswith(": 4 examples, agrees with backward; print() it for the "
                                "derivation>")
    assert repr(parts) == ("<PartComparison ∂J/∂W1[:, 0] vs ∂J/∂W1[:, 1]: 2 factors differ; "
                           "print() it for the table>")


@given(st.integers(1, 7), st.integers(2, 5), st.integers(0, 2**16))
def test_softmax_cross_entropy_folds_to_softmax_minus_one_hot_over_n(n, classes, seed):
    rng = np.random.default_rng(seed)
    ts.manual_seed(seed)
    net = nn.MLP(2, [2, classes], activation="relu", output_activation="linear")
    X, labels = rng.normal(size=(n, 2)), rng.integers(0, classes, size=n)
    J = nn.cost(net, X, labels, loss=nn.softmax_cross_entropy)
    W1 = dict(net.named_parameters())["W1"]
    explanation = ts.explain(J, W1)
    delta2 = next(eq for eq in explanation.form.folded if eq.symbol == "δ2")
    assert delta2.right == "(softmax(Z2) − Y)/n"
    assert "Y: the labels one-hot" in delta2.remark and delta2.remark in str(explanation)
    logits = net(ts.Value(X, requires_grad=False)).data  # softmax and one-hot by hand:
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(explanation.chain.step_of(delta2.node).value,
                               (softmax - np.eye(classes)[labels]) / n, atol=1e-15)


def test_a_cross_entropy_summed_not_averaged_is_not_folded_as_one_over_n():
    rng = np.random.default_rng(1)
    Z = ts.Value(rng.normal(size=(3, 4)), label="Z2")
    J = -Z.log_softmax(axis=-1)[np.arange(3), np.array([0, 3, 1])].sum()
    J.label = "J"
    text = str(ts.explain(J, Z))
    assert "softmax(Z2) − Y" not in text and "through log_softmax" in text


def test_a_transposed_weight_is_written_as_its_transpose_never_twice():
    rng = np.random.default_rng(0)
    X = ts.Value(rng.normal(size=(4, 2)), label="X", requires_grad=False)
    W1, W2 = ts.Value(rng.normal(size=(3, 2)), label="W1"), ts.Value(rng.normal(size=(1, 3)),
                                                                     label="W2")
    A1 = (X @ W1.T).sigmoid()
    A1.label = "A1"
    J = ((A1 @ W2.T) ** 2).mean()
    J.label = "J"
    text = str(ts.explain(J, W1))
    assert "ᵀᵀ" not in text and "u1 = X @ W1ᵀ" in text
    assert "∂J/∂A1      = δ2 · W2 " in text and "(∂J/∂W1ᵀ)ᵀ" in text


def test_an_indexed_result_is_named_by_its_index():
    from tinygrad_sym.explainer.naming import index_text

    assert index_text((np.arange(4), np.array([0, 1, 2, 0]))) == "[0, 1, 2, 3], [0, 1, 2, 0]"
    assert index_text((np.arange(100), 3)) == "[0, 1, …, 99], 3"
    assert index_text((slice(None), 0)) == ":, 0" and index_text(slice(1, 3)) == "1:3"
    assert index_text(np.array([True, False])) == "…"
    x = ts.Value(np.ones(3), label="x")
    assert "u1 = −x" in str(ts.explain((-x).sum(), x))
