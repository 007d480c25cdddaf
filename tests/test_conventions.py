"""Numbers that agree with themselves and with PyTorch at the edges, and Values that copy,
pickle and test for truth the way numpy and PyTorch users expect."""

import copy
import math
import pickle

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn


def gradients(function, *data):
    """The gradients of function(*leaves) (summed if it is a tensor) for Values of `data`."""
    leaves = [ts.Value(x) for x in data]
    out = function(*leaves)
    (out.sum() if out.shape else out).backward()
    return [leaf.grad for leaf in leaves]


# ------------------------------------------------------------------------- the kinks


def test_abs_has_slope_0_at_0_for_python_floats_and_arrays_alike():
    assert gradients(abs, 0.0) == [0.0]
    assert gradients(abs, -0.0) == [0.0]
    assert gradients(abs, np.array([-2.0, 0.0, 3.0]))[0].tolist() == [-1.0, 0.0, 1.0]
    assert gradients(lambda x: x.abs(), 0.0) == [0.0]


def test_an_l1_penalty_from_zeros_keeps_a_scalar_twin_and_its_tensor_net_together():
    scalar = [ts.Value(0.0), ts.Value(0.0)]
    tensor = ts.Value(np.zeros(2))
    (abs(scalar[0]) + abs(scalar[1]) + scalar[0] * 0.5).backward()
    (tensor.abs().sum() + tensor[0] * 0.5).backward()
    assert [w.grad for w in scalar] == tensor.grad.tolist() == [0.5, 0.0]


@pytest.mark.parametrize("base, exponent, d_base, d_exponent", [
    (0.0, 0.0, 0.0, 0.0),        # 0^0 = 1: flat in both
    (0.0, 0.5, math.inf, 0.0),   # √0: infinite slope in the base, as PyTorch
    (0.0, math.e, 0.0, 0.0),
    (0.0, 2.0, 0.0, 0.0),
    (0.0, 1.0, 1.0, 0.0),
    (0.0, -1.0, -math.inf, -math.inf),
    (2.0, 0.0, 0.0, math.log(2.0)),
])
def test_powers_of_zero_have_pytorchs_gradients_not_nan(base, exponent, d_base, d_exponent):
    with np.errstate(all="ignore"):
        scalar = gradients(lambda a, b: a**b, base, exponent)
        array = gradients(lambda a, b: a**b, np.array([base]), np.array([exponent]))
    assert scalar == [d_base, d_exponent]
    assert [float(g[0]) for g in array] == [d_base, d_exponent]


def test_a_power_of_zero_keeps_its_true_second_derivative_away_from_zero():
    """∂/∂b (b·a^(b−1)) at b = 0 is 1/a: the mask at a = 0 must not zero it elsewhere."""
    a, b = ts.Value(2.0), ts.Value(0.0)
    (first,) = ts.grad(a**b, [a], create_graph=True)
    assert ts.grad(first, b) == pytest.approx(0.5)


def test_relu_passes_no_gradient_where_it_is_flat_even_an_infinite_one():
    x = ts.Value(np.array([-1.0, 0.0, 2.0]))
    with np.errstate(divide="ignore"):
        x.relu().log().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.5]
    s = ts.Value(-1.0)
    with np.errstate(divide="ignore"):
        s.relu().log().backward()
    assert s.grad == 0.0
    # NaN where relu is flat is stopped too; huge finite gradients pass unchanged
    y = ts.Value(np.array([-1.0, 3.0, 2.0]))
    y.relu().backward(np.array([np.nan, 1e300, -1e300]))
    assert y.grad.tolist() == [0.0, 1e300, -1e300]


# --------------------------------------------------------------------------- dtypes


def test_a_float32_leaf_met_with_float64_data_gets_a_float32_gradient():
    w = ts.Value(np.ones(3, np.float32))
    (w * np.arange(3.0)).sum().backward()
    assert w.grad.dtype == np.float32 and w.grad.tolist() == [0.0, 1.0, 2.0]
    assert ts.grad((w @ np.ones((3, 2))).sum(), w).dtype == np.float32
    scalar = ts.Value(np.float32(2.0))
    (scalar * np.ones(3)).sum().backward()
    assert np.result_type(scalar.grad) == np.float32


def test_a_float32_net_trains_in_float32():
    model = nn.MLP(2, [3, 1], dtype=np.float32)
    nn.fit(model, np.random.rand(8, 2), np.ones((8, 1)), epochs=2, progress=False)
    assert all(p.data.dtype == np.float32 and p.grad.dtype == np.float32
               for p in model.parameters())


# -------------------------------------------------------------------------- truth


def test_truth_of_a_value_follows_numpy():
    assert bool(ts.Value(2.0)) and not bool(ts.Value(0.0))
    assert not bool(ts.Value(np.array([0.0]))) and bool(ts.Value(np.array([[3.0]])))
    with pytest.raises(ValueError, match=r"3 elements .* ambiguous"):
        bool(ts.Value(np.zeros(3)))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(ts.Value(np.zeros(0)))
    assert int(ts.Value(2.7)) == 2


# ------------------------------------------------------------------ labels, copies, pickles


def test_labels_are_strings():
    with pytest.raises(TypeError, match=r"label must be a string .* not int 3"):
        ts.Value(1.0, label=3)
    w = ts.Value(1.0, label="w")
    with pytest.raises(TypeError, match="label must be a string"):
        w.label = ["w"]
    assert w.label == "w"
    w.label = None
    assert "1" in str(ts.explain(w * 2, w))


def test_a_computed_value_pickles_as_a_constant_holding_its_data():
    w = ts.Value(np.array([1.0, 2.0]), label="w")
    y = w * 2
    y.label = "y"
    restored = pickle.loads(pickle.dumps(y))
    assert restored.op is None and not restored.requires_grad and restored.label == "y"
    assert restored.data.tolist() == [2.0, 4.0]


def test_a_leaf_and_a_net_pickle_with_their_gradients_and_names():
    w = ts.Value(3.0, label="w")
    (w * w).backward()
    restored = pickle.loads(pickle.dumps(w))
    assert (restored.data, restored.grad, restored.label) == (3.0, 6.0, "w")
    model = nn.MLP(2, [2, 1], scalar=True, init={"w1": 0.5})
    twin = pickle.loads(pickle.dumps(model))
    assert twin.state_dict() == model.state_dict()
    assert twin([1.0, 2.0]).data == model([1.0, 2.0]).data


def test_deepcopy_of_a_deep_graph_copies_it_whole_without_recursion():
    x = ts.Value(1.0, label="x")
    y = x
    for _ in range(5000):
        y = y * 1.0001 + 0.0
    twin = copy.deepcopy(y)
    twin.backward()
    leaves = [node for node in ts.topological_order(twin) if node.label == "x"]
    assert len(leaves) == 1 and leaves[0] is not x
    assert leaves[0].grad == pytest.approx(1.0001**5000)
    assert x.grad == 0.0  # the original untouched
    assert pickle.loads(pickle.dumps(y)).data == pytest.approx(y.data)


def test_copy_makes_a_sibling_node_over_the_same_operands():
    x = ts.Value(2.0)
    y = x * 3
    sibling = copy.copy(y)
    assert sibling is not y and sibling.parents == y.parents and sibling.data == y.data
    sibling.backward()
    assert x.grad == 3.0


def test_sigmoid_of_arrays_agrees_with_scalars_far_below_zero():
    """Below −709, e^−x overflows: the array path must not clamp (σ(−745) is 5e−324, not
    1e−308) and must agree with the scalar path down to the smallest floats: bit for bit
    there, within 2 ulp elsewhere (numpy's exp and the C library's may differ in the last
    bit)."""
    xs = [-1e4, -800.0, -745.0, -720.0, -709.5, -709.0, -40.0, -3.0, 0.0, 2.5, 40.0, 800.0]
    arrays = ts.Value(np.array(xs)).sigmoid().data
    scalars = [ts.Value(x).sigmoid().data for x in xs]
    assert arrays[:6].tolist() == scalars[:6]
    np.testing.assert_array_max_ulp(arrays, np.array(scalars), maxulp=2)
    assert scalars[2] == 5e-324 and scalars[1] == 0.0
