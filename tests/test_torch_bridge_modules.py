"""`nn.MLP.to_torch()` / `nn.MLP.from_torch(module)`: the same net on both sides.

Outputs and gradients agree to float64 rounding (PyTorch's and numpy's kernels differ in
the last bit: measured at most 2 ulp), to float32 precision in float32, and a round trip
gives back the very same numbers.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_support import import_torch

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.bridge import NotAnMLP

torch = import_torch()
F = torch.nn.functional


@st.composite
def mlps(draw, dtype=np.float64):
    nin = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    activation = draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"]))
    output = draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear", "softmax"]))
    ts.manual_seed(draw(st.integers(0, 2**16)))
    net = nn.MLP(nin, sizes, activation=activation, output_activation=output, dtype=dtype)
    rows = draw(st.integers(1, 8))
    X = np.random.default_rng(rows).standard_normal((rows, nin)).astype(dtype)
    return net, X


def outputs_and_gradients(net, module, X):
    """Both nets' outputs and weight gradients under the same squared-error loss."""
    targets = np.linspace(-1, 1, X.shape[0] * net.layers[-1].nout).reshape(X.shape[0], -1)
    ours = net(ts.Value(X, requires_grad=False))
    nn.mse(ours, targets.astype(X.dtype)).backward()
    theirs = module(torch.from_numpy(X))
    F.mse_loss(theirs, torch.from_numpy(targets.astype(X.dtype))).backward()
    linears = [m for m in module if isinstance(m, torch.nn.Linear)]
    gradients = [(layer.W.grad, linear.weight.grad.numpy().T) for layer, linear in
                 zip(net.layers, linears, strict=True)]
    gradients += [(layer.b.grad, linear.bias.grad.numpy()) for layer, linear in
                  zip(net.layers, linears, strict=True)]
    return (ours.data, theirs.detach().numpy()), gradients


@settings(max_examples=40, deadline=None)
@given(mlps())
def test_to_torch_computes_the_same_outputs_and_gradients_float64(case):
    net, X = case
    module = net.to_torch()
    assert all(p.dtype == torch.float64 for p in module.parameters())
    (ours, theirs), gradients = outputs_and_gradients(net, module, X)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-15)
    for mine, pytorch in gradients:
        np.testing.assert_allclose(mine, pytorch, rtol=1e-12, atol=1e-15)


@settings(max_examples=15, deadline=None)
@given(mlps(dtype=np.float32))
def test_float32_nets_agree_to_float32_precision(case):
    net, X = case
    module = net.to_torch()
    assert all(p.dtype == torch.float32 for p in module.parameters())
    (ours, theirs), gradients = outputs_and_gradients(net, module, X)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    for mine, pytorch in gradients:
        np.testing.assert_allclose(mine, pytorch, rtol=1e-4, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(mlps())
def test_the_round_trip_gives_back_the_same_net(case):
    net, X = case
    back = nn.MLP.from_torch(net.to_torch())
    assert type(back) is nn.MLP and repr(back) == repr(net)
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[name], value)
    np.testing.assert_array_equal(back(X).data, net(X).data)


def test_the_architecture_is_the_same():
    net = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid")
    module = net.to_torch()
    assert [type(m).__name__ for m in module] == ["Linear", "Tanh", "Linear", "Sigmoid"]
    assert (module[0].in_features, module[0].out_features) == (2, 3)
    np.testing.assert_array_equal(module[0].weight.detach().numpy(), net.layers[0].W.data.T)
    softmax = nn.MLP(2, [4], output_activation="softmax").to_torch()
    assert isinstance(softmax[1], torch.nn.Softmax) and softmax[1].dim == -1
    assert len(nn.MLP(2, [2, 1], activation="linear").to_torch()) == 2  # no module for linear


def test_a_scalar_net_moves_too_and_comes_back_scalar():
    net = nn.MLP(2, [2, 1], scalar=True, init={"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9,
                                                "w5": 0.73, "w6": -0.45})
    module = net.to_torch()
    assert module[0].weight[1, 0].item() == -0.6  # w3: unit 2's weight on x1
    out = module(torch.tensor([[0.52, 0.30]], dtype=torch.float64))
    assert out.item() == pytest.approx(net([0.52, 0.30]).data, rel=1e-15)
    back = nn.MLP.from_torch(module, scalar=True)
    assert back.scalar and back.state_dict() == net.state_dict()


def test_from_torch_reads_a_sequential_that_pytorch_users_write():
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 3),
                                 torch.nn.ReLU(), torch.nn.Linear(3, 2), torch.nn.Softmax(dim=1))
    net = nn.MLP.from_torch(module)
    assert repr(net) == "MLP(2 → 3 → 3 → 2; relu, relu, softmax; tensor)"
    assert net.layers[0].W.dtype == np.float32  # PyTorch's default dtype, kept
    X = np.random.default_rng(0).standard_normal((5, 2)).astype(np.float32)
    np.testing.assert_allclose(net(X).data, module(torch.from_numpy(X)).detach().numpy(),
                               rtol=1e-6, atol=1e-7)


def test_different_hidden_activations_need_a_sequential():
    module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 3),
                                 torch.nn.Tanh(), torch.nn.Linear(3, 1))
    with pytest.raises(NotAnMLP, match=r"sigmoid, tanh.*nn.Sequential.from_torch"):
        nn.MLP.from_torch(module)
    net = nn.Sequential.from_torch(module)
    assert [layer.activation for layer in net.layers] == ["sigmoid", "tanh", "linear"]
    assert type(net.to_torch()[3]) is torch.nn.Tanh


@pytest.mark.parametrize(("modules", "message"), [
    ([torch.nn.Linear(2, 3), torch.nn.LeakyReLU()], r"module 1 \(LeakyReLU\) is not supported"),
    ([torch.nn.Linear(2, 3, bias=False)], "has no bias"),
    ([torch.nn.Sigmoid(), torch.nn.Linear(2, 3)], r"module 0 \(Sigmoid\) does not follow a Linear"),
    ([torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Sigmoid()], "does not follow a Linear"),
    ([torch.nn.Linear(2, 3), torch.nn.Softmax(dim=0)], "dim=0"),
    ([], "holds no Linear"),
])
def test_what_does_not_fit_is_named(modules, message):
    with pytest.raises(NotAnMLP, match=message):
        nn.MLP.from_torch(torch.nn.Sequential(*modules))


def test_only_a_sequential_is_read():
    with pytest.raises(TypeError, match=r"torch\.nn\.Sequential"):
        nn.MLP.from_torch(torch.nn.Linear(2, 3))
