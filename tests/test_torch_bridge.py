"""`ts.from_torch`: PyTorch graphs rebuilt with the same numbers and the same gradients.

The oracle is PyTorch itself: for random nets and random expressions (float64), backward on
the rebuilt graph must give every parameter the `.grad` PyTorch computes, and the scalar
view of an MLP must give each weight its entry of that `.grad`.
"""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_support import import_torch

import tinygrad_sym as ts
from tinygrad_sym import bridge, ops
from tinygrad_sym.bridge import NotAnMLP, SavedTensorsFreed, UnsupportedNode, ValueMismatch

torch = import_torch()
F = torch.nn.functional

RTOL, ATOL = 1e-9, 1e-12  # float64: PyTorch's and numpy's kernels round differently

ACTIVATION_MODULES = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU,
                      "linear": None}
LOSSES = ("mse", "bce", "bce_with_logits", "cross_entropy")


# ----------------------------------------------------------------------------- random nets


def make_net(seed, nin, widths, hidden, loss, dtype=torch.float64):
    """A torch.nn.Sequential MLP whose output fits `loss` (sigmoid for BCE, logits else)."""
    torch.manual_seed(seed)
    modules = []
    sizes = [nin, *widths]
    for k in range(len(widths)):
        modules.append(torch.nn.Linear(sizes[k], sizes[k + 1], dtype=dtype))
        last = k == len(widths) - 1
        activation = ("sigmoid" if loss == "bce" else "linear") if last else hidden
        if ACTIVATION_MODULES[activation]:
            modules.append(ACTIVATION_MODULES[activation]())
    return torch.nn.Sequential(*modules)


def make_batch(seed, n, nin, nout, loss, dtype=torch.float64):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, nin, generator=generator, dtype=dtype)
    if loss == "cross_entropy":
        return X, torch.randint(0, nout, (n,), generator=generator)
    if loss == "mse":
        return X, torch.randn(n, nout, generator=generator, dtype=dtype)
    return X, torch.randint(0, 2, (n, nout), generator=generator).to(dtype)


def torch_loss(loss, outputs, targets):
    return {"mse": F.mse_loss, "bce": F.binary_cross_entropy,
            "bce_with_logits": F.binary_cross_entropy_with_logits,
            "cross_entropy": F.cross_entropy}[loss](outputs, targets)


@st.composite
def nets(draw):
    loss = draw(st.sampled_from(LOSSES))
    nin = draw(st.integers(1, 3))
    widths = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    widths.append(draw(st.integers(2 if loss == "cross_entropy" else 1, 3)))
    hidden = draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"]))
    seed = draw(st.integers(0, 2**16))
    n = draw(st.integers(1, 6))
    return seed, nin, widths, hidden, loss, n


def rebuilt(spec, dtype=torch.float64):
    """(module, its loss tensor, from_torch's graph), PyTorch's backward done after reading."""
    seed, nin, widths, hidden, loss, n = spec
    module = make_net(seed, nin, widths, hidden, loss, dtype)
    X, y = make_batch(seed + 1, n, nin, widths[-1], loss, dtype)
    value = torch_loss(loss, module(X), y)
    graph = ts.from_torch(value, params=module)
    value.backward()
    return module, value, graph


@settings(max_examples=40, deadline=None)
@given(nets())
def test_backward_on_the_rebuilt_graph_gives_pytorchs_grad(spec):
    module, loss, graph = rebuilt(spec)
    graph.loss.backward()
    assert graph.loss.data == pytest.approx(loss.item(), rel=1e-12)
    torch_names = {name: ours for ours, name in graph.torch_names.items()}
    for name, parameter in module.named_parameters():
        ours = graph.parameters[torch_names[name]]
        assert ours.shape == tuple(parameter.shape)
        np.testing.assert_allclose(ours.data, parameter.detach().numpy(), rtol=0, atol=0)
        np.testing.assert_allclose(ours.grad, parameter.grad.numpy(), rtol=RTOL, atol=ATOL)


@settings(max_examples=25, deadline=None)
@given(nets())
def test_the_scalar_view_gives_each_weight_its_entry_of_pytorchs_grad(spec):
    module, loss, graph = rebuilt(spec)
    view = graph.scalar_view()
    view.loss.backward()
    assert view.loss.data == pytest.approx(loss.item(), rel=1e-10)
    tensors = dict(module.named_parameters())
    for name, weight in view.parameters.items():
        tensor, index = view.origins[name]
        assert weight.data == tensors[tensor].detach().numpy()[index]
        assert weight.grad == pytest.approx(float(tensors[tensor].grad[index]), rel=1e-8,
                                            abs=1e-12)
    assert len(view.parameters) == sum(p.numel() for p in module.parameters())


@settings(max_examples=10, deadline=None)
@given(nets())
def test_float32_stays_float32_and_agrees_to_its_precision(spec):
    module, _, graph = rebuilt(spec, dtype=torch.float32)
    graph.loss.backward()
    torch_names = {name: ours for ours, name in graph.torch_names.items()}
    for name, parameter in module.named_parameters():
        ours = graph.parameters[torch_names[name]]
        assert ours.dtype == np.float32 and ours.grad.dtype == np.float32
        np.testing.assert_allclose(ours.grad, parameter.grad.numpy(), rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------------- random expressions

A, B = [0.7, -1.2, 0.4], [1.5, 0.3, -0.8]
M = [[0.2, -0.5, 1.1], [0.9, 0.4, -0.3]]
C = [0.25, -2.0, 1.0]  # a constant tensor (requires no grad)

# Each step maps the current vector v (3,) and the leaves to a new vector (3,). A constant
# added or subtracted is followed by a node that saves its input (a product, log, abs, a
# power) or its own result (exp, sigmoid, tanh, sqrt, 1/x), from which the constant is
# recovered (see below for what happens when none does).
STEPS = {
    "add": lambda v, t: v + t["a"],
    "sub": lambda v, t: v - t["b"],
    "mul": lambda v, t: v * t["a"],
    "div": lambda v, t: v / (t["b"] * t["b"] + 1),
    "pow number": lambda v, t: v**2,
    "pow tensor": lambda v, t: (v * v + 1) ** t["b"],
    "number pow": lambda v, t: 2.0 ** v.tanh(),
    "exp": lambda v, t: v.tanh().exp(),
    "log": lambda v, t: (v * v + 1).log(),
    "sqrt": lambda v, t: (v * v + 0.5).sqrt(),
    "abs": lambda v, t: (v + 0.1).abs(),
    "sigmoid": lambda v, t: v.sigmoid(),
    "tanh": lambda v, t: v.tanh(),
    "relu": lambda v, t: v.relu() + 0.5 * v,
    "neg": lambda v, t: -v,
    "reciprocal": lambda v, t: 1 / (v * v + 1),
    "sigmoid by hand": lambda v, t: 1 / (1 + (-v).exp()),
    "shifted tanh": lambda v, t: (v - 0.3).tanh(),
    "shifted exp": lambda v, t: (v.tanh() + 0.5).exp(),
    "shifted sigmoid": lambda v, t: (v + 0.2).sigmoid(),
    "add number": lambda v, t: (v + 2.5) * t["a"],
    "sub constant": lambda v, t: (v - t["c"]) * t["b"],
    "constant minus": lambda v, t: (t["c"] - v) * t["a"],
    "number minus": lambda v, t: (1 - v) * t["a"],
    "rsub tensor": lambda v, t: torch.rsub(v, t["c"]) * t["b"],
    "times number": lambda v, t: v * 3.0,
    "divide by number": lambda v, t: v / 2.0,
    "matrix products": lambda v, t: t["M"].t() @ (t["M"] @ v),
    "dot": lambda v, t: (v @ t["a"]) * v,
    "views": lambda v, t: v.reshape(3, 1).t().reshape(3),
    "flatten a transpose": lambda v, t: (t["M"] * v).t().reshape(6)[:3],
    "permute and squeeze": lambda v, t: v.unsqueeze(1).permute(1, 0).squeeze(0),
    "squeeze all": lambda v, t: v.reshape(1, 3, 1).squeeze(),
    "squeeze dims": lambda v, t: v.reshape(1, 3).squeeze((0,)),
    "transpose": lambda v, t: v.reshape(1, 3).transpose(0, 1).reshape(3),
    "expand and sum": lambda v, t: v.unsqueeze(0).expand(2, 3).sum(0),
    "mean dim": lambda v, t: v.unsqueeze(0).expand(2, 3).mean(0, keepdim=True).reshape(3),
    "total": lambda v, t: v * v.sum(),
    "centre": lambda v, t: v - v.mean(),
    "softmax": lambda v, t: torch.softmax(v, 0),
    "log softmax": lambda v, t: torch.log_softmax(v, 0),
    "select": lambda v, t: v[0] * v,
    "slice": lambda v, t: v[1:].sum() + v,
}
ENDINGS = {
    "sum": lambda v, t: v.sum(),
    "mean": lambda v, t: v.mean(),
    "mse": lambda v, t: F.mse_loss(v, t["c"]),
    "squares": lambda v, t: ((v - t["c"]) ** 2).mean(),
    "soft cross-entropy": lambda v, t: F.cross_entropy(v.reshape(1, 3),
                                                       torch.softmax(t["c"], 0).reshape(1, 3)),
}


def leaves():
    tensors = {name: torch.tensor(data, dtype=torch.float64, requires_grad=True)
               for name, data in (("a", A), ("b", B), ("M", M))}
    tensors["c"] = torch.tensor(C, dtype=torch.float64)
    return tensors


def run_expression(steps, ending, tensors):
    v = tensors["a"] * 1.0
    for step in steps:
        v = STEPS[step](v, tensors)
    return ENDINGS[ending](v, tensors)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=5),
       st.sampled_from(sorted(ENDINGS)))
def test_random_expressions_have_pytorchs_gradients(steps, ending):
    tensors = leaves()
    loss = run_expression(steps, ending, tensors)
    params = {name: tensors[name] for name in ("a", "b", "M")
              if any(leaf is tensors[name] for leaf in _leaves_of(loss))}
    graph = ts.from_torch(loss, params=params)
    loss.backward()
    graph.loss.backward()
    assert graph.loss.data == pytest.approx(loss.item(), rel=1e-12, abs=1e-14)
    for name in params:
        np.testing.assert_allclose(graph.parameters[name].grad, tensors[name].grad.numpy(),
                                   rtol=RTOL, atol=ATOL, err_msg=name)


def _leaves_of(loss):
    found, stack = [], [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if hasattr(node, "variable"):
            found.append(node.variable)
        stack.extend(parent for parent, _ in node.next_functions)
    return found


def test_every_supported_node_is_exercised_by_these_tests():
    """The table holds no entry that no test reaches."""
    seen = set()
    tensors = leaves()
    expressions = [run_expression([step], ending, tensors)
                   for step in STEPS for ending in ENDINGS]
    for loss in LOSSES:
        module = make_net(0, 2, [3, 2], "relu", loss)
        X, y = make_batch(1, 4, 2, 2, loss)
        expressions.append(torch_loss(loss, module(X), y))
    expressions.append(F.nll_loss(torch.log_softmax(tensors["M"], 1), torch.tensor([0, 2])))
    expressions.append((tensors["M"] @ tensors["a"]).sum())  # mv
    expressions.append(torch.nn.Linear(3, 2, bias=False, dtype=torch.float64)(tensors["M"]).sum())
    for expression in expressions:
        stack = [expression.grad_fn]
        while stack:
            node = stack.pop()
            if node is not None:
                seen.add(type(node).__name__)
                stack.extend(parent for parent, _ in node.next_functions)
    assert set(bridge.TRANSLATIONS) <= seen, set(bridge.TRANSLATIONS) - seen


# ------------------------------------------------------------------------------- constants


def test_a_subtracted_target_is_recovered():
    """pred − y: PyTorch keeps no copy of y. The bridge recovers it from pred − y: targets
    such as labels or short decimals exactly, any other number to the last bit or two (the
    difference it gives back is PyTorch's, bit for bit)."""
    torch.manual_seed(3)
    w = torch.randn(4, dtype=torch.float64, requires_grad=True)
    for y, exact in ((torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64), True),
                     (torch.tensor([0.25, -1.3, 2.0, 17.01], dtype=torch.float64), True),
                     (torch.randn(4, dtype=torch.float64), False)):
        difference = w.tanh() - y
        loss = (difference**2).mean()
        graph = ts.from_torch(loss, params={"w": w})
        subtraction = graph.loss.parents[0].parents[0]
        assert subtraction.op is ops.SUB
        recovered = subtraction.parents[1].data
        if exact:
            np.testing.assert_array_equal(recovered, y.numpy())
        else:
            np.testing.assert_allclose(recovered, y.numpy(), rtol=1e-15, atol=1e-16)
        np.testing.assert_array_equal(subtraction.data, difference.detach().numpy())


def test_a_number_is_recovered_as_the_number():
    p = torch.tensor([0.3, 0.9], dtype=torch.float64, requires_grad=True)
    loss = ((1 - p) * p).sum()
    graph = ts.from_torch(loss, params={"p": p})
    one_minus_p = graph.loss.parents[0].parents[0]
    assert one_minus_p.op is ops.SUB and one_minus_p.parents[0].data == 1.0


def test_a_course_net_written_by_hand():
    """σ(z) = 1/(1 + e^−z) and the cross-entropy written out, as a from-scratch course does:
    the 1s that PyTorch does not save come back as 1.0."""
    torch.manual_seed(4)
    W1 = torch.randn(2, 2, dtype=torch.float64, requires_grad=True)
    W2 = torch.randn(2, 1, dtype=torch.float64, requires_grad=True)
    X = torch.randn(5, 2, dtype=torch.float64)
    y = torch.tensor([[1.0], [0.0], [1.0], [1.0], [0.0]], dtype=torch.float64)
    a1 = 1 / (1 + torch.exp(-(X @ W1)))
    p = 1 / (1 + torch.exp(-(a1 @ W2)))
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    graph = ts.from_torch(loss, params={"W1": W1, "W2": W2})
    loss.backward()
    graph.loss.backward()
    for name, tensor in (("W1", W1), ("W2", W2)):
        np.testing.assert_allclose(graph.parameters[name].grad, tensor.grad.numpy(),
                                   rtol=RTOL, atol=ATOL)
    numbers = [operand.data for node in ts.topological_order(graph.loss)
               if node.op in (ops.ADD, ops.SUB) for operand in node.parents
               if operand.op is None and not operand.requires_grad and not operand.shape]
    assert numbers == [1.0, 1.0, 1.0]  # 1 + e^−z twice, 1 − p


def test_a_constant_no_node_saved_is_refused_with_the_way_out():
    w = torch.tensor([0.5, -0.2], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1.0, 2.0], dtype=torch.float64)
    with pytest.raises(UnsupportedNode, match=r"SubBackward0.*cannot be recovered.*requires_grad_"):
        ts.from_torch((w - y).sum(), params={"w": w})
    y.requires_grad_()
    loss = (w - y).sum()
    graph = ts.from_torch(loss, params={"w": w, "y": y})
    loss.backward()
    graph.loss.backward()
    np.testing.assert_array_equal(graph.parameters["y"].grad, y.grad.numpy())


# --------------------------------------------------------------------- when it cannot work


def coffee_like(seed=0):
    """A 2→2→1 sigmoid net with binary cross-entropy on 4 examples, and its loss."""
    module = make_net(seed, 2, [2, 1], "sigmoid", "bce")
    X, y = make_batch(seed + 1, 4, 2, 1, "bce")
    return module, F.binary_cross_entropy(module(X), y)


def test_after_backward_the_saved_tensors_are_gone_and_the_error_says_what_to_do():
    module, loss = coffee_like()
    loss.backward()
    with pytest.raises(SavedTensorsFreed, match=r"before loss.backward\(\).*retain_graph=True"):
        ts.from_torch(loss, params=module)


def test_backward_with_retain_graph_keeps_them():
    module, loss = coffee_like()
    loss.backward(retain_graph=True)
    graph = ts.from_torch(loss, params=module)
    graph.loss.backward()
    np.testing.assert_allclose(graph.parameters["W1"].grad, module[0].weight.grad.numpy(),
                               rtol=RTOL, atol=ATOL)


def test_parameters_changed_after_the_forward_pass_are_detected():
    module, loss = coffee_like()
    loss.backward(retain_graph=True)
    with torch.no_grad():  # what optimizer.step() does (torch.optim takes seconds to import)
        for parameter in module.parameters():
            parameter -= 0.5 * parameter.grad
    with pytest.raises(ValueMismatch, match=r"changed in place.*optimizer.step\(\)"):
        ts.from_torch(loss, params=module)  # PyTorch's own version counter sees it
    module, loss = coffee_like()
    with torch.no_grad():
        module[0].weight[0, 0] += 0.1  # a weight no node saved: the values tell
    with pytest.raises(ValueMismatch, match=r"SigmoidBackward0: the rebuilt value differs"):
        ts.from_torch(loss, params=module)


def test_an_unsupported_node_is_named_with_what_is_supported():
    w = torch.tensor([0.5, -0.2], dtype=torch.float64, requires_grad=True)
    loss = F.leaky_relu(w).cumsum(0).sum()
    with pytest.raises(UnsupportedNode) as error:
        ts.from_torch(loss)
    message = str(error.value)
    assert "CumsumBackward0, LeakyReluBackward0" in message
    assert "AddmmBackward0: nn.Linear" in message and "SigmoidBackward0" in message


def test_unsupported_variants_are_named():
    w = torch.tensor([[0.5, -0.2]], dtype=torch.float64, requires_grad=True)
    weighted = F.binary_cross_entropy(w.sigmoid(), torch.ones(1, 2, dtype=torch.float64),
                                      weight=torch.ones(1, 2, dtype=torch.float64))
    with pytest.raises(UnsupportedNode, match="BinaryCrossEntropyBackward0 with weight"):
        ts.from_torch(weighted)
    ignored = F.cross_entropy(w, torch.tensor([-100]))
    with pytest.raises(UnsupportedNode, match="ignore_index=-100"):
        ts.from_torch(ignored)


def test_what_has_no_graph_is_refused():
    with pytest.raises(TypeError, match="not ndarray"):
        ts.from_torch(np.zeros(2))
    with pytest.raises(ValueError, match="no_grad"):
        ts.from_torch(torch.ones(2).sum())
    with pytest.raises(ValueError, match="leaf"):
        ts.from_torch(torch.ones(2, requires_grad=True))


def test_params_that_are_not_in_the_graph_are_refused():
    module, loss = coffee_like()
    stranger = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match=r"params\['v'\] is not a leaf"):
        ts.from_torch(loss, params={"W": module[0].weight, "v": stranger})
    with pytest.raises(TypeError, match="mapping"):
        ts.from_torch(loss, params=[module[0].weight])


# ----------------------------------------------------------------------------------- names


def test_names_come_from_the_graph_and_the_module():
    module, loss = coffee_like()
    graph = ts.from_torch(loss, params=module)
    assert list(graph.parameters) == ["W1", "b1", "W2", "b2"]
    assert graph.torch_names == {"W1": "0.weight", "b1": "0.bias", "W2": "2.weight",
                                 "b2": "2.bias"}
    labels = {node.label for node in ts.topological_order(graph.loss)}
    assert {"X", "W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2", "y", "J"} <= labels
    assert graph.parameters["W1"].group == ("layer 1",)
    unnamed = ts.from_torch(coffee_like()[1])
    assert list(unnamed.parameters) == ["W1", "b1", "W2", "b2"] and unnamed.torch_names == {}


def test_a_module_with_named_layers_and_a_parameter_of_its_own():
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = torch.nn.Linear(2, 3, dtype=torch.float64)
            self.out = torch.nn.Linear(3, 1, dtype=torch.float64)
            self.scale = torch.nn.Parameter(torch.tensor(2.0, dtype=torch.float64))

        def forward(self, x):
            return self.out(torch.tanh(self.hidden(x))) * self.scale

    net = Net()
    X = torch.randn(5, 2, dtype=torch.float64)
    loss = F.mse_loss(net(X), torch.zeros(5, 1, dtype=torch.float64))
    graph = ts.from_torch(loss, params=net)
    assert list(graph.parameters) == ["W1", "b1", "W2", "b2", "scale"]
    assert graph.torch_names["W1"] == "hidden.weight" and graph.torch_names["scale"] == "scale"
    loss.backward()
    graph.loss.backward()
    assert graph.parameters["scale"].grad == pytest.approx(net.scale.grad.item(), rel=1e-10)
    with pytest.raises(NotAnMLP, match="not an MLP under a loss"):
        graph.scalar_view()
    assert not graph.is_mlp


def test_your_own_names():
    w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    x, y = torch.tensor(2.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64)
    loss = (torch.sigmoid(w * x + b) - y) ** 2
    graph = ts.from_torch(loss, params={"w1": w, "b1": b})
    assert list(graph.parameters) == ["w1", "b1"] and graph.torch_names == {}


# --------------------------------------------------------- draw, explain, compare on it


def test_scalar_parameters_can_be_explained_directly():
    """A graph of 0-d tensors is already scalar: ts.explain reads it as it is."""
    w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    x, y = torch.tensor(2.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64)
    loss = (torch.sigmoid(w * x + b) - y) ** 2
    graph = ts.from_torch(loss, params={"w": w, "b": b})
    loss.backward()
    explanation = ts.explain(graph.loss, graph.parameters["w"])
    assert explanation.agrees
    assert explanation.backward_grad == pytest.approx(w.grad.item(), rel=1e-12)
    assert "∂J/∂w" in str(explanation)


def test_the_course_picture_from_a_pytorch_net():
    """A 2→2→1 sigmoid net trained in PyTorch, seen as the course draws it: w1 … w6."""
    module, loss = coffee_like(seed=7)
    graph = ts.from_torch(loss, params=module)
    loss.backward()
    view = graph.scalar_view(examples=0)
    assert list(view.parameters) == ["w1", "w2", "w3", "w4", "b1", "b2", "w5", "w6", "b3"]
    assert view.origin("w3") == "0.weight[1, 0]" and view.origin("w6") == "2.weight[0, 1]"
    view.loss.backward()
    comparison = ts.compare(view.loss, view.parameters["w1"], view.parameters["w3"])
    text = str(comparison)
    assert "∂z3/∂a1 = w5" in text and "∂z3/∂a2 = w6" in text
    # one example's gradient is PyTorch's on that example alone
    X, y = make_batch(8, 4, 2, 1, "bce")
    module.zero_grad()
    F.binary_cross_entropy(module(X[:1]), y[:1]).backward()
    assert view.parameters["w3"].grad == pytest.approx(module[0].weight.grad[1, 0].item(),
                                                       rel=1e-10)


def test_draw_and_explore_read_the_rebuilt_graph_and_its_scalar_view():
    module, loss = coffee_like()
    graph = ts.from_torch(loss, params=module)
    graph.loss.backward()
    source = ts.draw(graph.loss).source
    for label in ("W1", "b1", "Z1", "A1", "J"):
        assert f">{label}<" in source or f"{label}" in source
    view = graph.scalar_view(examples=[0])
    view.loss.backward()
    picture = ts.draw(view.loss, highlight=[view.parameters["w1"], view.parameters["w3"]])
    assert "w1" in picture.source and "w5" in picture.source
    document = json.loads(ts.to_json(view.loss))
    assert {"w1", "w3", "w6", "J"} <= {node["name"] for node in document["nodes"]}
    page = ts.explore(view.loss, highlight=[view.parameters["w1"], view.parameters["w3"]])
    assert "w3" in page.html and page.data


def test_the_multiclass_lab_net_from_pytorch():
    """The course's 2 → 2 ReLU → 4 softmax net, CrossEntropyLoss on logits."""
    module = make_net(5, 2, [2, 4], "relu", "cross_entropy")
    X, labels = make_batch(6, 8, 2, 4, "cross_entropy")
    loss = F.cross_entropy(module(X), labels)
    graph = ts.from_torch(loss, params=module)
    loss.backward()
    net = graph.net()
    assert [layer.activation for layer in net.layers] == ["relu", "linear"]
    view = graph.scalar_view()
    view.loss.backward()
    assert view.loss.data == pytest.approx(loss.item(), rel=1e-12)
    weights = module[2].weight.grad.numpy()
    assert view.origin("w5") == "2.weight[0, 0]" and view.origin("w8") == "2.weight[1, 1]"
    assert view.parameters["w8"].grad == pytest.approx(weights[1, 1], rel=1e-9)


def test_net_reexpresses_the_graph_as_an_nn_mlp_with_the_same_numbers():
    module, loss = coffee_like()
    graph = ts.from_torch(loss, params=module)
    net = graph.net()
    assert type(net).__name__ == "MLP"
    np.testing.assert_array_equal(net.layers[0].W.data, module[0].weight.detach().numpy().T)
    X, _ = make_batch(1, 4, 2, 1, "bce")
    np.testing.assert_allclose(net(X.numpy()).data, module(X).detach().numpy(), rtol=1e-14)


def test_not_an_mlp_says_why():
    module, _ = coffee_like()
    X, y = make_batch(1, 4, 2, 1, "bce")
    penalty = (module[0].weight ** 2).sum() + (module[2].weight ** 2).sum()
    regularised = F.binary_cross_entropy(module(X), y) + 0.01 * penalty
    with pytest.raises(NotAnMLP, match="root is not one of the losses"):
        ts.from_torch(regularised, params=module).scalar_view()
    summed = F.binary_cross_entropy(module(X), y, reduction="sum")
    with pytest.raises(NotAnMLP, match="reduction='sum'"):
        ts.from_torch(summed, params=module).net()


def test_single_example_and_batched_inputs_go_through_views():
    linear = torch.nn.Linear(2, 3, dtype=torch.float64)
    x = torch.tensor([0.5, -1.0], dtype=torch.float64)
    for inputs in (x, x.reshape(1, 1, 2).expand(2, 2, 2)):
        loss = torch.sigmoid(linear(inputs)).sum()
        graph = ts.from_torch(loss, params=linear)
        linear.zero_grad()
        loss.backward()
        graph.loss.backward()
        np.testing.assert_allclose(graph.parameters["W1"].grad, linear.weight.grad.numpy(),
                                   rtol=RTOL, atol=ATOL)


def test_a_custom_module_with_a_squeezed_prediction_is_an_mlp():
    """How PyTorch users often write it: their own Module, F.relu, .squeeze(1), nn.BCELoss."""

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(2, 3)
            self.fc2 = torch.nn.Linear(3, 1)

        def forward(self, x):
            return torch.sigmoid(self.fc2(F.relu(self.fc1(x)))).squeeze(1)

    torch.manual_seed(2)
    model = Classifier()  # float32, PyTorch's default
    X, y = torch.randn(6, 2), torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    loss = torch.nn.BCELoss()(model(X), y)
    graph = ts.from_torch(loss, params=model)
    loss.backward()
    assert graph.torch_names["W2"] == "fc2.weight" and graph.loss.dtype == np.float32
    view = graph.scalar_view()
    view.loss.backward()
    assert view.loss.data == pytest.approx(loss.item(), rel=1e-6)
    for name, weight in view.parameters.items():
        tensor, index = view.origins[name]
        expected = model.get_parameter(tensor).grad[index].item()
        assert weight.grad == pytest.approx(expected, rel=1e-4, abs=1e-7), name


def test_a_number_keeps_float32_float32():
    """A 0-d tensor (or a Python number) does not promote a float32 tensor, in PyTorch or here."""
    w = torch.tensor([0.5, -1.5], requires_grad=True)
    loss = (w * torch.tensor(2.0, dtype=torch.float64) * 0.25).tanh().sum()
    graph = ts.from_torch(loss, params={"w": w})
    assert loss.dtype == torch.float32
    assert all(node.dtype == np.float32 for node in ts.topological_order(graph.loss)
               if node.requires_grad)


def test_hidden_layers_with_different_activations_are_a_sequential():
    module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 2),
                                 torch.nn.Tanh(), torch.nn.Linear(2, 1)).double()
    X, y = make_batch(3, 4, 2, 1, "mse")
    loss = F.mse_loss(module(X), y)
    graph = ts.from_torch(loss, params=module)
    loss.backward()
    net = graph.net()
    assert type(net).__name__ == "Sequential"
    assert [layer.activation for layer in net.layers] == ["sigmoid", "tanh", "linear"]
    view = graph.scalar_view()
    view.loss.backward()
    assert view.parameters["w7"].grad == pytest.approx(module[2].weight.grad[0, 0].item(),
                                                       rel=1e-9)
