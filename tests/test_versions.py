"""A graph used after its Values changed is refused, naming the changed Value and the fix.

Every sanctioned update (an optimizer step, load_state_dict, an assignment to `.data`,
`mark_changed()`) moves a Value's version on; backward, grad, explain, compare, draw and
local_derivative then refuse the graphs recorded before, as PyTorch refuses a tensor
"modified by an inplace operation".
"""

import copy
import threading

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.errors import StaleGraphError

INIT = {"w1": 1.2, "w2": 0.5, "w3": -0.6, "w4": 0.9, "w5": 0.73, "w6": -0.45}


def course_net():
    """The README's 2→2→1 net, its loss J (backward done) and its weights by name."""
    net = nn.MLP(2, [2, 1], scalar=True, init=INIT)
    J = nn.binary_cross_entropy(net([0.52, 0.30]), 1.0)
    J.backward()
    return net, J, dict(net.named_parameters())


USES = {
    "backward": lambda J, w: J.backward(),
    "grad": lambda J, w: ts.grad(J, w["w1"]),
    "grad (create_graph)": lambda J, w: ts.grad(J, w["w1"], create_graph=True),
    "explain": lambda J, w: ts.explain(J, w["w1"]),
    "compare": lambda J, w: ts.compare(J, w["w1"], w["w3"]),
    "draw": lambda J, w: ts.draw(J),
    "local_derivative": lambda J, w: ts.local_derivative(J.parents[0].parents[0], 0),
}

UPDATES = {
    "SGD step": lambda net, w: nn.SGD(net.parameters(), lr=5.0).step(),
    "Adam step": lambda net, w: nn.Adam(net.parameters(), lr=0.1).step(),
    "momentum step": lambda net, w: nn.SGD(net.parameters(), lr=0.1, momentum=0.9).step(),
    "load_state_dict (scalar names)": lambda net, w: net.load_state_dict(net.state_dict()),
    "load_state_dict (tensor names)": lambda net, w: net.load_state_dict(
        net.to_tensor().state_dict()),
    "layer.load_arrays": lambda net, w: net.layers[1].load_arrays(
        net.layers[1].weight_matrix(), net.layers[1].bias_vector()),
    "assignment to .data": lambda net, w: setattr(w["w5"], "data", 0.8),
    "in-place update of .data": lambda net, w: w["w5"].__setattr__("data", w["w5"].data - 0.1),
    "mark_changed": lambda net, w: w["w5"].mark_changed(),
}


@pytest.mark.parametrize("use", USES)
@pytest.mark.parametrize("update", UPDATES)
def test_every_use_of_a_graph_after_an_update_is_refused(update, use):
    net, J, w = course_net()
    before = {name: p.grad for name, p in w.items()}
    UPDATES[update](net, w)
    with pytest.raises(StaleGraphError, match="Re-run the forward pass") as error:
        USES[use](J, w)
    assert "changed" in str(error.value) and "version" in str(error.value)
    assert {name: p.grad for name, p in w.items()} == before  # nothing was accumulated


def test_the_error_names_the_changed_leaf_and_both_versions():
    _net, J, w = course_net()
    w["w5"].data = 0.8
    with pytest.raises(StaleGraphError) as error:
        J.backward()
    message = str(error.value)
    assert message.startswith("J was computed before w5 changed: the leaf w5 is at version ")
    assert "but z3 read it at version" in message
    assert w["w5"].version > J.version


def test_the_issue_example_gives_the_right_numbers_once_the_forward_pass_is_rerun():
    net, J, w = course_net()
    assert w["w1"].grad == pytest.approx(-0.03531, abs=5e-6)
    nn.SGD(net.parameters(), lr=5.0).step()
    with pytest.raises(StaleGraphError):
        ts.explain(J, w["w1"])
    J = nn.binary_cross_entropy(net([0.52, 0.30]), 1.0)  # the forward pass again
    explanation = ts.explain(J, w["w1"])
    assert explanation.agrees
    assert explanation.total == pytest.approx(ts.grad(J, w["w1"]))


def test_an_optimizer_step_moves_every_parameter_to_one_new_version():
    net, _J, _w = course_net()
    versions = {p.version for p in net.parameters()}
    nn.SGD(net.parameters(), lr=0.1).step()
    after = {p.version for p in net.parameters()}
    assert len(after) == 1 and min(after) > max(versions)


def test_zero_grad_and_reading_change_no_version():
    net, J, _w = course_net()
    versions = [p.version for p in net.parameters()]
    net.zero_grad()
    nn.SGD(net.parameters(), lr=0.1).zero_grad()
    J.zero_grad()
    _ = [p.data for p in net.parameters()], net.state_dict()
    assert [p.version for p in net.parameters()] == versions
    J.backward()  # still current: the graph can be differentiated again


def test_a_training_loop_that_reruns_the_forward_pass_is_never_refused():
    x = ts.Value(np.array([0.5, -1.0]), label="x", requires_grad=False)
    w = ts.Value(np.array([0.1, 0.2]), label="w")
    optimizer = nn.SGD([w], lr=0.1)
    for _ in range(20):
        optimizer.zero_grad()
        J = ((w * x).sum() - 1.0) ** 2
        J.backward()
        optimizer.step()
    assert J.item() < 0.2


def test_changing_an_input_constant_is_seen_too():
    x = ts.Value(2.0, label="x", requires_grad=False)
    w = ts.Value(3.0, label="w")
    J = w * x
    x.data = 5.0
    with pytest.raises(StaleGraphError, match="the leaf x is at version"):
        ts.grad(J, w)


def test_a_graph_built_on_a_stale_node_is_refused_where_the_old_node_is_used():
    w = ts.Value(2.0, label="w")
    u = w * w
    w.data = 3.0
    J = u + w  # recorded after the change, but u read the old w
    with pytest.raises(StaleGraphError, match=r"u|w × w"):
        J.backward()


def test_a_computed_node_refuses_assignment_and_a_leaf_refuses_another_shape():
    w = ts.Value(np.ones(3), label="w")
    z = (w * 2).sum()
    with pytest.raises(ValueError, match=r"computed .*Change a leaf"):
        z.data = 1.0
    with pytest.raises(ts.ShapeError, match=r"shape \(2,\) to w of shape \(3,\)"):
        w.data = np.ones(2)
    with pytest.raises(TypeError, match="not str"):
        w.data = "abc"
    assert np.array_equal(w.data, np.ones(3)) and w.version <= z.version  # nothing changed


def test_changing_the_array_in_place_is_the_one_unchecked_escape_hatch():
    """As in PyTorch (`.data`), writing into the array itself cannot be seen; mark_changed()
    declares it."""
    w = ts.Value(np.array([1.0, 2.0]), label="w")
    J = (w * w).sum()
    w.data[0] = 10.0
    J.backward()  # not seen: J's graph still says w = [1, 2] where w holds [10, 2]
    assert w.grad.tolist() == [20.0, 4.0]
    w.mark_changed()
    with pytest.raises(StaleGraphError):
        J.backward()


def test_copies_keep_their_versions_and_stay_usable():
    net, J, _w = course_net()
    twin = copy.deepcopy(J)
    twin.backward()
    nn.SGD(net.parameters(), lr=0.1).step()
    twin.backward()  # the copy's leaves did not change
    with pytest.raises(StaleGraphError):
        J.backward()


def test_updates_in_another_thread_are_seen():
    w = ts.Value(1.0, label="w")
    J = w * 3.0
    thread = threading.Thread(target=lambda: nn.SGD([w], lr=0.1).step())
    w.grad = 1.0
    thread.start()
    thread.join()
    with pytest.raises(StaleGraphError):
        J.backward()
