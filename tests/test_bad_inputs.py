"""Bad input at every public entry point gets a clear error, never an internal traceback.

Each row: what is called, the exception expected, and a fragment of its message naming the
problem (and mostly the fix). No row may end in AttributeError, IndexError, KeyError,
RecursionError … raised from deep inside, nor pass silently. README ("Errors") counts the
rows and sums up what each class of bad input gets.
"""

from __future__ import annotations

import copy
import pickle
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.errors import StaleGraphError
from tinygrad_sym.testing import GradcheckError, gradcheck, gradgradcheck

INTERNAL = (AttributeError, IndexError, KeyError, NameError, UnboundLocalError, RecursionError,
            ZeroDivisionError, OverflowError, AssertionError)
"""What a user should never see: the library tripping over its own feet."""


def x():
    return ts.Value(2.0, label="x")


def out():
    leaf = x()
    return leaf * 3.0


def matrix():
    return ts.Value(np.arange(6.0).reshape(2, 3), label="A")


def tensor_net():
    return nn.MLP(2, [2, 1])


def scalar_net():
    return nn.MLP(2, [2, 1], scalar=True)


def stale_graph(use: Callable[[ts.Value, ts.Value], Any]) -> Callable[[], Any]:
    def call():
        w = ts.Value(1.5, label="w")
        J = (w * 2.0).tanh()
        nn.SGD([w], lr=0.1).step()
        return use(J, w)

    return call


def deep_value(depth: int = 5000) -> ts.Value:
    y = ts.Value(1.0)
    for _ in range(depth):
        y = y * 1.0001
    return y


X = np.random.default_rng(0).random((4, 2))
Y = np.ones((4, 1))

ROWS: list[tuple[str, Callable[[], Any], type[BaseException], str]] = [
    # ---------------------------------------------------------------- Value and its data
    ("Value of a string", lambda: ts.Value("1.0"), TypeError, "not str"),
    ("Value of None", lambda: ts.Value(None), TypeError, "not NoneType"),
    ("Value of a complex number", lambda: ts.Value(1j), TypeError, "not complex"),
    ("Value of a ragged list", lambda: ts.Value([[1], [1, 2]]), TypeError, "rectangular"),
    ("Value of objects", lambda: ts.Value(np.array([1, "a"], object)), TypeError, "dtype object"),
    ("Value of a Value", lambda: ts.Value(x()), TypeError, "already a Value"),
    ("Value of a huge int", lambda: ts.Value(10**400), ValueError, "too large for a float"),
    ("Value(1.0, label=3)", lambda: ts.Value(1.0, label=3), TypeError, "label must be a string"),
    ("label set to a number", lambda: setattr(x(), "label", 3), TypeError, "label must be"),
    (".data of a computed node", lambda: setattr(out(), "data", 1.0), ValueError,
     "it is computed"),
    (".data of another shape", lambda: setattr(matrix(), "data", np.ones(2)), ts.ShapeError,
     "shapes must be equal"),
    (".data set to a string", lambda: setattr(x(), "data", "a"), TypeError, "not str"),
    ("bool of 3 elements", lambda: bool(ts.Value(np.zeros(3))), ValueError, "ambiguous"),
    ("len of a scalar", lambda: len(x()), TypeError, "has no meaning"),
    ("item of a matrix", lambda: matrix().item(), ts.ShapeError, "one element"),
    # ------------------------------------------------------------------------- ops
    ("add a string", lambda: x() + "a", TypeError, "not str"),
    ("add None", lambda: matrix() + None, TypeError, "not NoneType"),
    ("add shapes that do not broadcast", lambda: matrix() + np.ones(4), ts.ShapeError,
     "add: cannot apply to shapes (2, 3) and (4,)"),
    ("matmul of misfits", lambda: matrix() @ matrix(), ts.ShapeError, "last axis of the left"),
    ("sum over axis 5", lambda: matrix().sum(axis=5), ts.ShapeError, "axis must exist"),
    ("sum over axis 'x'", lambda: matrix().sum(axis="x"), TypeError, "axis must exist"),
    ("reshape to 5", lambda: matrix().reshape(5), ts.ShapeError, "same number of elements"),
    ("transpose (0, 0)", lambda: matrix().transpose(0, 0), ts.ShapeError, "permutation"),
    ("index 10", lambda: matrix()[10], ts.ShapeError, "index must fit"),
    ("index with a Value", lambda: matrix()[x()], TypeError, "not with a Value"),
    ("index a scalar", lambda: x()[0], TypeError, "getitem"),
    ("softmax over axis 4", lambda: matrix().softmax(axis=4), ts.ShapeError, "softmax"),
    ("broadcast_to (4, 4)", lambda: matrix().broadcast_to((4, 4)), ts.ShapeError, "broadcast"),
    ("stack of a number", lambda: ts.stack(3), TypeError, "give a list of Values"),
    ("stack of nothing", lambda: ts.stack([]), ts.ShapeError, "need at least one"),
    ("stack of mixed shapes", lambda: ts.stack([x(), matrix()]), ts.ShapeError, "same shape"),
    ("concatenate scalars", lambda: ts.concatenate([x(), x()]), ts.ShapeError, "at least one"),
    ("weighted_sum of numbers", lambda: ts.weighted_sum(3, 4), TypeError, "list of numbers"),
    ("weighted_sum 1 weight 2 inputs", lambda: ts.weighted_sum([x()], [1.0, 2.0]),
     ts.ShapeError, "1 weights but 2 inputs"),
    ("affine of misfits", lambda: ts.affine(matrix(), matrix(), 0.0), ts.ShapeError, "affine"),
    # ------------------------------------------------------------------ backward, grad
    ("ts.grad(out, 3.0)", lambda: ts.grad(out(), 3.0), TypeError,
     "inputs must be a Value or a list of Values"),
    ("ts.grad(out, np.ones(2))", lambda: ts.grad(out(), np.ones(2)), TypeError,
     "not ndarray"),
    ("ts.grad(out, [3.0])", lambda: ts.grad(out(), [3.0]), TypeError, "input 0 must be a Value"),
    ("ts.grad(3.0, x)", lambda: ts.grad(3.0, x()), TypeError, "output must be a Value"),
    ("ts.backward(3.0)", lambda: ts.backward(3.0), TypeError, "output must be a Value"),
    ("grad for a constant", lambda: ts.grad(out(), ts.Value(1.0, requires_grad=False)),
     ValueError, "is a constant"),
    ("backward of constants only", lambda: (ts.Value(1.0, requires_grad=False) * 2).backward(),
     RuntimeError, "does not depend on anything that requires a gradient"),
    ("backward of a tensor, no seed", lambda: (matrix() * 2).backward(), ts.ShapeError,
     "needs a seed gradient"),
    ("backward with a misfit seed", lambda: (matrix() * 2).backward(np.ones(5)),
     ts.ShapeError, "seed gradient grad has shape (5,)"),
    ("backward with a string seed", lambda: (matrix() * 2).backward("x"), TypeError, "not str"),
    ("backward after a step", stale_graph(lambda J, w: J.backward()), StaleGraphError,
     "Re-run the forward pass"),
    ("grad after a step", stale_graph(lambda J, w: ts.grad(J, w)), StaleGraphError,
     "w changed"),
    # ------------------------------------------------------ explain, compare, draw, formulas
    ("explain digits=-3", lambda: ts.explain(out(), out().parents[0], digits=-3), ValueError,
     "digits must be an integer from 1 to 17"),
    ("compare digits=-3", lambda: ts.compare(out(), x(), x(), digits=-3), ValueError,
     "digits must be an integer from 1 to 17"),
    ("explain max_paths='a'", lambda: ts.explain(out(), x(), max_paths="a"), ValueError,
     "max_paths must be an integer"),
    ("explain a tensor root", lambda: ts.explain(matrix() * 2, matrix()), ValueError,
     "the chain rule starts from one number"),
    ("explain a number", lambda: ts.explain(3.0, x()), TypeError, "root must be a Value"),
    ("compare with a number", lambda: ts.compare(out(), x(), 4), TypeError, "b must be a Value"),
    ("explain after a step", stale_graph(lambda J, w: ts.explain(J, w)), StaleGraphError,
     "Explaining now"),
    ("compare after a step", stale_graph(lambda J, w: ts.compare(J, w, w)), StaleGraphError,
     "Explaining now"),
    ("draw after a step", stale_graph(lambda J, w: ts.draw(J)), StaleGraphError, "Drawing now"),
    ("draw a number", lambda: ts.draw(3.0), TypeError, "root must be a Value"),
    ("draw digits=0", lambda: ts.draw(out(), digits=0), ValueError, "digits must be"),
    ("draw pic.jpg", lambda: ts.draw(out(), filename="pic.jpg"), ValueError,
     ".jpg is not a format draw writes; name the file .png, .svg or .pdf"),
    ("draw format='jpg'", lambda: ts.draw(out(), format="jpg"), ValueError,
     "cannot write format 'jpg'"),
    ("draw into a directory", lambda: ts.draw(out(), filename="/tmp/"), ValueError,
     "is a directory"),
    ("draw filename=3", lambda: ts.draw(out(), filename=3), TypeError, "filename must be a path"),
    ("draw highlight='x'", lambda: ts.draw(out(), highlight="x"), TypeError, "highlight takes"),
    ("local_derivative(node, 5)", lambda: ts.local_derivative(out(), 5), ValueError,
     "has 2 operands, numbered 0 to 1; got index 5"),
    ("local_derivative of a leaf", lambda: ts.local_derivative(x(), 0), ValueError,
     "is a leaf"),
    ("local_derivative of a number", lambda: ts.local_derivative(3.0, 0), TypeError,
     "node must be a Value"),
    ("local_derivative after a step", stale_graph(lambda J, w: ts.local_derivative(
        J.parents[0], 0)), StaleGraphError, "local derivative now"),
    ("topological_order(3)", lambda: ts.topological_order(3), TypeError, "must be a Value"),
    # --------------------------------------------------------------------------- nn
    ("MLP(2, [-3, 1])", lambda: nn.MLP(2, [-3, 1]), ValueError,
     "sizes[0] (the width of layer 1) must be a positive integer, got -3"),
    ("MLP(0, [1])", lambda: nn.MLP(0, [1]), ValueError, "nin (the number of inputs)"),
    ("MLP(2, 3)", lambda: nn.MLP(2, 3), TypeError, "sizes must be a list of layer widths"),
    ("MLP(2, [])", lambda: nn.MLP(2, []), ValueError, "at least one layer"),
    ("MLP dtype=int", lambda: nn.MLP(2, [1], dtype=int), TypeError, "float type"),
    ("MLP activation='gelu'", lambda: nn.MLP(2, [1], activation="gelu"), ValueError,
     "unknown activation 'gelu'"),
    ("MLP init='he'", lambda: nn.MLP(2, [1], init="he"), ValueError, "unknown init 'he'"),
    ("MLP init w99", lambda: nn.MLP(2, [2, 1], init={"w99": 1.0}), ValueError,
     "no parameter named 'w99'"),
    ("MLP init w1='a'", lambda: nn.MLP(2, [2, 1], init={"w1": "a"}), TypeError,
     "w1 must be set to numbers"),
    ("MLP init=nan", lambda: nn.MLP(2, [1], init=float("nan")), ValueError,
     "must be finite"),
    ("MLP init w1=inf", lambda: nn.MLP(2, [2, 1], init={"w1": np.inf}), ValueError,
     "w1 must be finite"),
    ("Dense(2, 0)", lambda: nn.Dense(2, 0), ValueError, "nout must be a positive integer"),
    ("Sequential of a number", lambda: nn.Sequential(3), TypeError, "takes Dense layers"),
    ("Constant('a')", lambda: nn.Constant("a"), TypeError, "must be a number"),
    ("tensor net on 5 features", lambda: tensor_net()(np.ones((3, 5))), ts.ShapeError,
     "affine"),
    ("scalar net on a batch", lambda: scalar_net()(np.ones((3, 2))), ts.ShapeError,
     "a scalar layer takes one example"),
    ("scalar net on strings", lambda: scalar_net()(["a", "b"]), TypeError,
     "input x1 must be a number"),
    ("load_state_dict of a list", lambda: tensor_net().load_state_dict([1, 2]), TypeError,
     "state must be a dict"),
    ("load_state_dict of wrong names", lambda: tensor_net().load_state_dict({"W9": 1}),
     ValueError, "neither this net's tensor names"),
    ("load_state_dict with None", lambda: tensor_net().load_state_dict(
        {**tensor_net().state_dict(), "b2": None}), TypeError, "b2 must be set to numbers"),
    ("load_state_dict misfit shape", lambda: tensor_net().load_state_dict(
        {**tensor_net().state_dict(), "b2": np.ones(3)}), ValueError, "b2 has shape"),
    ("binary_cross_entropy of 1.7", lambda: nn.binary_cross_entropy(
        ts.Value(np.array([1.7])), [1.0]), ValueError, "use nn.bce_with_logits"),
    ("binary_cross_entropy label 2", lambda: nn.binary_cross_entropy(
        ts.Value(np.array([0.5])), [2.0]), ValueError, "target 2.0"),
    ("bce_with_logits label -1", lambda: nn.bce_with_logits(ts.Value(np.array([0.5])), [-1.0]),
     ValueError, "target -1.0"),
    ("mse of misfit targets", lambda: nn.mse(ts.Value(np.ones((2, 1))), np.ones(3)),
     ts.ShapeError, "must match"),
    ("mse of string targets", lambda: nn.mse(ts.Value(np.ones(2)), ["a", "b"]), TypeError,
     "targets must be numbers"),
    ("mse of an empty batch", lambda: nn.mse(ts.Value(np.zeros((0, 1))), np.zeros((0, 1))),
     ValueError, "no predictions"),
    ("softmax_cross_entropy on 3-d logits", lambda: nn.softmax_cross_entropy(
        ts.Value(np.zeros((2, 3, 4))), [0, 1]), ts.ShapeError, "(classes,) for one example"),
    ("softmax_cross_entropy label -1 (one example)", lambda: nn.softmax_cross_entropy(
        ts.Value(np.zeros(3)), -1), ValueError, "label -1 is not a class"),
    ("softmax_cross_entropy label -1 (batch)", lambda: nn.softmax_cross_entropy(
        ts.Value(np.zeros((2, 3))), [-1, 0]), ValueError, "label -1 is not a class"),
    ("softmax_cross_entropy label 0.5", lambda: nn.softmax_cross_entropy(
        ts.Value(np.zeros((2, 3))), [0.5, 1]), TypeError, "class indices"),
    ("SGD lr=-0.1", lambda: nn.SGD(tensor_net().parameters(), lr=-0.1), ValueError, "lr must"),
    ("SGD lr=inf", lambda: nn.SGD(tensor_net().parameters(), lr=np.inf), ValueError,
     "finite number"),
    ("SGD lr='a'", lambda: nn.SGD(tensor_net().parameters(), lr="a"), TypeError,
     "lr must be a number"),
    ("SGD of a duplicate", lambda: nn.SGD([x()] * 2, lr=0.1), ValueError, "listed twice"),
    ("SGD of a computed node", lambda: nn.SGD([out()], lr=0.1), ValueError, "computed by an op"),
    ("Adam betas=(0.9,)", lambda: nn.Adam(tensor_net().parameters(), betas=(0.9,)), TypeError,
     "betas must be a pair"),
    ("fit len(y) != len(X)", lambda: nn.fit(tensor_net(), X, Y[:3], progress=False),
     ValueError, "X has 4 examples but y has 3 labels"),
    ("fit batch_size=0", lambda: nn.fit(tensor_net(), X, Y, batch_size=0), ValueError,
     "batch_size must be at least 1"),
    ("fit batch_size=-1", lambda: nn.fit(tensor_net(), X, Y, batch_size=-1), ValueError,
     "batch_size must be at least 1"),
    ("fit batch_size=1.5", lambda: nn.fit(tensor_net(), X, Y, batch_size=1.5), ValueError,
     "batch_size must be an integer"),
    ("fit epochs=-1", lambda: nn.fit(tensor_net(), X, Y, epochs=-1), ValueError,
     "epochs must be at least 0"),
    ("fit on empty X", lambda: nn.fit(tensor_net(), X[:0], Y[:0]), ValueError, "X is empty"),
    ("fit on nan", lambda: nn.fit(tensor_net(), X * np.nan, Y), ValueError, "X holds nan"),
    ("fit a number", lambda: nn.fit(3, X, Y), TypeError, "model must be an nn net"),
    ("fit loss='hinge'", lambda: nn.fit(tensor_net(), X, Y, loss="hinge"), ValueError,
     "unknown loss 'hinge'"),
    ("fit with another net's optimizer", lambda: nn.fit(
        tensor_net(), X, Y, optimizer=nn.SGD(tensor_net().parameters())), ValueError,
     "holds none of this model's parameters"),
    ("cost with fewer labels", lambda: nn.cost(scalar_net(), X, Y[:2]), ValueError,
     "X has 4 examples but y has 2 labels"),
    ("accuracy with one label", lambda: nn.accuracy(tensor_net(), X, [1]), ValueError,
     "X has 4 examples but y has 1 labels"),
    ("symmetric_units of a number", lambda: nn.symmetric_units(3), TypeError,
     "model must be an nn net"),
    ("trajectory not recorded", lambda: nn.History().trajectory("w1"), ValueError,
     "no parameters recorded"),
    # ---------------------------------------------------------- testing, datasets, seeding
    ("gradcheck of a constant function", lambda: gradcheck(lambda a: ts.Value(3.0), [1.0]),
     GradcheckError, "does not depend on these inputs"),
    ("gradcheck of no gradients", lambda: gradcheck(
        lambda a: a * 2, [ts.Value(1.0, requires_grad=False)]), GradcheckError,
     "no input requires a gradient"),
    ("gradcheck of detached data", lambda: gradcheck(lambda a: ts.Value(a.data * 2), [1.0]),
     GradcheckError, "not connected to the inputs"),
    ("gradgradcheck of a constant", lambda: gradgradcheck(lambda a: ts.Value(2.0), [1.0]),
     GradcheckError, "does not depend"),
    ("gradcheck of a number", lambda: gradcheck(3, [1.0]), TypeError, "fn must be a function"),
    ("gradcheck inputs=1.0", lambda: gradcheck(lambda a: a, 1.0), TypeError,
     "inputs must be a list"),
    ("gradcheck of a string", lambda: gradcheck(lambda a: a, ["a"]), TypeError,
     "input 0 must be a number"),
    ("gradcheck returning a float", lambda: gradcheck(lambda a: 1.0, [1.0]), TypeError,
     "must return a Value"),
    ("coffee_roasting(n=-1)", lambda: ts.datasets.coffee_roasting(n=-1), ValueError,
     "must be a positive integer"),
    ("blobs(n='a')", lambda: ts.datasets.blobs(n="a"), ValueError, "must be a positive integer"),
    ("Normalizer of nothing", lambda: ts.datasets.Normalizer.fit(np.zeros((0, 2))), ValueError,
     "n ≥ 1"),
    ("manual_seed('a')", lambda: ts.manual_seed("a"), TypeError, "seed must be an integer"),
    ("manual_seed(-1)", lambda: ts.manual_seed(-1), ValueError, "seed must be an integer ≥ 0"),
]


@pytest.mark.parametrize("call, kind, fragment", [row[1:] for row in ROWS],
                         ids=[row[0] for row in ROWS])
def test_bad_input_gets_a_clear_error(call, kind, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # draw(filename=...) rows must never write into the repo
    with np.errstate(all="ignore"), pytest.raises(Exception) as caught:
        call()
    error = caught.value
    assert type(error) not in INTERNAL, f"internal error leaked: {error!r}"
    assert isinstance(error, kind), f"expected {kind.__name__}, got {error!r}"
    assert fragment in str(error), f"{fragment!r} not in {str(error)!r}"
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_table_names_each_case_once():
    names = [row[0] for row in ROWS]
    assert len(names) == len(set(names)) >= 120


def test_pickle_and_deepcopy_of_a_5000_op_deep_value_work():
    deep = deep_value()
    assert copy.deepcopy(deep).data == pytest.approx(deep.data)
    restored = pickle.loads(pickle.dumps(deep))
    assert restored.op is None and restored.data == pytest.approx(deep.data)


def test_no_error_message_shows_a_python_repr_of_internals():
    for name, call, _, _ in ROWS:
        try:
            with np.errstate(all="ignore"):
                call()
        except Exception as error:
            assert not re.search(r"<(function|lambda|bound method|object) ", str(error)), name
