"""Grad mode is per thread (as in PyTorch); anomaly mode is per process."""

import threading

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn


def beside_a_thread_under_no_grad(work):
    """Run `work()` here while another thread sits inside `no_grad()`; return what `work`
    returned and whether that thread's op, recorded after `work`, required a gradient."""
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def evaluate():
        with ts.no_grad():
            inside.set()
            done.wait(5)
            seen["recorded"] = (ts.Value(2.0) * 3.0).requires_grad

    thread = threading.Thread(target=evaluate)
    thread.start()
    assert inside.wait(5)
    try:
        result = work()
    finally:
        done.set()
        thread.join()
    return result, seen["recorded"]


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    def train():  # the main thread trains while the other evaluates under no_grad
        w = ts.Value(2.0)
        J = w * w
        J.backward()
        return J, w

    (J, w), recorded = beside_a_thread_under_no_grad(train)
    assert J.requires_grad and w.grad == 4.0
    assert recorded is False


def test_overlapping_no_grad_blocks_in_two_threads_leave_recording_on():
    """T1 enters after T0 and leaves after it: with one process-wide switch, T1 would
    restore the 'off' it saw on entry and leave recording off for everyone."""
    t0_inside, t1_inside, t0_left = threading.Event(), threading.Event(), threading.Event()
    after = {}

    def first():
        with ts.no_grad():
            t0_inside.set()
            t1_inside.wait(5)
        t0_left.set()
        after["t0"] = (ts.Value(1.0) * 2.0).requires_grad

    def second():
        t0_inside.wait(5)
        with ts.no_grad():
            t1_inside.set()
            t0_left.wait(5)
        after["t1"] = (ts.Value(1.0) * 2.0).requires_grad

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert after == {"t0": True, "t1": True}
    assert (ts.Value(1.0) * 2.0).requires_grad


def test_a_new_thread_starts_with_recording_on_even_inside_no_grad():
    seen = {}
    with ts.no_grad():
        thread = threading.Thread(
            target=lambda: seen.setdefault("child", (ts.Value(1.0) * 2.0).requires_grad))
        thread.start()
        thread.join()
        assert not (ts.Value(1.0) * 2.0).requires_grad
    assert seen["child"] is True


@pytest.mark.filterwarnings("ignore:invalid value encountered in log")
def test_anomaly_mode_is_shared_by_every_thread():
    seen = {}

    def child():
        try:
            ts.Value(-1.0).log()
        except ts.AnomalyError:
            seen["raised"] = True

    with ts.detect_anomaly():
        thread = threading.Thread(target=child)
        thread.start()
        thread.join()
    assert seen.get("raised") is True


def test_create_graph_in_one_thread_does_not_turn_recording_on_in_another():
    """backward(create_graph=True) switches grad mode on for its own thread only."""
    def second_order():
        with ts.no_grad():
            w = ts.Value(2.0)
        J = w * w * w
        (first,) = ts.grad(J, [w], create_graph=True)
        return first, w

    (first, w), recorded = beside_a_thread_under_no_grad(second_order)
    assert first.requires_grad and ts.grad(first, w) == 12.0
    assert recorded is False


def test_predicting_in_a_thread_while_fit_trains_in_another():
    """The issue's notebook: nn.predict (under no_grad) beside a running fit."""
    X = np.random.default_rng(0).random((20, 2))
    y = (X.sum(axis=1, keepdims=True) > 1).astype(float)
    net = nn.MLP(2, [3, 1])
    stop, errors = threading.Event(), []

    def watch():
        while not stop.is_set():
            try:
                nn.predict(net, X)
            except Exception as error:  # reported below
                errors.append(error)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        history = nn.fit(net, X, y, epochs=200, progress=False)
    finally:
        stop.set()
        watcher.join()
    assert not errors and len(history.loss) == 200 and history.loss[-1] < history.loss[0]


def test_threads_whose_graphs_share_a_leaf_add_up_every_gradient():
    w = ts.Value(np.ones(3), label="w")
    x = np.array([1.0, 2.0, 3.0])

    def train():
        for _ in range(200):
            (w * x).sum().backward()

    threads = [threading.Thread(target=train) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert w.grad.tolist() == (6 * 200 * x).tolist()


def test_open_no_grad_blocks_are_counted_back_to_none():
    """While no `no_grad()` block is open in any thread, recording an op skips reading its
    thread's switch: the count of open blocks must come back to zero after nested blocks,
    blocks left by an error and decorated calls, and a block that turns recording back on
    inside one must record."""
    from tinygrad_sym import modes

    assert modes.shared.no_grad_blocks == 0

    @ts.no_grad()
    def evaluate(x):
        return (ts.Value(x) * 2.0).requires_grad

    with ts.no_grad():
        with ts.no_grad():
            assert modes.shared.no_grad_blocks == 2
            assert not (ts.Value(1.0) * 2.0).requires_grad
        with modes.set_grad_enabled(True):
            assert (ts.Value(1.0) * 2.0).requires_grad
        assert not (ts.Value(1.0) * 2.0).requires_grad
    with pytest.raises(ZeroDivisionError), ts.no_grad():
        1 / 0  # noqa: B018
    assert evaluate(1.0) is False
    assert modes.shared.no_grad_blocks == 0
    assert (ts.Value(1.0) * 2.0).requires_grad
