"""Graph-level properties of backward: reuse, accumulation, no_grad, constants, depth, order 2."""

import gc
import math
import sys
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_sym as ts
from tinygrad_sym.testing import gradcheck, gradgradcheck
from tinygrad_sym.testing import strategies as tst


def test_chain_rule_by_hand():
    x, w, b = ts.Value(0.5, "x", requires_grad=False), ts.Value(-2.0, "w"), ts.Value(0.25, "b")
    a = ts.weighted_sum([w], [x], b).tanh()
    a.backward()
    z = -2.0 * 0.5 + 0.25
    assert a.data == pytest.approx(math.tanh(z))
    assert w.grad == pytest.approx((1 - math.tanh(z) ** 2) * 0.5)
    assert b.grad == pytest.approx(1 - math.tanh(z) ** 2)
    assert x.grad is None  # a constant gets no gradient


def test_node_used_twice_gets_both_contributions():
    x = ts.Value(3.0)
    y = x * x + x  # x reaches y along three edges
    y.backward()
    assert x.grad == 2 * 3.0 + 1


def test_shared_intermediate_node():
    x = ts.Value(0.7)
    h = x.tanh()
    y = h * h.sigmoid() + h
    y.backward()
    assert gradcheck(lambda v: v.tanh() * v.tanh().sigmoid() + v.tanh(), [0.7])
    t, s = math.tanh(0.7), 1 / (1 + math.exp(-math.tanh(0.7)))
    assert x.grad == pytest.approx((s + t * s * (1 - s) + 1) * (1 - t * t))


def test_leaves_accumulate_across_backward_calls_and_zero_grad_resets():
    w = ts.Value(2.0)
    loss = w * 5.0
    loss.backward()
    loss.backward()
    assert w.grad == 10.0
    assert loss.grad == 1.0  # intermediate nodes hold this pass's gradient, not a sum
    loss.zero_grad()
    assert w.grad == 0.0
    loss.backward()
    assert w.grad == 5.0


def test_tensor_leaf_accumulates_in_its_own_shape():
    w = ts.Value(np.ones((2, 3), dtype=np.float32))
    for _ in range(3):
        (w * 2.0).sum().backward()
    assert w.grad.shape == (2, 3) and w.grad.dtype == np.float32
    np.testing.assert_array_equal(w.grad, np.full((2, 3), 6.0))


@pytest.mark.parametrize("shape", [(2, 3), (128, 128)])  # added to, and scanned for zeros
def test_large_leaves_accumulate_like_small_ones(shape):
    """A leaf's gradient after zero_grad is this pass's (without adding to the zeros when they
    are many); a gradient changed by hand, or left from an earlier pass, is added to."""
    rng = np.random.default_rng(0)
    w = ts.Value(rng.standard_normal(shape), label="w")
    c = rng.standard_normal(shape)
    (w * c).sum().backward()
    np.testing.assert_array_equal(w.grad, c)
    (w * c).sum().backward()
    np.testing.assert_array_equal(w.grad, 2 * c)
    w.zero_grad()
    w.grad[0, 0] = 1.0  # a zeroed gradient changed in place is not all zeros any more
    (w * c).sum().backward()
    expected = c.copy()
    expected[0, 0] += 1.0
    np.testing.assert_array_equal(w.grad, expected)
    w.zero_grad()
    seed = np.ones(shape)
    w.backward(seed)  # a leaf's own seed: a copy becomes its gradient, not the caller's array
    seed[0, 0] = 5.0
    np.testing.assert_array_equal(w.grad, np.ones(shape))


def test_broadcast_operand_gradient_is_reduced_to_its_shape():
    bias = ts.Value(np.zeros(3))
    x = ts.Value(np.arange(6.0).reshape(2, 3), requires_grad=False)
    ((x + bias) ** 2).sum().backward()
    assert bias.grad.shape == (3,)
    np.testing.assert_allclose(bias.grad, 2 * np.arange(6.0).reshape(2, 3).sum(axis=0))



def test_a_rule_that_returns_the_wrong_shape_is_named_not_silently_reshaped():
    shrink = ts.ops.Op("shrink", "s", lambda a: a * 2,
                       rules=(lambda grad, out, a: grad[..., :1],), derivatives=("2",))
    x = ts.Value(np.ones((2, 3)))
    with pytest.raises(ts.ShapeError, match=r"shape \(2, 1\) for an operand of shape \(2, 3\)"):
        ts.value.record(shrink, x).sum().backward()
    smaller = ts.ops.Op("smaller", "s", lambda a: a * 2,
                        rules=(lambda grad, out, a: grad[0],), derivatives=("2",))
    with pytest.raises(ts.ShapeError, match="must return its share in the broadcast shape"):
        ts.value.record(smaller, x).sum().backward()

def test_no_grad_records_nothing():
    w = ts.Value(2.0)
    with ts.no_grad():
        y = w * 3.0
    assert not y.requires_grad and y.parents == () and y.op is None
    assert (w * 3.0).requires_grad  # the switch is restored


def test_constants_get_no_gradient_and_are_not_visited():
    x = ts.Value(np.ones(3), requires_grad=False)
    w = ts.Value(np.ones(3))
    heavy = (x * 2.0).exp()  # constant subgraph
    (heavy * w).sum().backward()
    assert x.grad is None and heavy.grad is None
    np.testing.assert_allclose(w.grad, np.exp(2.0))


def test_backward_needs_something_to_differentiate():
    with pytest.raises(RuntimeError, match="requires a gradient"):
        (ts.Value(1.0, requires_grad=False) * 2.0).backward()


def test_grad_returns_gradients_without_touching_dot_grad():
    x, y = ts.Value(2.0), ts.Value(-1.0)
    out = x * y + y
    gx, gy = ts.grad(out, [x, y])
    assert (gx, gy) == (-1.0, 3.0)
    assert x.grad == 0.0 and y.grad == 0.0
    assert ts.grad(out, x) == -1.0  # a single input gives a single gradient


def test_grad_of_unused_input_is_zero():
    x, unused = ts.Value(np.ones(2)), ts.Value(np.ones(3))
    _, g = ts.grad((x * 2.0).sum(), [x, unused])
    np.testing.assert_array_equal(g, np.zeros(3))


def test_grad_of_constant_input_is_refused():
    with pytest.raises(ValueError, match="constant"):
        ts.grad(ts.Value(1.0) * 2.0, ts.Value(1.0, requires_grad=False))


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def test_backward_does_not_recurse_however_deep_the_graph():
    """A chain 100 times deeper than the Python frames allowed: backward, the graph walk and
    freeing the graph use none. (A chain of 2,000,000 ops runs in `make bench`.)"""
    headroom = 200
    y = x = ts.Value(1.0)
    for _ in range(10_000):  # two ops per step: 20,000 nodes deep
        y = y * 1.0001 + 0.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + headroom)
    try:
        order = ts.topological_order(y)
        y.backward()
        del y, order  # the graph is freed here too
    finally:
        sys.setrecursionlimit(limit)
    assert x.grad == pytest.approx(1.0001**10_000)


def test_the_depth_check_can_fail():
    """The lowered limit does stop a recursive walk of the same graph."""
    def depth(node):
        return 1 + max((depth(parent) for parent in node.parents), default=0)

    y = ts.Value(1.0)
    for _ in range(1_000):
        y = y * 1.0001
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + 200)
    try:
        with pytest.raises(RecursionError):
            depth(y)
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize(
    ("function", "second_derivative"),
    [
        (lambda x: x.tanh(), lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2)),
        (lambda x: x.sigmoid(), lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s) * (1 - 2 * s)),
        (lambda x: x**3, lambda x: 6 * x),
        (lambda x: x.exp() / x, lambda x: math.exp(x) * (x * x - 2 * x + 2) / x**3),
    ],
)
@given(point=st.floats(0.2, 2.0))
def test_second_derivatives_match_closed_forms(function, second_derivative, point):
    x = ts.Value(point)
    first = ts.grad(function(x), x, create_graph=True)
    second = ts.grad(first, x)
    assert second == pytest.approx(second_derivative(point), rel=1e-9, abs=1e-12)


def _mlp_loss(params, x, y):
    w1, b1, w2, b2 = params
    hidden = (x @ w1 + b1).tanh()
    p = (hidden @ w2 + b2).sigmoid()
    return ts.value.record(ts.ops.BINARY_CROSS_ENTROPY, p, y).mean()


def test_hessian_vector_product_of_small_mlp_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = ts.Value(rng.normal(size=(5, 2)), requires_grad=False)
    y = ts.Value(rng.integers(0, 2, size=(5, 1)).astype(float), requires_grad=False)
    params = [ts.Value(rng.normal(size=s)) for s in [(2, 3), (3,), (3, 1), (1,)]]
    directions = [rng.normal(size=p.shape) for p in params]

    def gradient(at):
        leaves = [ts.Value(a) for a in at]
        return [np.asarray(g) for g in ts.grad(_mlp_loss(leaves, x, y), leaves)]

    first = ts.grad(_mlp_loss(params, x, y), params, create_graph=True)
    projected = sum(((g * d).sum() for g, d in zip(first, directions, strict=True)), start=0.0)
    hvp = ts.grad(projected, params)
    eps = 1e-6
    plus = gradient([p.data + eps * d for p, d in zip(params, directions, strict=True)])
    minus = gradient([p.data - eps * d for p, d in zip(params, directions, strict=True)])
    for h, gp, gm in zip(hvp, plus, minus, strict=True):
        np.testing.assert_allclose(h, (gp - gm) / (2 * eps), rtol=1e-5, atol=1e-7)


@settings(max_examples=25)
@given(tst.expressions())
def test_random_graphs_backward_and_grad_of_grad(expression):
    assert gradcheck(expression, expression.inputs)
    assert gradgradcheck(expression, expression.inputs)


def test_random_graphs_backward_on_tensors():
    @settings(max_examples=15)
    @given(tst.expressions(shape=(2, 3)))
    def check(expression):
        assert gradcheck(lambda *xs: expression(*xs).sum(), expression.inputs)

    check()


def _training_step(w, b, xs, ys):
    loss = sum(((w * x + b - y) ** 2 for x, y in zip(xs, ys, strict=True)), start=0.0)
    loss.backward()
    with ts.no_grad():
        w.data -= 0.01 * w.grad
        b.data -= 0.01 * b.grad
    w.grad = b.grad = 0.0
    return loss


def test_graph_has_no_reference_cycles():
    w, b = ts.Value(0.1), ts.Value(0.0)
    gc.collect()
    gc.disable()
    try:
        _training_step(w, b, [1.0, 2.0], [2.0, 4.0])
        assert gc.collect() == 0  # nothing was left for the cycle collector
    finally:
        gc.enable()


def _memory_growth(steps: int, keep_graphs: bool = False) -> int:
    """Bytes still allocated after `steps` training steps, counted after 200 warm-up steps;
    with `keep_graphs`, each step's loss (and so its graph) is kept alive, a leak on purpose."""
    w, b = ts.Value(0.1), ts.Value(0.0)
    xs, ys = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
    kept = []
    tracemalloc.start()
    try:
        for _ in range(200):
            _training_step(w, b, xs, ys)
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(steps):
            if keep_graphs:
                kept.append(_training_step(w, b, xs, ys))
            else:
                _training_step(w, b, xs, ys)
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_training_steps_keep_memory_flat():
    """1,000 steps may leave at most 2 bytes a step: one node leaked per step is ~170."""
    growth = _memory_growth(1_000)
    assert growth < 2_000, f"memory grew by {growth} bytes over 1,000 steps"


def test_the_memory_check_can_fail():
    """Keeping each step's graph alive (20 nodes a step) is caught by the same bound."""
    assert _memory_growth(1_000, keep_graphs=True) > 100 * 2_000


def test_zeroing_a_leaf_gradient_leaves_intermediate_gradients_alone():
    from tinygrad_sym.value import reset_grad

    bias = ts.Value(np.zeros(3), requires_grad=True)
    bias.grad = None  # as after backward with no previous gradient
    z = ts.Value(np.ones(3), requires_grad=False) + bias
    (z * 2.0).sum().backward()
    reset_grad(bias)
    np.testing.assert_array_equal(z.grad, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(bias.grad, [0.0, 0.0, 0.0])


def _postorder(root, follow=None):
    """The order `topological_order` promises, written the plain way (recursive, so small
    graphs only): each node after its parents, the parents visited first to last, each node
    once, a parent only if `follow(parent)`."""
    order, seen = [], set()

    def visit(node):
        seen.add(node)
        for parent in node.parents:
            if parent not in seen and (follow is None or follow(parent)):
                visit(parent)
        order.append(node)

    visit(root)
    return order


@settings(max_examples=60)
@given(st.data())
def test_topological_order_is_the_plain_depth_first_order(data):
    """On random graphs with one, two and many operands per node, repeated operands (x·x),
    constants and nodes computed from constants alone: the iterative walk gives exactly the
    recursive one, with and without `follow`; backward's sums depend on this order."""
    leaves = [ts.Value(data.draw(st.floats(-2, 2)), requires_grad=data.draw(st.booleans()))
              for _ in range(data.draw(st.integers(1, 4)))]
    nodes = list(leaves)
    for _ in range(data.draw(st.integers(1, 25))):
        pick = st.sampled_from(nodes)
        kind = data.draw(st.sampled_from(["unary", "binary", "constant", "many"]))
        if kind == "unary":
            nodes.append(data.draw(pick).tanh())
        elif kind == "binary":
            nodes.append(data.draw(pick) * data.draw(pick))
        elif kind == "constant":
            nodes.append(data.draw(pick) + 1.5)
        else:
            operands = data.draw(st.lists(pick, min_size=3, max_size=6))
            nodes.append(ts.stack(operands).sum())
            nodes.append(ts.weighted_sum(operands[:2], operands[1:3], operands[0]))
    root = nodes[-1]
    assert ts.topological_order(root) == _postorder(root)
    grad_only = ts.topological_order(root, follow=lambda node: node.requires_grad)
    assert grad_only == _postorder(root, lambda node: node.requires_grad)
    from tinygrad_sym.value import needs_grad  # the follow backward passes: read, not called
    assert ts.topological_order(root, follow=needs_grad) == grad_only
