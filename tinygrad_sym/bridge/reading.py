"""`from_torch(loss)`: a PyTorch autograd graph, computed again as a tinygrad_sym graph.

PyTorch records, for every tensor computed from parameters, the node that will compute its
gradient (`loss.grad_fn`, then `next_functions`), but not the forward values themselves.
The bridge walks those nodes, takes the parameters' current values and the constants the
nodes saved (the input batch, the targets), and computes every node again with its own
ops, checking each result against every value PyTorch saved for it and the loss against
PyTorch's loss. So the rebuilt graph has the same numbers, and `backward()` on it gives the
gradients PyTorch gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..value import Value, constant, topological_order
from .constants import recover
from .errors import UnsupportedNode, ValueMismatch
from .graph import TorchGraph
from .saved import CHANGED_HINT, FREED_HINT, TorchNode, to_numpy
from .structure import LOSSES, LinearLayer, LossRecord, linear_layers
from .torch_import import require_torch
from .translations import LEAF, REDUCTIONS, TRANSLATIONS, Translation, supported

TOLERANCE = {np.dtype(np.float64): 1e-9, np.dtype(np.float32): 1e-4}
"""Relative difference allowed between a rebuilt value and PyTorch's (other dtypes: 1e-2)."""


def from_torch(loss: Any, params: Any = None) -> TorchGraph:
    """Rebuild the graph that computed the PyTorch tensor `loss`, with the same numbers.

    Call it after the forward pass and before `loss.backward()` (PyTorch frees the saved
    constants in backward; `backward(retain_graph=True)` keeps them). `params` names the
    parameters: a `torch.nn.Module` (its Linear layers' weights become W1, b1, W2, … in the
    order the graph uses them; other parameters keep the module's names), or a mapping
    {name: tensor} of your own names. Unnamed Linear parameters are W1, b1, …; other leaves
    leaf1, leaf2, …. Returns a `TorchGraph`: `.loss`, `.parameters`, `.scalar_view()`.
    """
    torch = require_torch()
    root = _root(loss, torch)
    nodes = _graph(root)
    unsupported = sorted({node.name for node in nodes
                          if node.name != LEAF and node.name not in TRANSLATIONS})
    if unsupported:
        raise UnsupportedNode(f"from_torch cannot rebuild {', '.join(unsupported)}. "
                              f"Supported PyTorch nodes:\n{supported()}")
    given = _given_names(params, torch, nodes)
    observed, estimated = _observations(nodes, loss)
    values: dict[Any, Value] = {}
    for node in nodes:
        if node.name == LEAF:
            values[node.function] = Value(to_numpy(node.function.variable))
        else:
            values[node.function] = _rebuild(node, TRANSLATIONS[node.name], values, observed,
                                             estimated)
        _check(node, values[node.function], observed.get(node.function, []))
    result = values[root.function]
    record = None
    if root.name in LOSSES:
        operands = [_operand(root, TRANSLATIONS[root.name], i, values) for i in range(2)]
        record = LossRecord(root.name, REDUCTIONS[root.saved("_saved_reduction")],
                            tuple(operands))
    leaves = {node.function.variable: values[node.function] for node in nodes
              if node.name == LEAF}
    return _named_graph(result, record, leaves, given)


def _root(loss: Any, torch: Any) -> TorchNode:
    """The node that computed `loss`, or an error saying why there is none."""
    if not isinstance(loss, torch.Tensor):
        raise TypeError(f"from_torch: give the PyTorch tensor your forward pass computed "
                        f"(the loss), not {type(loss).__name__}")
    if loss.grad_fn is None:
        why = ("it is a leaf (a tensor you created), not the result of a computation"
               if loss.requires_grad else
               "it does not require grad: it was computed under torch.no_grad(), or from "
               "tensors none of which requires grad")
        raise ValueError(f"from_torch: the tensor has no graph to read ({why})")
    return TorchNode(loss.grad_fn)


def _graph(root: TorchNode) -> list[TorchNode]:
    """Every node `root` depends on, parents first (iterative depth-first search)."""
    order: list[TorchNode] = []
    seen = {root.function}
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent is not None and parent not in seen:
                seen.add(parent)
                child = TorchNode(parent)
                stack.append((child, iter(child.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def _given_names(params: Any, torch: Any, nodes: list[TorchNode]) -> dict[Any, tuple[str, bool]]:
    """tensor → (name, given by the user) for the parameters `params` names."""
    if params is None:
        return {}
    if isinstance(params, torch.nn.Module):
        return {tensor: (name, False) for name, tensor in params.named_parameters()}
    if not isinstance(params, Mapping):
        raise TypeError("from_torch: params must be a torch.nn.Module or a mapping "
                        f"{{name: tensor}}, not {type(params).__name__}")
    leaves = {node.function.variable for node in nodes if node.name == LEAF}
    for name, tensor in params.items():
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"from_torch: params[{name!r}] is a {type(tensor).__name__}, "
                            "not a tensor")
        if tensor not in leaves:
            raise ValueError(f"from_torch: params[{name!r}] is not a leaf of the loss's graph "
                             "(the loss does not depend on it, or it does not require grad)")
    return {tensor: (str(name), True) for name, tensor in params.items()}


def _observations(nodes: list[TorchNode], loss: Any
                  ) -> tuple[dict[Any, list[np.ndarray]], dict[Any, np.ndarray]]:
    """node → the values PyTorch saved of its output: its own saved result, the inputs its
    consumers saved, and for the root the loss itself. Second, node → its output estimated
    from a consumer that saved only its own result (exp, sigmoid, … inverted)."""
    observed: dict[Any, list[np.ndarray]] = {nodes[-1].function: [to_numpy(loss)]}
    estimated: dict[Any, np.ndarray] = {}
    for node in nodes:
        translation = TRANSLATIONS.get(node.name)
        if translation is None:
            continue
        if translation.result:
            result = node.saved(translation.result)
            observed.setdefault(node.function, []).append(result)
            parent = node.parents[0]
            if translation.inverse and parent is not None and parent not in estimated:
                with np.errstate(all="ignore"):
                    estimated[parent] = translation.inverse(result)
        for parent, attribute in zip(node.parents, translation.inputs, strict=False):
            if parent is not None and attribute:
                value = node.saved(attribute)
                if isinstance(value, np.ndarray):
                    observed.setdefault(parent, []).append(value)
    return observed, estimated


def _operand(node: TorchNode, translation: Translation, index: int,
             values: dict[Any, Value]) -> Any:
    """Operand `index` of `node`: a rebuilt Value, a saved constant, or None (not saved)."""
    parents = node.parents
    parent = parents[index] if index < len(parents) else None
    if parent is not None:
        return values[parent]
    attribute = translation.inputs[index]
    data = node.saved(attribute) if attribute else None
    if data is None:
        return None
    role = translation.role(index)
    if role == "labels":
        return np.asarray(data)
    if np.ndim(data) == 0:  # a number: weakly typed, as PyTorch treats it (float32 stays)
        data = float(data)
    return constant(data, "y" if role == "target" else None)


def _rebuild(node: TorchNode, translation: Translation, values: dict[Any, Value],
             observed: dict[Any, list[np.ndarray]], estimated: dict[Any, np.ndarray]) -> Value:
    """`node` computed again from its operands; a constant it did not save is recovered
    from its result (see `constants`), or the error says why it cannot be."""
    operands = [_operand(node, translation, i, values) for i in range(len(translation.inputs))]
    missing = [i for i, operand in enumerate(operands) if operand is None]
    if missing:
        results = observed.get(node.function)
        out = results[0] if results else estimated.get(node.function)
        if translation.solve is None or len(missing) > 1 or out is None:
            raise UnsupportedNode(
                f"{node.name}: PyTorch saved no copy of its constant operand {missing[0] + 1} "
                "(its gradient does not need it) and no later node saved this node's result, "
                "so the constant cannot be recovered. Make it a leaf before the forward pass "
                "(y.requires_grad_()) and name it with params={'y': y}; or, if the tensors "
                f"were freed: {FREED_HINT}")
        raw = [None if operand is None else operand.data for operand in operands]
        candidate, combine = translation.solve(node, raw, out)
        operands[missing[0]] = constant(recover(candidate, combine, out, exact=bool(results)))
    return translation.build(node, *operands)


def _check(node: TorchNode, value: Value, observed: list[np.ndarray]) -> None:
    """Refuse a rebuilt value that differs from what PyTorch computed for the same node."""
    if node.name != LEAF and value.shape != node.output_shape:
        raise ValueMismatch(f"{node.name}: rebuilt with shape {value.shape}, PyTorch's has "
                            f"{node.output_shape}")
    ours = np.asarray(value.data)
    tolerance = TOLERANCE.get(ours.dtype, 1e-2)
    for theirs in observed:
        scale = max(1.0, float(np.max(np.abs(theirs), initial=0.0)))
        if theirs.shape != ours.shape or not np.allclose(ours, theirs, rtol=tolerance,
                                                         atol=tolerance * scale):
            difference = (float(np.max(np.abs(ours - theirs)))
                          if theirs.shape == ours.shape else "shapes differ")
            what = "parameter" if node.name == LEAF else "rebuilt value"
            raise ValueMismatch(
                f"{node.name}: the {what} differs from the one PyTorch used in the forward "
                f"pass (largest difference {difference}). {CHANGED_HINT}")


def _named_graph(root: Value, record: LossRecord | None, leaves: dict[Any, Value],
                 given: dict[Any, tuple[str, bool]]) -> TorchGraph:
    """Label the rebuilt graph as the course does (X, W1, b1, Z1, A1, …, L, J) and collect
    the parameters by name, Linear layers first."""
    layers = linear_layers(topological_order(root))
    names = _parameter_names(leaves, layers, given)
    for value, name in names.items():
        value.label = name
    for k, layer in enumerate(layers, start=1):
        group = (f"layer {k}",)
        for node in (layer.weight, layer.transposed, layer.bias, layer.output, layer.activation):
            if node is not None:
                node.group = group
        layer.transposed.label = f"{layer.weight.label}ᵀ"
        layer.output.label = f"Z{k}"
        if layer.activation is not None:
            layer.activation.label = f"A{k}"
        if k == 1 and layer.input.op is None and not layer.input.requires_grad:
            layer.input.label = "X"
    root.label = "J"
    in_layers = [node for layer in layers for node in (layer.weight, layer.bias)
                 if node is not None]
    ordered = dict.fromkeys([*in_layers, *leaves.values()])
    tensor_of = {value: tensor for tensor, value in leaves.items()}
    torch_names = {names[value]: given[tensor_of[value]][0] for value in ordered
                   if tensor_of[value] in given and not given[tensor_of[value]][1]}
    return TorchGraph(root, {names[value]: value for value in ordered}, torch_names,
                      tuple(layers), record)


def _parameter_names(leaves: dict[Any, Value], layers: list[LinearLayer],
                     given: dict[Any, tuple[str, bool]]) -> dict[Value, str]:
    """Each leaf's name: yours (a mapping), else W1/b1… for Linear layers, else the module's
    name, else leaf1, leaf2, …"""
    tensor_of = {value: tensor for tensor, value in leaves.items()}
    names = {value: given[tensor][0] for tensor, value in leaves.items()
             if given.get(tensor, ("", False))[1]}
    for k, layer in enumerate(layers, start=1):
        for parameter, name in ((layer.weight, f"W{k}"), (layer.bias, f"b{k}")):
            if parameter is not None and parameter not in names:
                names[parameter] = name
    count = 0
    for value in leaves.values():
        if value not in names:
            if tensor_of[value] in given:
                names[value] = given[tensor_of[value]][0]
            else:
                count += 1
                names[value] = f"leaf{count}"
    return names
