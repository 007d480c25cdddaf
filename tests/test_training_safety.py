"""Training refuses bad inputs before anything changes, and survives Ctrl-C whole.

* `fit` checks its data, counts, loss and optimizer (and runs the loss once over every
  example) before the first step: a refused call leaves the model as it was.
* The losses refuse what would give a wrong number without a word: BCE of a probability
  or a target outside [0, 1], a class label outside 0 … classes − 1 (on both paths).
* Optimizers refuse bad settings when made; a step is all or nothing.
* Ctrl-C anywhere inside `fit` (real SIGINTs, injected at random lines of the library's
  code) ends it cleanly: no parameter a step ahead of another, and the History so far is
  returned, marked interrupted.
"""

from __future__ import annotations

import _thread
import random
import sys
import time

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.nn.interrupts import deferred_interrupts

X = np.array([[0.1, 0.9], [0.8, 0.2], [0.5, 0.5], [0.3, 0.1], [0.9, 0.7], [0.2, 0.4]])
Y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0], [0.0]])


def net(scalar=False, **kwargs):
    ts.manual_seed(3)
    return nn.MLP(2, [3, 1], scalar=scalar, **kwargs)


def _same(state, other):
    """Two states hold bit-for-bit the same parameters."""
    return state.keys() == other.keys() and all(
        np.array_equal(value, other[name]) for name, value in state.items())


def unchanged(model, before):
    return _same(model.state_dict(), before)


# ------------------------------------------------------------------ fit checks its inputs

BAD_FITS = {
    "more labels than examples": (dict(y=np.vstack([Y, Y[:1]])), ValueError,
                                  "X has 6 examples but y has 7 labels"),
    "fewer labels than examples": (dict(y=Y[:4]), ValueError, "X has 6 examples but y has 4"),
    "batch_size 0": (dict(batch_size=0), ValueError, "batch_size must be at least 1, got 0"),
    "batch_size -1": (dict(batch_size=-1), ValueError, "batch_size must be at least 1"),
    "batch_size 2.5": (dict(batch_size=2.5), ValueError, "batch_size must be an integer"),
    "batch_size True": (dict(batch_size=True), ValueError, "batch_size must be an integer"),
    "epochs -1": (dict(epochs=-1), ValueError, "epochs must be at least 0"),
    "epochs 1.5": (dict(epochs=1.5), ValueError, "epochs must be an integer"),
    "empty X": (dict(X=X[:0], y=Y[:0]), ValueError, "X is empty"),
    "X a number": (dict(X=3.0), ValueError, "X must hold one row per example"),
    "X with nan": (dict(X=np.where(X > 0.85, np.nan, X)), ValueError, "X holds nan"),
    "y with inf": (dict(y=np.where(Y > 0, np.inf, Y)), ValueError, "y holds inf"),
    "X of strings": (dict(X=[["a", "b"]] * 6), TypeError, "X must be a rectangular array"),
    "ragged X": (dict(X=[[1.0, 2.0], [3.0]] * 3), TypeError, "X must be a rectangular array"),
    "a label of 2 for BCE": (dict(y=np.where(Y > 0, 2.0, 0.0)), ValueError,
                             "target 2.0 at index .* outside \\[0, 1\\]"),
    "X of the wrong width": (dict(X=np.ones((6, 3))), ts.ShapeError, "affine"),
    "an unknown loss": (dict(loss="hinge"), ValueError, "unknown loss 'hinge'"),
    "a loss that is not a function": (dict(loss=3), TypeError, "loss must be a loss function"),
    "an optimizer of another net": (dict(optimizer="other"), ValueError,
                                    "holds none of this model's parameters"),
    "an optimizer that is not one": (dict(optimizer=[1, 2]), TypeError,
                                     "optimizer must be an nn optimizer"),
}


@pytest.mark.parametrize("case", BAD_FITS)
def test_fit_refuses_bad_input_before_any_step(case):
    changes, kind, message = BAD_FITS[case]
    model = net()
    arguments = {"X": X, "y": Y, "epochs": 3, "progress": False, **changes}
    if arguments.get("optimizer") == "other":
        arguments["optimizer"] = nn.SGD(net().parameters(), lr=0.1)
    before = model.state_dict()
    with pytest.raises(kind, match=message):
        nn.fit(model, **arguments)
    assert unchanged(model, before)


def test_fit_refuses_a_linear_output_trained_with_bce_and_points_to_bce_with_logits():
    model = net(output_activation="linear", init=2.0)
    with pytest.raises(ValueError, match=r"probability .* outside .*bce_with_logits"):
        nn.fit(model, X * 10, Y, loss=nn.binary_cross_entropy, epochs=5, progress=False)
    history = nn.fit(model, X * 10, Y, loss=nn.bce_with_logits, epochs=5, progress=False)
    assert np.all(np.isfinite(history.loss))


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_a_loss_that_diverges_stops_fit_with_the_history_so_far():
    model = net(output_activation="linear")
    with pytest.raises(FloatingPointError, match=r"the loss is (inf|nan) at epoch") as error:
        nn.fit(model, X * 100, Y * 100, loss="mse", optimizer=nn.SGD(model.parameters(), lr=10),
               epochs=200, progress=False)
    history = error.value.history
    assert history.loss and not history.interrupted
    assert all(np.isfinite(p).all() for p in model.state_dict().values())


def test_errors_leaving_fit_carry_the_history():
    calls = []

    def loss(predictions, targets, label="J"):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("boom")
        return nn.mse(predictions, targets, label)

    with pytest.raises(RuntimeError, match="boom") as error:
        nn.fit(net(), X, Y, loss=loss, epochs=10, progress=False)
    assert len(error.value.history.loss) == 3  # the first call checks the data


def test_cost_refuses_mismatched_lengths_on_a_scalar_net():
    with pytest.raises(ValueError, match="X has 6 examples but y has 5 labels"):
        nn.cost(net(scalar=True), X, Y[:5])


# ------------------------------------------------------------------------------ losses


def test_binary_cross_entropy_refuses_probabilities_and_targets_outside_0_1():
    with pytest.raises(ValueError, match=r"probability 1\.7 at index \(1,\).*bce_with_logits"):
        nn.binary_cross_entropy(ts.Value(np.array([0.5, 1.7])), [1.0, 0.0])
    with pytest.raises(ValueError, match=r"probability -0.2 is outside"):
        nn.binary_cross_entropy(ts.Value(-0.2), 1.0)
    with pytest.raises(ValueError, match="probability nan"):
        nn.binary_cross_entropy(ts.Value(np.array([np.nan])), [1.0])
    with pytest.raises(ValueError, match=r"target 2.0 .*negative"):
        nn.binary_cross_entropy(ts.Value(np.array([0.5, 0.5])), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"target -1.0"):
        nn.bce_with_logits(ts.Value(np.array([3.0])), [-1.0])
    # the edges themselves are fine (clipped to [ε, 1 − ε] inside)
    assert np.isfinite(nn.binary_cross_entropy(ts.Value(np.array([0.0, 1.0])), [1.0, 0.0]).item())


@pytest.mark.parametrize("logits, labels", [
    (np.zeros(3), -1), (np.zeros(3), 3), (np.zeros((2, 3)), [-1, 0]), (np.zeros((2, 3)), [0, 3]),
])
def test_softmax_cross_entropy_has_one_rule_for_labels_on_both_paths(logits, labels):
    with pytest.raises(ValueError, match="is not a class: labels must lie in 0…2"):
        nn.softmax_cross_entropy(ts.Value(logits), labels)


def test_softmax_cross_entropy_names_the_shapes_it_takes():
    with pytest.raises(ts.ShapeError, match=r"\(classes,\) for one example or \(n, classes\)"):
        nn.softmax_cross_entropy(ts.Value(np.zeros((2, 3, 4))), [0, 1])
    with pytest.raises(ts.ShapeError, match=r"need labels of shape \(2,\), got labels of shape"):
        nn.softmax_cross_entropy(ts.Value(np.zeros((2, 3))), [[0], [1]])
    with pytest.raises(TypeError, match="class indices"):
        nn.softmax_cross_entropy(ts.Value(np.zeros((2, 3))), [0.5, 1])


@pytest.mark.parametrize("loss", [nn.mse, nn.binary_cross_entropy, nn.bce_with_logits,
                                  nn.softmax_cross_entropy])
def test_losses_refuse_an_empty_batch(loss):
    with pytest.raises(ValueError, match="no predictions"):
        loss(ts.Value(np.zeros((0, 2))), np.zeros((0, 2)))


# -------------------------------------------------------------------------- optimizers


@pytest.mark.parametrize("make, message", [
    (lambda p: nn.SGD(p, lr=-0.1), r"lr must be a finite number in \[0, inf\]"),
    (lambda p: nn.SGD(p, lr="0.1"), "lr must be a number"),
    (lambda p: nn.SGD(p, lr=0.1, momentum=1.5), r"momentum must be a finite number in \[0, 1\)"),
    (lambda p: nn.Adam(p, betas=(0.9,)), "betas must be a pair"),
    (lambda p: nn.Adam(p, betas=(0.9, 1.0)), r"betas\[1\] must be a finite number in \[0, 1\)"),
    (lambda p: nn.Adam(p, eps=-1), "eps must be a finite number"),
    (lambda p: nn.SGD(p + p[:1], lr=0.1), "listed twice"),
    (lambda p: nn.SGD([*p, 3.0], lr=0.1), "parameters must be Values"),
    (lambda p: nn.SGD([p[0] * 2], lr=0.1), "computed by an op"),
    (lambda p: nn.SGD([ts.Value(1.0, requires_grad=False)], lr=0.1), "a constant"),
    (lambda p: nn.SGD([], lr=0.1), "got no parameters"),
])
def test_optimizers_refuse_bad_settings_when_made(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make(net().parameters())


def test_a_step_checks_every_gradient_before_changing_any_parameter():
    model = net()
    parameters = model.parameters()
    optimizer = nn.SGD(parameters, lr=0.1)
    for p in parameters:
        p.grad = np.ones(p.shape)
    parameters[-1].grad = None
    before = model.state_dict()
    with pytest.raises(RuntimeError, match="has no gradient"):
        optimizer.step()
    parameters[-1].grad = np.ones(5)
    with pytest.raises(ts.ShapeError, match="the gradient of b2 has shape"):
        optimizer.step()
    assert unchanged(model, before) and optimizer.steps == 0


def test_load_state_dict_checks_every_value_before_writing_any():
    model = net()
    before = model.state_dict()
    state = {**before, "W2": np.ones((3, 1)), "b2": np.ones(7)}
    with pytest.raises(ValueError, match="b2 has shape"):
        model.load_state_dict(state)
    state = {**before, "W1": np.zeros((2, 3)), "b1": "abc"}
    with pytest.raises(TypeError, match="b1 must be set to numbers"):
        model.load_state_dict(state)
    assert unchanged(model, before)


# ------------------------------------------------------------------------------ Ctrl-C


def test_an_interrupt_inside_deferred_interrupts_arrives_when_the_block_ends():
    finished = []
    with pytest.raises(KeyboardInterrupt), deferred_interrupts():
        _thread.interrupt_main()
        time.sleep(0.01)  # the signal is handled here, and held back
        finished.append(True)
    assert finished == [True]


def test_deferred_interrupts_in_another_thread_runs_the_block_and_leaves_sigint_alone():
    import signal
    import threading

    handler = signal.getsignal(signal.SIGINT)
    ran, errors = [], []

    def work():
        try:
            with deferred_interrupts():
                ran.append(signal.getsignal(signal.SIGINT))
        except Exception as error:  # reported below, in the main thread
            errors.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors == [] and ran == [handler] and signal.getsignal(signal.SIGINT) is handler


def _fit(model, **kwargs):
    ts.manual_seed(5)  # the same shuffles in every run
    return nn.fit(model, X, Y, optimizer=nn.SGD(model.parameters(), lr=0.5, momentum=0.5),
                  epochs=4, batch_size=2, progress=False, record_parameters=True, **kwargs)


def _tracer(on_line, where: str):
    """A trace function calling `on_line()` at each line run in the library's files whose
    name contains `where`."""

    def local(frame, event, arg):
        if event == "line":
            on_line()
        return local

    def trace(frame, event, arg):
        name = frame.f_code.co_filename
        return local if "tinygrad_sym" in name and where in name else None

    return trace


def _interrupt_at_line(count: int, where: str):
    """Send SIGINT (as Ctrl-C does) when the library has run `count` lines in `where`."""
    seen = 0

    def on_line():
        nonlocal seen
        seen += 1
        if seen == count:
            _thread.interrupt_main()
            sys.settrace(None)

    return _tracer(on_line, where)


def _lines_run(function, where: str) -> int:
    """How many lines of the library's files named like `where` `function()` runs."""
    seen = []
    sys.settrace(_tracer(lambda: seen.append(1), where))
    try:
        function()
    finally:
        sys.settrace(None)
    return len(seen)


@pytest.mark.parametrize("where", ["", "nn/optim.py"], ids=["anywhere", "in a step"])
@pytest.mark.parametrize("scalar", [False, True], ids=["tensor", "scalar"])
def test_ctrl_c_at_random_points_of_fit_leaves_every_step_whole_and_keeps_the_history(
        scalar, where):
    """Each trial sends SIGINT at a random line of the library's code (anywhere, or inside
    an optimizer step) and checks the model and the History against an uninterrupted run."""
    reference = _fit(net(scalar))
    total = _lines_run(lambda: _fit(net(scalar)), where)
    interrupted = 0
    for trial in range(12):
        model = net(scalar)
        sys.settrace(_interrupt_at_line(random.Random(trial).randint(1, total), where))
        try:
            history = _fit(model)
            time.sleep(0.005)  # an interrupt due at the very end arrives here: not counted
        except KeyboardInterrupt:
            continue
        finally:
            sys.settrace(None)
        interrupted += history.interrupted
        steps = history.steps
        assert len(history.parameters) == steps + 1
        assert all(_same(a, b) for a, b in zip(history.parameters, reference.parameters,
                                                strict=False))
        state = model.state_dict()
        assert _same(state, reference.parameters[steps]), "a parameter moved without the others"
        assert history.loss == reference.loss[: len(history.loss)]
        assert history.interrupted or steps == reference.steps
    assert interrupted >= 8


def test_ctrl_c_from_the_loss_function_returns_the_history_marked_interrupted(capsys):
    calls = []

    def loss(predictions, targets, label="J"):
        calls.append(1)
        if len(calls) == 6:
            raise KeyboardInterrupt
        return nn.binary_cross_entropy(predictions, targets, label)

    model = net()
    history = nn.fit(model, X, Y, loss=loss, epochs=10, progress=False, record_parameters=True)
    assert history.interrupted and history.steps == 4 and len(history.loss) == 4
    assert len(history.parameters) == 5
    assert unchanged(model, history.parameters[-1])
    assert "interrupted (Ctrl-C) after 4 steps" in capsys.readouterr().err
