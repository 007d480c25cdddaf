"""nn layers and nets: the course's names, the two granularities, conversions and state."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.errors import ShapeError

COURSE_START = {"w1": 0.1, "w2": -0.2, "w3": 0.3, "w4": 0.4, "w5": -0.5, "w6": 0.6,
                "b1": 0.01, "b2": -0.02, "b3": 0.03}


def test_scalar_net_names_weights_like_the_course():
    net = nn.MLP(2, [2, 1], scalar=True)
    names = [name for name, _ in net.named_parameters()]
    assert sorted(names) == sorted(["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"])
    params = dict(net.named_parameters())
    assert all(params[name].label == name for name in names)
    assert params["w3"].group == ("layer 1", "unit 2")
    assert params["b3"].group == ("layer 2", "unit 3")
    assert params["w6"].group == ("layer 2", "unit 3")


def test_scalar_forward_is_the_course_formula():
    """z2 = w3·x1 + w4·x2 + b2 and a3 = σ(w5·a1 + w6·a2 + b3), from the weights' values."""
    net = nn.MLP(2, [2, 1], init=COURSE_START, scalar=True)
    x1, x2 = 1.5, -0.5
    a3 = net([x1, x2])
    sigmoid = lambda z: 1 / (1 + math.exp(-z))
    a1 = sigmoid(0.1 * x1 - 0.2 * x2 + 0.01)
    a2 = sigmoid(0.3 * x1 + 0.4 * x2 - 0.02)
    assert a3.data == pytest.approx(sigmoid(-0.5 * a1 + 0.6 * a2 + 0.03), rel=1e-12)
    assert a3.label == "a3" and a3.group == ("layer 2", "unit 3")
    z3 = a3.parents[0]
    assert z3.label == "z3" and z3.op is ts.ops.WEIGHTED_SUM
    names = [ts.value.describe(parent) for parent in z3.parents]
    assert names == ["w5", "a1", "w6", "a2", "b3"]
    z1 = z3.parents[1].parents[0]
    x_nodes = [z1.parents[1], z1.parents[3]]
    assert [x.label for x in x_nodes] == ["x1", "x2"]
    assert all(not x.requires_grad for x in x_nodes)
    assert ts.local_derivative(z1, 0).formula == "x1"  # ∂z1/∂w1 = x1


def test_hand_derived_gradient_of_w1():
    """∂J/∂w1 = (a3 − y)·w5·a1(1 − a1)·x1 for a sigmoid output and cross-entropy."""
    net = nn.MLP(2, [2, 1], init=COURSE_START, scalar=True)
    x, y = [0.8, -1.2], 1.0
    J = nn.binary_cross_entropy(net(x), y)
    J.backward()
    a1 = 1 / (1 + math.exp(-(0.1 * x[0] - 0.2 * x[1] + 0.01)))
    a3 = J.parents[0].data
    params = dict(net.named_parameters())
    assert params["w1"].grad == pytest.approx((a3 - y) * -0.5 * a1 * (1 - a1) * x[0], rel=1e-9)
    assert params["w5"].grad == pytest.approx((a3 - y) * a1, rel=1e-9)


def test_tensor_net_has_one_matrix_per_layer():
    net = nn.MLP(2, [3, 1])
    (n1, W1), (n2, b1), (n3, W2), (n4, b2) = net.named_parameters()
    assert (n1, n2, n3, n4) == ("W1", "b1", "W2", "b2")
    assert W1.shape == (2, 3) and b1.shape == (3,) and W2.shape == (3, 1) and b2.shape == (1,)
    assert W1.group == ("layer 1",) and b2.group == ("layer 2",)
    out = net(np.ones((5, 2)))
    assert out.shape == (5, 1) and out.label == "A2"


def test_scalar_and_tensor_weights_correspond():
    """w3 is unit 2's weight on x1: column 2, row 1 of W1."""
    net = nn.MLP(2, [2, 1], init=COURSE_START)
    W1 = net.layers[0].W.data
    assert W1[0, 1] == 0.3 and W1[1, 1] == 0.4 and net.locate("w3") == ("W1", (0, 1))
    assert net.locate("b3") == ("b2", (0,))
    twin = net.to_scalar()
    assert dict(twin.named_parameters())["w3"].data == 0.3


@st.composite
def nets(draw):
    nin = draw(st.integers(1, 3))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    activation = draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"]))
    output = draw(st.sampled_from(["sigmoid", "linear", "softmax"]))
    seed = draw(st.integers(0, 2**16))
    return nin, sizes, activation, output, seed


@given(nets(), st.integers(1, 3))
def test_scalar_twin_gives_the_same_outputs_and_gradients(spec, count):
    nin, sizes, activation, output, seed = spec
    ts.manual_seed(seed)
    net = nn.MLP(nin, sizes, activation=activation, output_activation=output)
    twin = net.to_scalar()
    X = ts.seeding.rng().normal(size=(count, nin))
    targets = ts.seeding.rng().normal(size=(count, sizes[-1]))
    tensor_out = nn.predict(net, X)
    scalar_out = nn.predict(twin, X)
    np.testing.assert_allclose(scalar_out, tensor_out, rtol=1e-10, atol=1e-12)
    nn.cost(net, X, targets, nn.mse).backward()
    nn.cost(twin, X, targets, nn.mse).backward()
    tensor_grads = dict(net.named_parameters())
    for name, parameter in twin.named_parameters():
        tensor, index = net.locate(name)
        assert parameter.grad == pytest.approx(tensor_grads[tensor].grad[index], rel=1e-8,
                                               abs=1e-12)
    back = twin.to_tensor()
    for (name, a), (_, b) in zip(net.named_parameters(), back.named_parameters(), strict=True):
        assert np.array_equal(a.data, b.data), name


def test_twins_are_copies_not_views():
    net = nn.MLP(2, [2, 1])
    twin = net.to_scalar()
    dict(twin.named_parameters())["w1"].data = 42.0
    assert net.layers[0].W.data[0, 0] != 42.0


def test_same_seed_same_numbers_at_both_granularities():
    ts.manual_seed(7)
    scalar = nn.MLP(2, [3, 1], scalar=True)
    ts.manual_seed(7)
    tensor = nn.MLP(2, [3, 1])
    for name, parameter in scalar.named_parameters():
        tensor_name, index = tensor.locate(name)
        assert parameter.data == tensor.state_dict()[tensor_name][index]


def test_state_dict_round_trip_across_granularities():
    ts.manual_seed(1)
    source = nn.MLP(2, [3, 1])
    target = nn.MLP(2, [3, 1], scalar=True)
    target.load_state_dict(source.state_dict())  # tensor names into a scalar net
    back = nn.MLP(2, [3, 1])
    back.load_state_dict(target.state_dict())  # scalar names into a tensor net
    for name, value in source.state_dict().items():
        assert np.array_equal(back.state_dict()[name], value)
    W = back.layers[0].W.data
    back.load_state_dict(source.state_dict())
    assert back.layers[0].W.data is W  # loaded in place


def test_load_state_dict_refuses_wrong_names():
    net = nn.MLP(2, [2, 1])
    with pytest.raises(ValueError, match="neither"):
        net.load_state_dict({"W1": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="shape"):
        net.load_state_dict({**net.state_dict(), "W1": np.zeros((3, 2))})


def test_sequential_numbers_its_layers_as_one_net():
    net = nn.Sequential(nn.Dense(2, 2, scalar=True), nn.Dense(2, 1, scalar=True))
    assert [name for name, _ in net.layers[1].named_parameters()] == ["w5", "w6", "b3"]
    assert net([1.0, 2.0]).label == "a3"
    tensors = nn.Sequential(nn.Dense(2, 4, "relu"), nn.Dense(4, 1))
    assert [name for name, _ in tensors.named_parameters()] == ["W1", "b1", "W2", "b2"]


def test_dense_alone():
    layer = nn.Dense(3, 2, activation="tanh", init=0.5)
    out = layer(np.ones((4, 3)))
    np.testing.assert_allclose(out.data, np.tanh(np.full((4, 2), 2.0)))
    assert [a.label for a in layer.to_scalar()([1.0, 1.0, 1.0])] == ["a1", "a2"]


def test_softmax_output_at_both_granularities():
    ts.manual_seed(3)
    net = nn.MLP(2, [4], activation="softmax")
    probabilities = nn.predict(net, np.array([[0.3, -1.0]]))
    assert probabilities.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(nn.predict(net.to_scalar(), np.array([[0.3, -1.0]])),
                               probabilities, rtol=1e-12)


def test_clear_errors():
    with pytest.raises(ValueError, match="unknown activation"):
        nn.MLP(2, [1], activation="swish")
    with pytest.raises(ShapeError, match="one example"):
        nn.MLP(2, [1], scalar=True)(np.ones((3, 2)))
    with pytest.raises(ShapeError, match="2 inputs"):
        nn.MLP(2, [1], scalar=True)([1.0, 2.0, 3.0])
    with pytest.raises(ShapeError, match="layer 2 takes 3 inputs"):
        nn.Sequential(nn.Dense(2, 2), nn.Dense(3, 1))
    with pytest.raises(ShapeError, match="matmul"):
        nn.MLP(2, [1])(np.ones((4, 3)))


def test_zero_grad_resets_every_parameter():
    net = nn.MLP(2, [2, 1], scalar=True)
    nn.cost(net, np.ones((2, 2)), np.ones((2, 1))).backward()
    assert any(p.grad != 0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())


def test_scalar_net_runs_on_python_floats():
    """numpy rows fed to a scalar net become Python floats: the engine's fast path."""
    net = nn.MLP(2, [2, 1], scalar=True)
    a3 = net(np.array([1.0, 2.0], dtype=np.float32))
    nodes = ts.topological_order(a3)
    assert all(type(node.data) is float for node in nodes)


def test_dense_picks_its_granularity_class_however_scalar_is_passed():
    assert isinstance(nn.Dense(2, 3, scalar=True), nn.ScalarDense)
    assert isinstance(nn.Dense(2, 3, "relu", None, True), nn.ScalarDense)
    tensor = nn.Dense(2, 3)
    assert isinstance(tensor, nn.TensorDense) and isinstance(tensor, nn.Dense)
    assert isinstance(tensor.to_scalar(), nn.ScalarDense)
    assert isinstance(tensor.to_scalar().to_tensor(), nn.TensorDense)
    np.testing.assert_array_equal(tensor.to_scalar().weight_matrix(), tensor.weight_matrix())
