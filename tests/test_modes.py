"""Grad mode is per thread (as in PyTorch); anomaly mode is per process."""

import threading

import pytest

import tinygrad_sym as ts


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def evaluate():
        with ts.no_grad():
            inside.set()
            done.wait(5)
            seen["evaluating"] = (ts.Value(2.0) * 3.0).requires_grad

    thread = threading.Thread(target=evaluate)
    thread.start()
    assert inside.wait(5)
    w = ts.Value(2.0)
    J = w * w  # the main thread trains while the other evaluates under no_grad
    J.backward()
    done.set()
    thread.join()
    assert J.requires_grad and w.grad == 4.0
    assert seen["evaluating"] is False


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
