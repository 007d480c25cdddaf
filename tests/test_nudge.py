"""ts.nudge: forward mode told node by node, in the explainer's words."""

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn

INIT = {"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9, "w5": 0.73, "w6": -0.45}


def forum_net(x1=0.52, x2=0.30):
    net = nn.MLP(2, [2, 1], scalar=True, init=INIT)
    a3 = net([x1, x2])
    return nn.binary_cross_entropy(a3, 1.0), dict(net.named_parameters())


def test_nudging_w1_follows_unit_1_up_to_j_and_agrees_with_backward():
    J, w = forum_net()
    told = ts.nudge(J, w["w1"])
    assert [step.name for step in told.steps] == ["w1", "z1", "a1", "z3", "a3", "J"]
    J.backward()
    assert told.moved == pytest.approx(w["w1"].grad, rel=1e-12) == told.backward
    for step in told.steps[1:]:  # each move is the sum of factor × the input's move
        assert step.moved == pytest.approx(sum(f.value * m for f, m in step.terms), rel=1e-12)
    text = str(told)
    assert "Δz3 = ∂z3/∂a1 · Δa1 = 0.73 · 0.1123 ε = 0.08199 ε     ∂z3/∂a1 = w5" in text
    prose = " ".join(text.split())
    assert "the same number" in prose and "9 leaves that need a gradient" in prose


def test_nudging_an_input_splits_and_meets_again_at_z3():
    x1, x2 = ts.Value(0.52, label="x1"), ts.Value(0.30, label="x2")
    J, _ = forum_net(x1, x2)
    told = ts.nudge(J, x1)
    z3 = next(step for step in told.steps if step.name == "z3")
    assert [factor.parent_name for factor, _ in z3.terms] == ["a1", "a2"]
    assert "Δz3 = ∂z3/∂a1 · Δa1 + ∂z3/∂a2 · Δa2" in str(told)
    assert "(−0.45) · (−0.1499 ε)" in str(told)
    assert told.moved == pytest.approx(ts.grad(J, x1), rel=1e-12)


def test_unlabeled_results_get_short_names_and_a_legend():
    a, b = ts.Value(2.0, label="a"), ts.Value(-3.0, label="b")
    f = (a * b + a).tanh() * a
    text = str(ts.nudge(f, a))
    assert "u1 = a × b" in text and "Δf = ∂f/∂u3 · Δu3 + ∂f/∂a · Δa" in text


def test_a_root_that_does_not_depend_on_the_nudged_leaf():
    a, b = ts.Value(2.0, label="a"), ts.Value(3.0, label="b")
    f = a * 2.0
    f.label = "f"
    told = ts.nudge(f, b)
    assert told.moved == 0.0 and not told.steps
    assert "f does not depend on b" in str(told)


def test_nudge_refuses_tensors_and_constants():
    x = ts.Value(np.ones(3), label="x")
    with pytest.raises(ValueError, match=r"has shape \(3,\); the text follows scalars"):
        ts.nudge(x.sum(), x)
    c = ts.Value(1.0, requires_grad=False)
    with pytest.raises(ValueError, match="is a constant"):
        ts.nudge(c * 2.0, c)
    s = ts.Value(1.0, label="s")
    with pytest.raises(ValueError, match="passes through tensor nodes"):
        ts.nudge((s * np.ones(2)).sum(), s)
