"""Losses: values and gradients against formulas written out by hand."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.errors import ShapeError

probabilities = hnp.arrays(np.float64, st.integers(1, 6).map(lambda n: (n, 1)),
                           elements=st.floats(0.01, 0.99))


@given(probabilities, st.data())
def test_binary_cross_entropy_value_and_gradient(a, data):
    y = data.draw(hnp.arrays(np.float64, a.shape, elements=st.sampled_from([0.0, 1.0])))
    p = ts.Value(a)
    J = nn.binary_cross_entropy(p, y)
    J.backward()
    n = len(a)
    assert J.label == "J"
    assert J.item() == pytest.approx(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))
    np.testing.assert_allclose(p.grad, (a - y) / (a * (1 - a)) / n, rtol=1e-9)
    assert J.parents[0].op is ts.ops.BINARY_CROSS_ENTROPY  # one node per example


@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-30, 30)), st.data())
def test_bce_with_logits_is_bce_of_sigmoid_and_its_gradient(z, data):
    y = data.draw(hnp.arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    logits = ts.Value(z)
    J = nn.bce_with_logits(logits, y)
    J.backward()
    # log σ(z) = −log(1 + e^−z), computed stably with logaddexp
    reference = np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    assert J.item() == pytest.approx(reference, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(logits.grad, (1 / (1 + np.exp(-z)) - y) / len(z), atol=1e-12)


def test_bce_with_logits_stays_finite_far_out():
    J = nn.bce_with_logits(ts.Value(np.array([1000.0, -1000.0])), np.array([0.0, 1.0]))
    assert J.item() == pytest.approx(1000.0)


@given(st.integers(1, 5), st.integers(2, 4), st.integers(0, 2**16))
def test_softmax_cross_entropy_gradient_is_softmax_minus_one_hot(n, classes, seed):
    generator = np.random.default_rng(seed)
    z = generator.normal(size=(n, classes))
    labels = generator.integers(0, classes, size=n)
    logits = ts.Value(z)
    J = nn.softmax_cross_entropy(logits, labels)
    J.backward()
    softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    one_hot = np.eye(classes)[labels]
    assert J.item() == pytest.approx(-np.mean(np.log(softmax[np.arange(n), labels])))
    np.testing.assert_allclose(logits.grad, (softmax - one_hot) / n, atol=1e-12)


def test_softmax_cross_entropy_on_one_scalar_example():
    zs = [ts.Value(v) for v in (0.5, -1.0, 2.0)]
    J = nn.softmax_cross_entropy(zs, 2)
    J.backward()
    softmax = np.exp([0.5, -1.0, 2.0]) / np.exp([0.5, -1.0, 2.0]).sum()
    assert J.item() == pytest.approx(-np.log(softmax[2]))
    assert [z.grad for z in zs] == pytest.approx(softmax - np.eye(3)[2])


def test_mse():
    p = ts.Value(np.array([[1.0], [3.0]]))
    J = nn.mse(p, np.array([[0.0], [1.0]]))
    J.backward()
    assert J.item() == 2.5
    np.testing.assert_allclose(p.grad, [[1.0], [2.0]])


@pytest.mark.parametrize("loss", [nn.mse, nn.binary_cross_entropy, nn.bce_with_logits])
def test_one_output_unit_takes_targets_as_n_or_n_by_1(loss):
    """y of shape (n,) means the same as (n, 1) for a net with one output (no broadcasting
    to n × n), and each loss is the mean over the examples."""
    predictions = np.array([[0.2], [0.7], [0.9]])
    y = np.array([0.0, 1.0, 1.0])
    flat, column = ts.Value(predictions), ts.Value(predictions)
    J_flat, J_column = loss(flat, y), loss(column, y.reshape(3, 1))
    J_flat.backward()
    J_column.backward()
    assert J_flat.item() == J_column.item()
    np.testing.assert_array_equal(flat.grad, column.grad)
    per_example = [loss(ts.Value(p), t).item() for p, t in zip(predictions, y, strict=True)]
    assert J_flat.item() == pytest.approx(np.mean(per_example), rel=1e-12)


def test_shapes_must_match_exactly():
    with pytest.raises(ShapeError, match=r"reshape\(3, 1\)"):
        nn.binary_cross_entropy(ts.Value(np.full((3, 1), 0.5)), np.ones(2))
    with pytest.raises(ShapeError, match=r"reshape\(3, 2\)"):
        nn.mse(ts.Value(np.full((3, 2), 0.5)), np.ones(3))
    with pytest.raises(ValueError, match="labels must lie"):
        nn.softmax_cross_entropy(ts.Value(np.zeros((2, 3))), np.array([0, 3]))
    with pytest.raises(TypeError, match="class indices"):
        nn.softmax_cross_entropy(ts.Value(np.zeros((2, 3))), np.array([0.5, 1.0]))


def test_float32_stays_float32():
    p = ts.Value(np.full((4, 1), 0.3, dtype=np.float32))
    J = nn.binary_cross_entropy(p, np.ones((4, 1)))
    J.backward()
    assert J.dtype == np.float32 and p.grad.dtype == np.float32
