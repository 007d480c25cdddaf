"""Every op against PyTorch, an independent autodiff engine (runs when torch is installed).

Each graph built from the op cases is replayed node by node in torch, float64, and the
values and leaf gradients must agree. Install the oracle with `pip install torch==2.13.0`.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_cases import CASES, examples_per_op

import tinygrad_sym as ts
from tinygrad_sym import ops

torch = pytest.importorskip("torch")


def _dims(a, axis):
    return tuple(range(a.ndim)) if axis is None else axis


def _reduce(function):
    def reduce(a, axis=None, keepdims=False):
        dims = _dims(a, axis)
        return function(a, dim=dims, keepdim=keepdims) if a.ndim else a

    return reduce


def _scatter(grad, shape, index):
    out = torch.zeros(shape, dtype=grad.dtype)
    if isinstance(index, np.ndarray):
        return out.index_put((torch.from_numpy(index),), grad, accumulate=True)
    out = out.clone()
    out[index] = grad
    return out


def _index(a, index):
    return a[torch.from_numpy(index)] if isinstance(index, np.ndarray) else a[index]


def _softplus_bce(z, y):
    return (torch.nn.functional.softplus(z) - z * y).mean()


TORCH = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "neg": lambda a: -a,
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "where": lambda a, b, condition: torch.where(torch.as_tensor(condition), a, b),
    "sum": _reduce(torch.sum),
    "mean": _reduce(torch.mean),
    "max": _reduce(torch.amax),
    "reshape": lambda a, shape: a.reshape(shape),
    "transpose": lambda a, axes=None: a.permute(axes or tuple(reversed(range(a.ndim)))),
    "broadcast_to": lambda a, shape: a.broadcast_to(shape),
    "getitem": _index,
    "scatter": _scatter,
    "matmul": torch.matmul,
    "affine": lambda x, weight, bias: x @ weight + bias,
    "softmax": lambda a, axis=-1: torch.softmax(a, dim=axis),
    "log_softmax": lambda a, axis=-1: torch.log_softmax(a, dim=axis),
    "stack": lambda *xs, axis=0: torch.stack(xs, dim=axis),
    "concatenate": lambda *xs, axis=0: torch.cat(xs, dim=axis),
    "weighted_sum": lambda *xs: xs[-1] + sum(
        w * x for w, x in zip(xs[0:-1:2], xs[1:-1:2], strict=True)),
    "binary_cross_entropy": lambda p, y: -(y * torch.log(p) + (1 - y) * torch.log(1 - p)),
    "bce_with_logits": _softplus_bce,
}


def test_every_op_has_a_torch_twin():
    assert set(TORCH) == set(ops.TABLE)


def replay_in_torch(root):
    """Recompute every node of `root`'s graph with torch; returns node → tensor."""
    tensors = {}
    for node in ts.topological_order(root):
        if node.op is None:
            data = torch.tensor(np.asarray(node.data, dtype=np.float64))
            tensors[node] = data.requires_grad_(node.requires_grad)
        else:
            args = [tensors[parent] for parent in node.parents]
            tensors[node] = TORCH[node.op.name](*args, **(node.attrs or {}))
    return tensors


@pytest.mark.parametrize("name", sorted(ops.TABLE))
@settings(max_examples=examples_per_op(4, 10))  # 10; test_fuzz against PyTorch: 10 more
@given(data=st.data())
def test_values_and_gradients_agree_with_torch(name, data):
    fn, inputs = data.draw(CASES[name])
    leaves = [ts.Value(np.asarray(x, dtype=np.float64)) for x in inputs]
    root = fn(*leaves)
    seed = np.random.default_rng(0).standard_normal(root.shape)
    root.backward(seed)
    tensors = replay_in_torch(root)
    np.testing.assert_allclose(root.data, tensors[root].detach().numpy(), rtol=1e-10, atol=1e-12)
    tensors[root].backward(torch.from_numpy(np.asarray(seed)))
    for leaf in leaves:
        expected = tensors[leaf].grad
        expected = np.zeros(leaf.shape) if expected is None else expected.numpy()
        np.testing.assert_allclose(leaf.grad, expected, rtol=1e-9, atol=1e-12)
