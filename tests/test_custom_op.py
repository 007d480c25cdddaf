"""Your own op through the public API: ts.custom_op, ts.functions, ts.testing.check_op."""

import re

import numpy as np
import pytest
from hypothesis import strategies as st

import tinygrad_sym as ts
from tinygrad_sym import functions as fn
from tinygrad_sym import ops
from tinygrad_sym.testing import GradcheckError, check_op
from tinygrad_sym.testing import strategies as tst


def softplus_op(rule=None, jvp=None, elementwise=True):
    """softplus(x) = log(1 + eˣ), ∂/∂x = σ(x); a rule or jvp may be swapped for a wrong one."""
    return ts.custom_op(
        "softplus",
        forward=lambda x: np.logaddexp(0.0, x),
        backward=[rule or (lambda grad, out, x: grad * fn.sigmoid(x))],
        derivatives=["σ({x})"],
        jvp=jvp,
        elementwise=elementwise,
    )


softplus = softplus_op()


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_softplus_gives_its_value_gradient_and_second_derivative():
    x = ts.Value(0.5, label="x")
    y = softplus(x)
    assert isinstance(y, ts.Value) and y.op is softplus and type(y.data) is float
    assert y.data == pytest.approx(np.log1p(np.exp(0.5)))
    y.backward()
    assert x.grad == pytest.approx(sigmoid(0.5))
    first = ts.grad(softplus(x), x, create_graph=True)
    assert ts.grad(first, x) == pytest.approx(sigmoid(0.5) * (1 - sigmoid(0.5)))
    assert ts.hessian(softplus, 0.5) == pytest.approx(sigmoid(0.5) * (1 - sigmoid(0.5)))


def test_softplus_on_raw_data_just_computes():
    assert softplus(0.0) == pytest.approx(np.log(2.0))
    assert type(softplus(0.0)) is float
    np.testing.assert_allclose(softplus(np.array([0.0, 800.0])), [np.log(2.0), 800.0])


def test_softplus_on_tensors_float32_and_broadcasting():
    x = ts.Value(np.array([[-1.0, 0.0, 2.0]], dtype=np.float32))
    y = (softplus(x * np.ones((2, 1), dtype=np.float32))).sum()
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, 2 * sigmoid(np.array([[-1.0, 0.0, 2.0]])), rtol=1e-6)


def test_forward_mode_comes_from_the_backward_rule_of_an_elementwise_op():
    _, moved = ts.jvp(softplus, (np.array([0.0, 1.0]),), (np.array([1.0, 2.0]),))
    np.testing.assert_allclose(moved, [0.5, 2 * sigmoid(1.0)])


def test_the_formula_shows_on_the_drawn_edge_and_in_explain():
    w = ts.Value(0.8, label="w")
    z = w * -1.5
    z.label = "z"
    y = softplus(z)
    y.label = "y"
    y.backward()
    assert ts.local_derivative(y, 0) == ("σ(z)", pytest.approx(sigmoid(-1.2)))
    assert "∂y/∂z = σ(z) = 0.2315" in ts.draw(y).source
    assert "softplus" in ts.draw(y).source
    text = str(ts.explain(y, w))
    assert "∂y/∂z = σ(z) = 0.2315" in text and "−0.3472" in text


def test_check_op_passes_a_right_op():
    assert check_op(softplus)


def test_check_op_catches_a_wrong_backward_rule_naming_the_edge_and_both_numbers():
    wrong = softplus_op(lambda grad, out, x: grad * fn.sigmoid(-x))
    with pytest.raises(GradcheckError) as caught:
        check_op(wrong)
    message = str(caught.value)
    assert "edge x → softplus (∂softplus/∂x = σ(x)): the backward rule is wrong" in message
    # shrunk to x = 1: the rule gives σ(−1), finite differences σ(1)
    assert f"backward gives {sigmoid(-1.0):.8g}" in message
    assert f"finite differences give {sigmoid(1.0):.8g}" in message
    assert "inputs: x = 1" in message


def test_check_op_catches_a_rule_right_on_numbers_but_constant_on_values():
    frozen = softplus_op(lambda grad, out, x: grad * fn.sigmoid(fn.data(x)))
    with pytest.raises(GradcheckError, match=r"grad of grad .* is wrong: create_graph=True gives "
                       r"0, finite differences give 0\.25; inputs: x = 0"):
        check_op(frozen, examples=10)  # the first-order checks pass 10 examples, not 30


def test_check_op_catches_a_wrong_forward_rule():
    off = softplus_op(jvp=[lambda tangent, out, x: 1.01 * tangent * fn.sigmoid(x)],
                      elementwise=False)
    with pytest.raises(GradcheckError, match=r"edge x → softplus .* the forward \(jvp\) rule is "
                       r"wrong: jvp gives 0\.505, finite differences give 0\.5"):
        check_op(off, examples=10)  # the reverse-mode checks pass 10 examples, not 30


def test_a_rule_written_with_numpy_says_what_to_use_on_values():
    numpy_rule = softplus_op(lambda grad, out, x: grad / (1 + np.exp(-x)))
    x = ts.Value(0.3)
    numpy_rule(x).backward()  # first order works on raw numbers
    assert x.grad == pytest.approx(sigmoid(0.3))
    with pytest.raises(TypeError, match=r"softplus's operand 0 failed on Values.*fn\.exp"):
        ts.grad(numpy_rule(x), x, create_graph=True)
    with pytest.raises(TypeError, match=r"tinygrad_sym\.functions"):
        check_op(numpy_rule, examples=10)


smooth_max = ts.custom_op(
    "smooth_max",
    forward=lambda a, b: np.logaddexp(a, b),
    backward=[lambda grad, out, a, b: grad * fn.sigmoid(a - b),
              lambda grad, out, a, b: grad * fn.sigmoid(b - a)],
    derivatives=["σ({a} − {b})", "σ({b} − {a})"],
    elementwise=True,
)


def test_a_two_operand_op_broadcasts_and_checks_edge_by_edge():
    assert check_op(smooth_max)
    a, b = ts.Value(np.zeros((2, 1))), ts.Value(np.array([0.0, 1.0, 2.0]))
    smooth_max(a, b).sum().backward()
    np.testing.assert_allclose(b.grad, 2 * sigmoid(np.array([0.0, 1.0, 2.0])))
    wrong_b = ts.custom_op(
        "smooth_max", forward=lambda a, b: np.logaddexp(a, b),
        backward=[smooth_max.rules[0], lambda grad, out, a, b: grad * fn.sigmoid(a - b)],
        derivatives=["σ({a} − {b})", "σ({b} − {a})"], elementwise=True)
    edge = re.escape("edge b → smooth_max (∂smooth_max/∂b = σ(b − a))")
    with pytest.raises(GradcheckError, match=edge):
        check_op(wrong_b)


leaky_relu = ts.custom_op(
    "leaky_relu",
    forward=lambda x, slope=0.01: np.where(x > 0, x, slope * x),
    backward=[lambda grad, out, x, slope=0.01: grad * fn.where(fn.data(x) > 0, 1.0, slope)],
    derivatives=["1 if {x} > 0 else slope"],
    elementwise=True,
)


def test_settings_pass_by_keyword_and_where_builds_masks():
    x = ts.Value(np.array([-2.0, 3.0]))
    leaky_relu(x, slope=0.2).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.2, 1.0])
    assert check_op(leaky_relu, min_magnitude=0.1, attrs={"slope": 0.2})


norm = ts.custom_op(
    "norm",
    forward=lambda x: np.sqrt(np.sum(np.square(x))),
    backward=[lambda grad, out, x: grad * x / out],
    derivatives=["{x}/{out}"],
    jvp=[lambda tangent, out, x: fn.sum(tangent * x) / out],
    symbol="‖·‖",
)


def test_a_reduction_with_its_own_forward_rule():
    assert check_op(norm, min_magnitude=0.1)
    J = ts.jacobian(norm, np.array([3.0, 4.0]), mode="forward")
    np.testing.assert_allclose(J, [0.6, 0.8])


def test_check_op_works_on_the_built_in_ops_too():
    assert check_op(ops.MUL)
    assert check_op(ops.DIV, min_magnitude=0.5)
    assert check_op(ops.WHERE, attrs={"condition": np.array([True, False, True])},
                    operands=tst.operands(2, min_dims=1).filter(
                        lambda xs: all(np.shape(x)[-1:] in ((3,), (1,)) for x in xs)),
                    examples=10)


def test_check_op_asks_for_operands_of_an_op_with_any_number():
    with pytest.raises(ValueError, match="any number of operands; pass operands="):
        check_op(ops.STACK)
    pairs = st.lists(tst.arrays(shape=(2,)), min_size=1, max_size=3)
    assert check_op(ops.STACK, operands=pairs, examples=10)


def test_check_op_says_when_the_inputs_leave_the_domain():
    logarithm = ts.custom_op("ln", lambda x: np.log(x), [lambda grad, out, x: grad / x],
                             ["1/{x}"], elementwise=True)
    with pytest.raises(GradcheckError, match=r"the forward gives -inf for x = 0; keep the "
                       r"inputs in the op's domain with low="), np.errstate(all="ignore"):
        check_op(logarithm)
    assert check_op(logarithm, low=0.2)


def test_an_op_without_forward_rules_is_checked_only_when_asked():
    reverse_only = softplus_op(elementwise=False)
    with pytest.raises(ValueError, match=r"no forward-mode rule.*forward_mode=False"):
        check_op(reverse_only)
    assert check_op(reverse_only, forward_mode=False)


def test_definitions_that_do_not_fit_the_forward_are_refused():
    forward = lambda x: np.logaddexp(0.0, x)
    rule = lambda grad, out, x: grad * fn.sigmoid(x)
    with pytest.raises(ValueError, match=r"takes 1 operand\(s\) \(x\) but 2 backward rule"):
        ts.custom_op("softplus", forward, [rule, rule], ["σ({x})"])
    with pytest.raises(ValueError, match=r"derivative of x, 'σ\({z}\)', cannot be written"):
        ts.custom_op("softplus", forward, [rule], ["σ({z})"])
    with pytest.raises(TypeError, match="the backward rule of x is a str"):
        ts.custom_op("softplus", forward, ["grad * sigmoid(x)"], ["σ({x})"])
    with pytest.raises(TypeError, match=r"the forward \(jvp\) rule of x is a NoneType"):
        ts.custom_op("softplus", forward, [rule], ["σ({x})"], jvp=[None])
    with pytest.raises(ValueError, match="give the op a name"):
        ts.custom_op("", forward, [rule], ["σ({x})"])
    with pytest.raises(ValueError, match="takes no operands"):
        ts.custom_op("constant", lambda: 1.0, [], [])


def test_a_forward_that_returns_no_number_is_named():
    broken = ts.custom_op("broken", lambda x: "x", [lambda grad, out, x: grad], ["1"])
    with pytest.raises(TypeError, match="broken: the forward returned str"):
        broken(ts.Value(1.0))
    with pytest.raises(TypeError, match=r"softplus takes 1 operand\(s\) \(x\), got 2"):
        softplus(ts.Value(1.0), ts.Value(2.0))


def test_functions_work_on_numbers_arrays_and_values_alike():
    for name in ["exp", "tanh", "sigmoid", "relu", "abs", "sqrt", "log"]:
        function = getattr(fn, name)
        assert type(function(1.5)) is float
        assert isinstance(function(np.array([1.5])), np.ndarray)
        assert isinstance(function(ts.Value(1.5)), ts.Value)
    x = ts.Value(np.array([[1.0, -2.0], [3.0, 0.5]]))
    assert fn.sum(x, axis=0).shape == (2,) and fn.mean(x).shape == ()
    assert fn.max(x, axis=1, keepdims=True).shape == (2, 1)
    assert fn.reshape(x, (4,)).shape == (4,) and fn.transpose(x).shape == (2, 2)
    assert fn.broadcast_to(fn.sum(x), (3,)).shape == (3,)
    np.testing.assert_allclose(fn.softmax(x).data.sum(axis=-1), 1.0)
    np.testing.assert_allclose(fn.exp(fn.log_softmax(x)).data, fn.softmax(x).data)
    assert fn.data(x) is x.data
    np.testing.assert_array_equal(fn.sign(x), [[1, -1], [1, 1]])
    np.testing.assert_array_equal(fn.where(fn.data(x) > 0, x, 0.0).data, [[1, 0], [3, 0.5]])
    assert fn.where(True, 1.0, 2.0) == 1.0
    with pytest.raises(TypeError, match="condition must be bools, not a Value"):
        fn.where(x, x, x)


def test_an_op_of_any_number_of_operands():
    product = ts.custom_op(
        "product",
        forward=lambda *xs: np.prod(np.broadcast_arrays(*xs), axis=0),
        backward=lambda index: lambda grad, out, *xs: grad * out / xs[index],
        derivatives=lambda index: lambda names, out: f"{out}/{names[index]}",
        elementwise=True,
    )
    a, b, c = (ts.Value(v, label=n) for v, n in ((2.0, "a"), (3.0, "b"), (4.0, "c")))
    y = product(a, b, c)
    y.label = "y"
    y.backward()
    assert (a.grad, b.grad, c.grad) == (12.0, 8.0, 6.0)
    assert ts.local_derivative(y, 1).formula == "y/b"
    triples = st.lists(tst.arrays(shape=(2,), min_magnitude=0.5), min_size=1, max_size=3)
    assert check_op(product, operands=triples, examples=10)
