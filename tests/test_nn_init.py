"""Initialisation schemes, explicit and tied values, and seeds."""

import math

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn


def test_glorot_uniform_matches_keras_definition():
    """U(−limit, limit), limit = √(6/(fan_in + fan_out)): the variance is limit²/3."""
    ts.manual_seed(0)
    layer = nn.Dense(300, 200)
    W = layer.W.data
    limit = math.sqrt(6 / 500)
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.99 * limit
    assert W.var() == pytest.approx(limit**2 / 3, rel=0.02)
    assert np.all(layer.b.data == 0)


def test_zeros_and_constant():
    assert all(np.all(p.data == 0) for p in nn.MLP(2, [3, 1], init="zeros").parameters())
    assert all(p.data == 0.25 for p in nn.MLP(2, [2, 1], init=0.25, scalar=True).parameters())


def test_explicit_values_in_one_call_others_random():
    ts.manual_seed(0)
    values = {"w1": 0.2, "w3": 0.2, "w2": -0.3, "w4": -0.3, "w5": 0.5, "w6": 0.5}
    net = nn.MLP(2, [2, 1], init=values, scalar=True)
    params = {name: p.data for name, p in net.named_parameters()}
    assert {name: params[name] for name in values} == values
    assert params["b1"] == params["b2"] == params["b3"] == 0.0
    ts.manual_seed(0)
    bigger = nn.MLP(2, [3, 1], init={"w1": 1.0})
    W1 = bigger.layers[0].W.data
    assert W1[0, 0] == 1.0 and len(np.unique(W1)) == 6  # the rest stays random


def test_explicit_tensor_values():
    W1 = np.arange(6.0).reshape(2, 3)
    net = nn.MLP(2, [3, 1], init={"W1": W1, "b2": np.array([0.5])})
    assert np.array_equal(net.layers[0].W.data, W1)
    assert net.layers[1].b.data[0] == 0.5


def test_tied_draws_random_then_copies():
    ts.manual_seed(4)
    net = nn.MLP(2, [2, 1], init=nn.Tied(("w1", "w3"), ("w2", "w4"), ("w5", "w6")), scalar=True)
    p = {name: v.data for name, v in net.named_parameters()}
    assert p["w1"] == p["w3"] and p["w2"] == p["w4"] and p["w5"] == p["w6"]
    assert len({p["w1"], p["w2"], p["w5"]}) == 3


def test_unknown_name_lists_the_real_ones():
    with pytest.raises(ValueError, match=r"w9.*w1, w2, w3, w4, b1, b2, w5, w6, b3.*W1, b1, W2, b2"):
        nn.MLP(2, [2, 1], init={"w9": 1.0})
    with pytest.raises(ValueError, match="unknown init"):
        nn.MLP(2, [2, 1], init="he")
    with pytest.raises(ValueError, match="shape"):
        nn.MLP(2, [2, 1], init={"W1": np.zeros((3, 3))})


def test_seed_reproduces_and_different_seeds_differ():
    def state(seed):
        ts.manual_seed(seed)
        return nn.MLP(2, [3, 1]).state_dict()["W1"]

    assert np.array_equal(state(5), state(5))
    assert not np.array_equal(state(5), state(6))


def test_dtype_float32_kept():
    net = nn.MLP(2, [3, 1], dtype=np.float32)
    assert all(p.data.dtype == np.float32 for p in net.parameters())
    assert net(np.ones((4, 2), dtype=np.float32)).dtype == np.float32
