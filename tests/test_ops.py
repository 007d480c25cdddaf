"""Every op of the table: backward against finite differences, scalars and tensors, float32."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_cases import CASES, examples_per_op

import tinygrad_sym as ts
from tinygrad_sym import ops
from tinygrad_sym.testing import gradcheck, gradgradcheck

ELEMENTWISE = ["add", "sub", "mul", "div", "pow", "neg", "exp", "log", "sqrt", "abs", "tanh",
               "sigmoid", "relu", "weighted_sum", "binary_cross_entropy", "bce_with_logits"]


def test_every_op_has_a_property_test():
    assert set(CASES) == set(ops.TABLE)


@pytest.mark.parametrize("name", sorted(ops.TABLE))
@settings(max_examples=examples_per_op(2, 10))  # 20; the fuzz's graphs: 5 more per op
@given(data=st.data())
def test_backward_matches_finite_differences(name, data):
    fn, inputs = data.draw(CASES[name])
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(max_examples=examples_per_op(2, 10))  # 20; the fuzz's scalar graphs: 20 more
@given(data=st.data())
def test_python_float_fast_path(name, data):
    fn, inputs = data.draw(CASES[name])
    scalars = [float(np.asarray(x).flat[0]) for x in inputs]
    output = fn(*(ts.Value(x) for x in scalars))
    assert type(output.data) is float
    assert gradcheck(fn, scalars)


@pytest.mark.parametrize("name", sorted(ops.TABLE))
@settings(max_examples=10)
@given(data=st.data())
def test_grad_of_grad_matches_finite_differences(name, data):
    fn, inputs = data.draw(CASES[name])
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("name", sorted(ops.TABLE))
@settings(max_examples=10)
@given(data=st.data())
def test_float32_stays_float32(name, data):
    fn, inputs = data.draw(CASES[name])
    leaves = [ts.Value(np.asarray(x, dtype=np.float32)) for x in inputs]
    output = fn(*leaves)
    assert output.dtype == np.float32
    output.backward(np.ones(output.shape, dtype=np.float32))
    for leaf in leaves:
        assert leaf.grad.dtype == np.float32, (name, leaf.grad.dtype)


@pytest.mark.parametrize("name", sorted(ops.TABLE))
@settings(max_examples=5)
@given(data=st.data())
def test_every_edge_has_a_derivative_formula(name, data):
    fn, inputs = data.draw(CASES[name])
    output = fn(*(ts.Value(x, label=f"x{i}") for i, x in enumerate(inputs)))
    assert output.op.name == name
    for index in range(len(output.parents)):
        formula, value = ts.local_derivative(output, index)
        assert isinstance(formula, str) and formula
        assert value is None or np.isfinite(value)
