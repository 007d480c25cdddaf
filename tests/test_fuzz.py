"""Fuzzing: random graphs over the whole op table, checked three ways.

`strategies.graphs()` composes every op of the table into random graphs (tensors of 0 to
3 axes, broadcasting, reductions with axis and keepdims, repeated indices, matmul,
stacking …). Each test starts its graphs with each op in turn, so every op is fuzzed:

* smooth graphs (operands kept away from kinks, ties and domain edges): value, gradient
  and grad of grad against central finite differences, in float64;
* the same graphs in float32: every node and gradient stays float32, and agrees with
  float64; float32 leaves mixed with float64 constants still get float32 gradients;
* graphs with kinks and ties on purpose (abs, relu and max at 0 and at ties, powers of 0):
  the scalar fast path and the array path agree, and — when PyTorch is installed — values,
  gradients and grad of grad agree with PyTorch's conventions.

The number of examples follows the hypothesis profile (`HYPOTHESIS_PROFILE=thorough` for
long runs): `EXAMPLES` per op and test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_sym as ts
from tinygrad_sym import ops
from tinygrad_sym.testing import gradcheck, gradgradcheck
from tinygrad_sym.testing import strategies as tst

EXAMPLES = max(3, settings.default.max_examples // 8)
"""Examples per op and test: 5 with the default profile, 62 with `thorough`."""

SCALAR_OPS = (*tst.ELEMENTWISE, "add", "sub", "mul", "div", "pow")
"""The ops that run on Python floats (the scalar fast path) as well as on arrays."""


def _seed_for(value: ts.Value) -> object:
    """A fixed random seed gradient of `value`'s shape (a float for a scalar)."""
    seed = np.random.default_rng(1).standard_normal(value.shape)
    return seed if value.shape else float(seed)


def test_the_fuzz_covers_every_op_of_the_table():
    built_in = {op.name for op in vars(ops).values() if isinstance(op, ops.Op)}
    assert built_in <= set(tst.FUZZED)


@pytest.mark.parametrize("name", tst.FUZZED)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_gradients_and_grad_of_grad_match_finite_differences(name, data):
    expression = data.draw(tst.graphs(start_with=name))
    assert gradcheck(expression, expression.inputs)
    assert gradgradcheck(expression, expression.inputs)


@pytest.mark.parametrize("name", tst.FUZZED)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_float32_graphs_stay_float32_and_agree_with_float64(name, data):
    expression = data.draw(tst.graphs(start_with=name))
    wide = expression.leaves()
    narrow = expression.cast(np.float32).leaves()
    root, root32 = expression(*wide), expression.cast(np.float32)(*narrow)
    root.backward(_seed_for(root))
    root32.backward(_seed_for(root32))
    for node in ts.topological_order(root32):
        assert node.dtype == np.float32, node
    scale = 1 + np.max(np.abs(root.data))
    np.testing.assert_allclose(root32.data, root.data, rtol=2e-3, atol=2e-4 * scale)
    for leaf, leaf32 in zip(wide, narrow, strict=True):
        assert np.result_type(leaf32.grad) == np.float32
        scale = 1 + np.max(np.abs(leaf.grad))
        np.testing.assert_allclose(leaf32.grad, leaf.grad, rtol=2e-3, atol=2e-3 * scale)
    # float32 leaves with float64 constants: numpy promotes the data, the gradients do not
    mixed = [ts.Value(np.asarray(x, np.float32)) for x in expression.inputs]
    out = expression(*mixed)
    out.backward(_seed_for(out))
    assert all(np.result_type(leaf.grad) == np.float32 for leaf in mixed)


@settings(max_examples=4 * EXAMPLES)
@given(tst.graphs(smooth=False, names=SCALAR_OPS, max_dims=0, max_steps=8))
def test_scalar_fast_path_and_arrays_agree_at_kinks(expression):
    """abs'(0), relu'(0), powers of 0 …: one convention for Python floats and for arrays."""
    scalars = expression.leaves()
    arrays = [ts.Value(np.array([x])) for x in expression.inputs]
    with np.errstate(all="ignore"):
        root, twin = expression(*scalars), expression(*arrays)
        if not root.requires_grad:
            return
        root.backward()
        twin.backward(np.ones(twin.shape))
    np.testing.assert_allclose(np.reshape(twin.data, ()), root.data, rtol=1e-12)
    for scalar, array in zip(scalars, arrays, strict=True):
        np.testing.assert_allclose(array.grad.reshape(()), scalar.grad, rtol=1e-12, atol=0)


def _gradients(root, leaves, seed, directions):
    """The leaves' gradients of root·seed, and of Σ gradient·direction (grad of grad)."""
    first = ts.grad(root, leaves, grad_output=seed, create_graph=True)
    total = ts.Value(0.0, requires_grad=False)
    for gradient, direction in zip(first, directions, strict=True):
        total = total + (gradient * direction).sum()
    second = ts.grad(total, leaves) if total.requires_grad else [
        np.zeros(leaf.shape) for leaf in leaves]
    return [np.asarray(g.data) for g in first], [np.asarray(g) for g in second]


def _torch_gradients(torch, tensors, root, leaves, seed, directions):
    """The same two gradients computed by PyTorch."""
    inputs = [tensors[leaf] if leaf in tensors else  # a leaf the output does not use
              torch.tensor(np.asarray(leaf.data), requires_grad=True) for leaf in leaves]
    output = tensors[root]
    first = torch.autograd.grad(output, inputs, torch.as_tensor(np.asarray(seed)),
                                create_graph=True, allow_unused=True)
    first = [torch.zeros_like(x) if g is None else g for x, g in zip(inputs, first, strict=True)]
    total = sum((g * torch.as_tensor(d)).sum() for g, d in zip(first, directions, strict=True))
    if not total.requires_grad:
        second = [torch.zeros_like(x) for x in inputs]
    else:
        second = torch.autograd.grad(total, inputs, allow_unused=True)
        second = [torch.zeros_like(x) if g is None else g
                  for x, g in zip(inputs, second, strict=True)]
    return ([g.detach().numpy(force=True) for g in first],
            [g.detach().numpy(force=True) for g in second])


def _zero_exponent(root: ts.Value) -> bool:
    """True if a power in the graph has an exponent of 0 somewhere: there PyTorch's second
    derivative ∂/∂b (b·a^(b−1)) is 0 (its rule masks the whole first derivative where b = 0),
    while the true one, a^(−1), is what ours gives and finite differences confirm."""
    return any(node.op is ops.POW and np.any(np.asarray(node.parents[1].data) == 0)
               for node in ts.topological_order(root))


@pytest.fixture(scope="module")
def oracle():
    """PyTorch and the replay of a graph in it (imported only when this test runs)."""
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle: pip install torch==2.13.0")
    from test_torch_oracle import replay_in_torch

    return torch, replay_in_torch


@pytest.mark.parametrize("smooth", [True, False], ids=["smooth", "kinks"])
@pytest.mark.parametrize("name", tst.FUZZED)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_values_gradients_and_grad_of_grad_agree_with_pytorch(oracle, name, smooth, data):
    torch, replay_in_torch = oracle
    expression = data.draw(tst.graphs(start_with=name, smooth=smooth))
    leaves = expression.leaves()
    with np.errstate(all="ignore"):
        root = expression(*leaves)
        seed = _seed_for(root)
        rng = np.random.default_rng(2)
        directions = [rng.standard_normal(leaf.shape) for leaf in leaves]
        ours = _gradients(root, leaves, seed, directions)
    tensors = replay_in_torch(root)
    theirs = _torch_gradients(torch, tensors, root, leaves, seed, directions)
    if _zero_exponent(root):
        ours, theirs = ours[:1], theirs[:1]
    close = {"rtol": 1e-7, "atol": 1e-9, "equal_nan": True}
    np.testing.assert_allclose(root.data, tensors[root].detach().numpy(), **close)
    for order, (mine, reference) in enumerate(zip(ours, theirs, strict=True), start=1):
        for leaf, a, b in zip(leaves, mine, reference, strict=True):
            if order == 2 and not smooth:
                # At a kink PyTorch's second derivative can be nan where the function is
                # flat (0 ** 0: it multiplies 0 by the inf of 0 ** −1): compare where it
                # is a number.
                a, b = a[np.isfinite(b)], b[np.isfinite(b)]
            np.testing.assert_allclose(a, b, **close, err_msg=f"order {order}, {leaf.label}")
