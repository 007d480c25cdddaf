"""Value as a user meets it: construction, dtypes, numerics, repr, hashing, assembly."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_sym as ts


def test_python_numbers_become_floats_and_lists_float64():
    assert type(ts.Value(3).data) is float
    assert type(ts.Value(True).data) is float
    assert ts.Value([1, 2, 3]).dtype == np.float64


def test_integer_arrays_are_promoted_to_float64():
    assert ts.Value(np.arange(3)).dtype == np.float64


def test_float32_arrays_stay_float32_through_ops_and_constants():
    x = ts.Value(np.ones((2, 2), dtype=np.float32))
    y = ((x * 2.5 + 1) @ x).sigmoid().log_softmax().mean()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32


def test_user_arrays_are_copied():
    source = np.zeros(3)
    v = ts.Value(source)
    source[0] = 1.0
    assert v.data[0] == 0.0


def test_sigmoid_does_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ts.Value(-800.0).sigmoid().data == 0.0
        assert ts.Value(800.0).sigmoid().data == 1.0
        tensor = ts.Value(np.array([-1000.0, -710.0, 0.0, 710.0, 1000.0])).sigmoid()
    np.testing.assert_allclose(tensor.data, [0.0, 0.0, 0.5, 1.0, 1.0], atol=1e-300)


def test_log_softmax_is_stable_for_huge_logits():
    logits = ts.Value(np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = logits.log_softmax(axis=1)
        out.sum().backward()
        soft = logits.softmax(axis=1)
    np.testing.assert_allclose(out.data[0], [0.0, -1e4, -2e4])
    np.testing.assert_allclose(out.data[1], [-math.log(3)] * 3)
    np.testing.assert_allclose(soft.data.sum(axis=1), [1.0, 1.0])
    assert np.all(np.isfinite(logits.grad))


def test_scalar_division_by_zero_gives_inf_like_numpy():
    with pytest.warns(RuntimeWarning):
        assert ts.Value(1.0).__truediv__(0.0).data == math.inf
    with pytest.warns(RuntimeWarning):
        assert math.isnan(ts.Value(-1.0).log().data)


def test_values_hash_by_identity():
    a, b = ts.Value(1.0), ts.Value(1.0)
    assert len({a, b, a}) == 2
    assert {a: "a", b: "b"}[b] == "b"


def test_repr_is_short_and_readable():
    w = ts.Value(0.123456, label="w1")
    assert repr(w) == "Value(w1=0.1235, grad=0)"
    big = ts.Value(np.zeros((30, 40), dtype=np.float32), label="W1")
    assert repr(big) == "Value(W1=<float32 (30, 40)>, grad=<float32 (30, 40)>)"


def test_numpy_arrays_on_the_left_defer_to_value():
    w = ts.Value(np.ones(3))
    out = np.arange(3.0) * w
    assert isinstance(out, ts.Value)
    out.sum().backward()
    np.testing.assert_array_equal(w.grad, [0.0, 1.0, 2.0])


def test_tensor_from_scalars_and_back():
    scalars = [ts.Value(float(i), label=f"s{i}") for i in range(4)]
    tensor = ts.stack(scalars).reshape(2, 2)
    parts = [element for row in tensor for element in row]
    assert [p.data for p in parts] == [0.0, 1.0, 2.0, 3.0]
    assert all(type(p.data) is float for p in parts)
    total = parts[0] * parts[3] + parts[1]
    total.backward()
    assert [s.grad for s in scalars] == [3.0, 1.0, 0.0, 0.0]
    assert all(type(s.grad) is float for s in scalars)


def test_power_with_value_exponent_and_reflected_ops():
    x, y = ts.Value(2.0), ts.Value(3.0)
    out = x**y + 2**x - 1 / x
    out.backward()
    assert out.data == pytest.approx(8 + 4 - 0.5)
    assert x.grad == pytest.approx(3 * 4 + 4 * math.log(2) + 0.25)
    assert y.grad == pytest.approx(8 * math.log(2))


def test_max_shares_gradient_between_ties():
    x = ts.Value(np.array([1.0, 3.0, 3.0]))
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.5, 0.5])


def test_fancy_index_with_repeats_accumulates():
    x = ts.Value(np.arange(4.0))
    x[np.array([1, 1, 3])].sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 2.0, 0.0, 1.0])


def test_local_derivative_names_and_values():
    a1 = ts.Value(0.6, "a1", requires_grad=False)
    w5, b = ts.Value(0.73, "w5"), ts.Value(0.1, "b3")
    z3 = ts.weighted_sum([w5], [a1], b)
    z3.label = "z3"
    a3 = z3.sigmoid()
    a3.label = "a3"
    assert ts.local_derivative(z3, 1) == ("w5", 0.73)
    assert ts.local_derivative(z3, 0) == ("a1", 0.6)
    formula, value = ts.local_derivative(a3, 0)
    assert formula == "a3·(1 − a3)"
    assert value == pytest.approx(a3.data * (1 - a3.data))


def test_op_of_gives_a_computed_nodes_op_and_names_a_leaf():
    from tinygrad_sym.value import op_of

    w = ts.Value(2.0, label="w1")
    z = w * 3.0
    assert op_of(z) is z.op is ts.ops.MUL
    with pytest.raises(ValueError, match=r"^w1 is a leaf: no op computed it$"):
        op_of(w)


def test_a_function_of_an_expression_has_one_pair_of_parentheses():
    from tinygrad_sym.value import describe

    x, y = ts.Value(0.5, label="x"), ts.Value(2.0, label="y")
    assert describe((x * 2).sigmoid()) == "sigmoid(x × 2)"
    assert describe(x * y + y) == "((x × y) + y)"  # an operand of an infix op keeps its own
    assert describe(((x - y) * (x + y)).exp(), depth=3) == "exp((x − y) × (x + y))"



def test_scalar_rules_that_divide_by_zero_give_what_arrays_give():
    """A backward rule that raises on Python floats (1/0) is redone in numpy, whichever
    operand's share raised: the scalar gradients are the arrays' (inf where numpy says inf)."""
    def gradients(make):
        a, b, c = make(1.0), make(0.0), make(0.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            (a / b + c.log()).sum().backward()  # ∂/∂a = 1/b, ∂/∂b = −a/b², ∂/∂c = 1/c
        return [np.reshape(x.grad, 1) for x in (a, b, c)]

    scalar = gradients(ts.Value)
    assert [type(x.item()) for x in scalar] == [float] * 3
    np.testing.assert_array_equal(scalar, gradients(lambda x: ts.Value([x])))
    np.testing.assert_array_equal(scalar, [[math.inf], [-math.inf], [math.inf]])
