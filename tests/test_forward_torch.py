"""Jacobians and Hessians against PyTorch's torch.func (jacrev, jacfwd, hessian).

Each graph built from the op cases is replayed in torch (the oracle's twins) as a function
of its inputs, and torch.func differentiates it; both of our modes must agree. Runs when
torch is installed (`pip install torch==2.13.0`).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_cases import CASES, examples_per_op

import tinygrad_sym as ts
from tinygrad_sym import nn

torch = pytest.importorskip("torch", reason="PyTorch is the oracle here: pip install torch==2.13.0")
from test_torch_oracle import TORCH  # noqa: E402
from torch.func import hessian, jacfwd, jacrev  # noqa: E402


def in_torch(fn, inputs):
    """`fn`'s graph, recorded on `inputs`, as a torch function of the input tensors."""
    leaves = [ts.Value(np.asarray(x, dtype=np.float64)) for x in inputs]
    root = fn(*leaves)
    order = ts.topological_order(root)

    def replayed(*tensors):
        values = dict(zip(leaves, tensors, strict=True))
        for node in order:
            if node in values:
                continue
            if node.op is None:
                values[node] = torch.tensor(np.asarray(node.data, dtype=np.float64))
            else:
                args = [values[parent] for parent in node.parents]
                values[node] = TORCH[node.op.name](*args, **(node.attrs or {}))
        return values[root]

    return replayed


def as_numpy(blocks):
    return [block.detach().numpy() for block in blocks]


@pytest.mark.parametrize("name", sorted(ts.ops.TABLE))
# 5 examples: test_forward's adjoint and finite-difference tests check each op's rules more
@settings(max_examples=examples_per_op(8, 5), deadline=None)
@given(data=st.data())
def test_jacobians_agree_with_torch_func(name, data):
    fn, inputs = data.draw(CASES[name])
    inputs = [np.asarray(x, dtype=np.float64) for x in inputs]
    tensors = tuple(torch.tensor(x) for x in inputs)
    replayed = in_torch(fn, inputs)
    argnums = tuple(range(len(inputs)))
    by_torch = {"reverse": as_numpy(jacrev(replayed, argnums=argnums)(*tensors)),
                "forward": as_numpy(jacfwd(replayed, argnums=argnums)(*tensors))}
    for mode, expected in by_torch.items():
        ours = ts.jacobian(fn, inputs, mode=mode)
        for block, theirs in zip(ours, expected, strict=True):
            np.testing.assert_allclose(block, theirs, rtol=1e-9, atol=1e-12)


def _scalar_net(x, W1, b1, W2, b2):
    """A 3→4→2 tanh net and a softmax cross-entropy: every kind of op a net uses."""
    hidden = (x @ W1 + b1).tanh()
    return -(hidden @ W2 + b2).log_softmax(axis=-1)[..., 0].mean()


def test_hessian_of_a_net_agrees_with_torch_func():
    rng = np.random.default_rng(7)
    inputs = [rng.standard_normal(s) for s in [(5, 3), (3, 4), (4,), (4, 2), (2,)]]
    ours = ts.hessian(_scalar_net, inputs)
    tensors = tuple(torch.tensor(x) for x in inputs)
    theirs = hessian(in_torch(_scalar_net, inputs), argnums=tuple(range(5)))(*tensors)
    for i in range(5):
        for j in range(5):
            np.testing.assert_allclose(ours[i][j], theirs[i][j].numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "exp", "log_softmax", "softmax", "matmul",
                                  "pow", "div", "bce_with_logits", "binary_cross_entropy"])
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_hessians_of_ops_agree_with_torch_func(name, data):
    fn, inputs = data.draw(CASES[name])
    inputs = [np.asarray(x, dtype=np.float64) for x in inputs]

    def scalar(*xs):
        return (fn(*xs) ** 2.0).sum()

    ours = ts.hessian(scalar, inputs)
    tensors = tuple(torch.tensor(x) for x in inputs)
    theirs = hessian(in_torch(scalar, inputs), argnums=tuple(range(len(inputs))))(*tensors)
    for i in range(len(inputs)):
        for j in range(len(inputs)):
            np.testing.assert_allclose(ours[i][j], theirs[i][j].numpy(), rtol=1e-8, atol=1e-10)


def test_the_forum_net_jacobian_of_its_outputs_agrees_with_torch():
    net = nn.MLP(2, [2, 1])
    W1, b1, W2, b2 = (p.data for p in net.parameters())
    X = np.array([[0.52, 0.30], [0.1, -0.7], [1.5, 0.2]])

    def forward(W1, b1, W2, b2):
        return ((X @ W1 + b1).sigmoid() @ W2 + b2).sigmoid()

    ours = ts.jacobian(forward, [W1, b1, W2, b2], mode="forward")
    tensors = tuple(torch.tensor(x) for x in (W1, b1, W2, b2))
    theirs = jacfwd(in_torch(forward, [W1, b1, W2, b2]), argnums=(0, 1, 2, 3))(*tensors)
    for block, expected in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(block, expected.numpy(), rtol=1e-10, atol=1e-14)
