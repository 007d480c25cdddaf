"""Optimizers against textbook updates written out here, on arrays and on Python floats."""

import math

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn


def _set_grads(parameters, grads):
    for parameter, grad in zip(parameters, grads, strict=True):
        parameter.grad = grad


def test_sgd_is_p_minus_lr_grad():
    array, scalar = ts.Value(np.array([1.0, 2.0])), ts.Value(3.0)
    optimizer = nn.SGD([array, scalar], lr=0.1)
    _set_grads([array, scalar], [np.array([0.5, -1.0]), 2.0])
    optimizer.step()
    np.testing.assert_allclose(array.data, [0.95, 2.1])
    assert scalar.data == pytest.approx(2.8) and type(scalar.data) is float


def test_sgd_momentum_accumulates_velocity():
    p = ts.Value(1.0)
    optimizer = nn.SGD([p], lr=0.1, momentum=0.9)
    for grad in (1.0, 1.0, -2.0):
        p.grad = grad
        optimizer.step()
    # v1 = 1, v2 = 0.9 + 1 = 1.9, v3 = 1.71 − 2 = −0.29; p = 1 − 0.1·(1 + 1.9 − 0.29)
    assert p.data == pytest.approx(1 - 0.1 * (1 + 1.9 - 0.29))


def _reference_adam(grads, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, start=0.5):
    """Kingma & Ba, Algorithm 1, one scalar."""
    p, m, v = start, 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        p = p - lr * m_hat / (math.sqrt(v_hat) + eps)
    return p


def test_adam_matches_the_paper_on_floats_and_arrays():
    grads = [0.3, -0.1, 0.05, 2.0, -0.7]
    scalar = ts.Value(0.5)
    array = ts.Value(np.full(3, 0.5))
    optimizer = nn.Adam([scalar, array], lr=0.01)
    for g in grads:
        _set_grads([scalar, array], [g, np.full(3, g)])
        optimizer.step()
    expected = _reference_adam(grads)
    assert scalar.data == pytest.approx(expected, rel=1e-12) and type(scalar.data) is float
    np.testing.assert_allclose(array.data, expected, rtol=1e-12)


def test_updates_in_place_and_keep_float32():
    p = ts.Value(np.ones(4, dtype=np.float32))
    data = p.data
    for optimizer in (nn.SGD([p], lr=0.1, momentum=0.9), nn.Adam([p])):
        for _ in range(2):
            p.grad = np.full(4, 0.5, dtype=np.float32)
            optimizer.step()
    assert p.data is data and p.data.dtype == np.float32


def test_zero_grad_and_no_graph_recorded():
    net = nn.MLP(2, [2, 1])
    optimizer = nn.Adam(net.parameters())
    nn.cost(net, np.ones((3, 2)), np.ones((3, 1))).backward()
    optimizer.step()
    assert all(p.op is None and p.parents == () for p in net.parameters())
    optimizer.zero_grad()
    assert all(np.all(p.grad == 0) for p in net.parameters())


def test_no_parameters_is_an_error():
    with pytest.raises(ValueError, match="no parameters"):
        nn.SGD([], lr=0.1)
