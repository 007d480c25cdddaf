"""Forward mode: every op's forward rule against its backward rules and finite differences;
jvp, jacobian (both modes), hessian and tangents through the public API."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_cases import CASES, examples_per_op

import tinygrad_sym as ts
from tinygrad_sym import nn, ops
from tinygrad_sym.errors import ShapeError
from tinygrad_sym.testing import jvpcheck


def test_every_op_of_the_table_has_a_forward_rule_per_operand():
    """Completeness, as the torch oracle asserts a twin for every op."""
    missing = [name for name, op in ops.TABLE.items() if op.jvp is None]
    assert not missing, f"ops without forward-mode rules: {missing}"
    for name, op in ops.TABLE.items():
        for index in range(3):  # a rule for every operand an op can take (PerOperand: any)
            if isinstance(op.rules, tuple) and index >= len(op.rules):
                break
            assert callable(op.jvp[index]), (name, index)
        if isinstance(op.rules, tuple):
            assert len(op.jvp) == len(op.rules), name


def _random_like(rng, x):
    return rng.standard_normal(np.shape(x)) if np.ndim(x) else float(rng.standard_normal())


@pytest.mark.parametrize("name", sorted(ops.TABLE))
@settings(max_examples=examples_per_op(3, 10))  # 13
@given(data=st.data())
def test_forward_and_reverse_rules_are_adjoint(name, data):
    """⟨v, J·u⟩ from the forward rules equals ⟨Jᵀ·v, u⟩ from the backward rules, for random
    u and v, over the op's shapes and broadcasting, in float64."""
    fn, inputs = data.draw(CASES[name])
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    inputs = [np.asarray(x, dtype=np.float64) for x in inputs]
    us = [_random_like(rng, x) for x in inputs]
    output, moved = ts.jvp(fn, inputs, us)
    assert np.shape(moved) == output.shape
    v = _random_like(rng, output.data)
    leaves = [ts.Value(x) for x in inputs]
    pulled = ts.grad(fn(*leaves), leaves, grad_output=v)
    forward = float(np.sum(v * np.asarray(moved)))
    reverse = sum(float(np.sum(g * u)) for g, u in zip(pulled, us, strict=True))
    assert forward == pytest.approx(reverse, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("name", sorted(ops.TABLE))
@settings(max_examples=10)
@given(data=st.data())
def test_forward_rules_match_finite_differences(name, data):
    fn, inputs = data.draw(CASES[name])
    assert jvpcheck(fn, inputs)


@pytest.mark.parametrize("name", sorted(ops.TABLE))
@settings(max_examples=5)
@given(data=st.data())
def test_forward_rules_run_on_values_too(name, data):
    """With create_graph=True the tangent is a Value (its own graph), equal to the raw one."""
    fn, inputs = data.draw(CASES[name])
    rng = np.random.default_rng(0)
    us = [_random_like(rng, np.asarray(x)) for x in inputs]
    _, raw = ts.jvp(fn, inputs, us)
    _, recorded = ts.jvp(fn, inputs, us, create_graph=True)
    assert isinstance(recorded, ts.Value)
    np.testing.assert_allclose(recorded.data, raw, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(ops.TABLE))
@settings(max_examples=5)
@given(data=st.data())
def test_float32_tangents_stay_float32(name, data):
    fn, inputs = data.draw(CASES[name])
    inputs = [np.asarray(x, dtype=np.float32) for x in inputs]
    output, moved = ts.jvp(fn, inputs, [np.ones_like(x) for x in inputs])
    assert np.result_type(moved) == np.float32 == output.dtype


def test_jvp_is_the_directional_derivative():
    x = np.array([0.3, -1.2, 2.0])
    output, moved = ts.jvp(lambda a: (a * a).sum(), (x,), (np.array([1.0, 0.0, 0.0]),))
    assert output.data == pytest.approx(np.sum(x * x))
    assert moved == pytest.approx(2 * x[0])
    assert type(moved) is float  # a scalar output moves by a Python float, as grads are


def test_jvp_takes_a_bare_primal_and_several_primals():
    _, moved = ts.jvp(lambda a: a.exp(), 1.5, 2.0)
    assert moved == pytest.approx(2.0 * np.exp(1.5))
    _, moved = ts.jvp(lambda a, b: a * b, [2.0, 3.0], [1.0, 10.0])
    assert moved == pytest.approx(1.0 * 3.0 + 2.0 * 10.0)


def test_jvp_of_an_output_that_ignores_the_primals_is_zero():
    _, moved = ts.jvp(lambda a: ts.Value(np.ones(2), requires_grad=False) * 2.0, (1.0,), (1.0,))
    assert np.array_equal(moved, np.zeros(2))


def test_jvp_records_even_inside_no_grad():
    with ts.no_grad():
        _, moved = ts.jvp(lambda a: a * a, (3.0,), (1.0,))
    assert moved == 6.0


def test_jvp_refuses_mismatched_tangents():
    with pytest.raises(ShapeError, match=r"tangent of primal 1 has shape \(2,\).*\(3,\)"):
        ts.jvp(lambda a: a.sum(), (np.ones(3),), (np.ones(2),))
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        ts.jvp(lambda a, b: a * b, (1.0, 2.0), (1.0,))
    with pytest.raises(TypeError, match="f must return a Value"):
        ts.jvp(lambda a: 3.0, (1.0,), (1.0,))


def _function(x, W):
    return ((x @ W).tanh() ** 2.0).sum(axis=-1) * x.exp().mean()


def _numeric_jacobian(f, inputs, which, eps=1e-6):
    base = [np.array(x, dtype=np.float64) for x in inputs]
    columns = []
    for position in np.ndindex(base[which].shape):
        sides = []
        for step in (eps, -eps):
            moved = [x.copy() for x in base]
            moved[which][position] += step
            sides.append(np.asarray(f(*(ts.Value(x) for x in moved)).data))
        columns.append((sides[0] - sides[1]) / (2 * eps))
    out_shape = np.shape(columns[0])
    stacked = np.array(columns).reshape(base[which].shape + out_shape)
    n_in = base[which].ndim
    return np.transpose(stacked, tuple(range(n_in, n_in + len(out_shape))) + tuple(range(n_in)))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_matches_finite_differences(mode):
    rng = np.random.default_rng(3)
    x, W = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    blocks = ts.jacobian(_function, [x, W], mode=mode)
    assert blocks[0].shape == (2, 2, 3) and blocks[1].shape == (2, 3, 4)
    for which, block in enumerate(blocks):
        np.testing.assert_allclose(block, _numeric_jacobian(_function, [x, W], which),
                                   rtol=1e-6, atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_both_modes_agree_on_random_graphs(data):
    from tinygrad_sym.testing import strategies as tst

    expression = data.draw(tst.expressions(shape=data.draw(st.sampled_from([(), (3,), (2, 2)]))))
    reverse = ts.jacobian(expression, expression.inputs, mode="reverse")
    forward = ts.jacobian(expression, expression.inputs, mode="forward")
    for a, b in zip(reverse, forward, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_jacobian_shapes_and_kinds():
    assert ts.jacobian(lambda a: a**3.0, 2.0) == pytest.approx(12.0)
    assert type(ts.jacobian(lambda a: a**3.0, 2.0, mode="forward")) is float
    J = ts.jacobian(lambda a: a.softmax(), np.array([0.1, 0.5, -0.3]), mode="forward")
    p = np.exp([0.1, 0.5, -0.3]) / np.exp([0.1, 0.5, -0.3]).sum()
    np.testing.assert_allclose(J, np.diag(p) - np.outer(p, p), atol=1e-15)
    constant = ts.jacobian(lambda a: ts.Value(np.ones(2), requires_grad=False), np.ones(3))
    assert np.array_equal(constant, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="mode must be 'reverse' or 'forward'"):
        ts.jacobian(lambda a: a, 1.0, mode="sideways")


def test_hessian_matches_finite_differences_of_the_gradient():
    rng = np.random.default_rng(4)
    x, W = rng.standard_normal(3), rng.standard_normal((3, 2))

    def scalar(x, W):
        return _function(x, W).sum()

    blocks = ts.hessian(scalar, [x, W])
    for i in range(2):
        for j in range(2):
            def gradient(*inputs, i=i):
                leaves = [ts.Value(v.data) for v in inputs]
                return ts.Value(ts.grad(scalar(*leaves), leaves[i]))
            numeric = _numeric_jacobian(gradient, [x, W], j)
            np.testing.assert_allclose(blocks[i][j], numeric, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(blocks[0][1], np.moveaxis(blocks[1][0], 2, 0), atol=1e-14)
    assert ts.hessian(lambda a: a**3.0, 2.0) == pytest.approx(12.0)
    with pytest.raises(ShapeError, match="hessian: f must return a scalar"):
        ts.hessian(lambda a: a * 2.0, np.ones(2))


def test_tangents_nudge_w1_through_the_forum_net():
    """Nudge w1 by ε: every node's tangent; J's equals ∂J/∂w1 from backward."""
    net = nn.MLP(2, [2, 1], scalar=True,
                 init={"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9, "w5": 0.73, "w6": -0.45})
    a3 = net([0.52, 0.30])
    J = nn.binary_cross_entropy(a3, 1.0)
    w = dict(net.named_parameters())
    moved = ts.tangents(J, {w["w1"]: 1.0})
    by_label = {node.label: tangent for node, tangent in moved.items() if node.label}
    assert set(by_label) == {"w1", "z1", "a1", "z3", "a3", "J"}  # only unit 1's path moves
    assert by_label["z1"] == pytest.approx(0.52)             # ∂z1/∂w1 = x1
    J.backward()
    assert moved[J] == pytest.approx(w["w1"].grad, rel=1e-12)
    assert moved[J] == pytest.approx(-0.03531, abs=5e-6)


def test_tangents_refuse_bad_seeds():
    x = ts.Value(np.ones(2))
    y = (x * 2.0).sum()
    with pytest.raises(TypeError, match="keyed by Values"):
        ts.tangents(y, {"x": 1.0})
    with pytest.raises(ShapeError, match=r"has shape \(\)"):
        ts.tangents(y, {x: 1.0})


def test_an_op_without_forward_rules_says_how_to_add_them():
    op = ts.custom_op("twice", lambda x: 2 * x, [lambda grad, out, x: 2 * grad], ["2"])
    with pytest.raises(NotImplementedError, match=r"twice has no forward-mode rule.*jvp="):
        ts.jvp(op, (1.0,), (1.0,))
    assert ts.jacobian(op, 1.0) == 2.0  # reverse mode needs only the backward rules


def test_tangents_move_from_a_constant_too():
    """Nudging a net's input (a constant) moves the output: forward mode needs no gradient."""
    x = ts.Value(0.5, label="x", requires_grad=False)
    y = (x * 3.0).tanh()
    moved = ts.tangents(y, {x: 1.0})
    assert moved[y] == pytest.approx(3 * (1 - np.tanh(1.5) ** 2))
