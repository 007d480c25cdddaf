"""Bad input gets an error that names the op, the shapes, and the fix."""

import numpy as np
import pytest

import tinygrad_sym as ts

# numpy warns about the NaN/inf it produced before the anomaly check raises on it
numpy_warns_first = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def test_matmul_shape_mismatch_names_op_and_both_shapes():
    a = ts.Value(np.ones((2, 3)), label="X")
    b = ts.Value(np.ones((4, 5)), label="W1")
    with pytest.raises(ts.ShapeError) as caught:
        a @ b
    message = str(caught.value)
    assert "matmul" in message and "(2, 3)" in message and "(4, 5)" in message
    assert "X" in message and "W1" in message and "transpose" in message


def test_broadcast_mismatch_names_op_and_both_shapes():
    with pytest.raises(ts.ShapeError, match=r"add.*\(2, 3\).*\(4,\).*broadcast"):
        ts.Value(np.ones((2, 3))) + np.ones(4)


def test_shape_error_is_a_value_error_for_generic_handlers():
    with pytest.raises(ValueError):
        ts.Value(np.ones(2)) * np.ones(3)


@pytest.mark.parametrize(
    ("data", "type_name"),
    [("abc", "str"), (None, "NoneType"), (np.array([object()]), "object"), ([1, "a"], "<U21"),
     (1 + 2j, "complex"), (np.array([1j]), "complex")],
)
def test_non_numeric_data_is_refused_naming_the_type(data, type_name):
    with pytest.raises(TypeError, match=type_name):
        ts.Value(data)


def test_non_numeric_operand_is_refused():
    with pytest.raises(TypeError, match="str"):
        ts.Value(1.0) * "2"


def test_backward_on_non_scalar_says_what_to_pass():
    with pytest.raises(ts.ShapeError, match=r"grad=np\.ones\(\(2, 3\)\)"):
        (ts.Value(np.ones((2, 3))) * 2.0).backward()


def test_backward_seed_of_wrong_shape():
    with pytest.raises(ts.ShapeError, match=r"seed gradient grad has shape \(4,\)"):
        (ts.Value(np.ones(3)) * 2.0).backward(np.ones(4))


def test_grad_on_non_scalar_names_its_own_argument():
    x = ts.Value(np.ones(2))
    with pytest.raises(ts.ShapeError, match=r"grad_output=np\.ones\(\(2,\)\)"):
        ts.grad(x * 2.0, x)


@numpy_warns_first
def test_anomaly_log_of_negative_names_op_and_input_label():
    x = ts.Value(-1.0, label="x")
    with ts.detect_anomaly(), pytest.raises(ts.AnomalyError, match=r"log produced nan.*x = -1"):
        x.log()


@numpy_warns_first
def test_anomaly_zero_over_zero_on_tensors():
    a = ts.Value(np.zeros(2), label="num")
    with ts.detect_anomaly(), pytest.raises(ts.AnomalyError, match=r"div produced nan.*num"):
        a / np.zeros(2)


@numpy_warns_first
def test_anomaly_in_backward_names_the_node():
    x = ts.Value(0.0, label="x")
    root = x.sqrt()  # forward is fine (0), the derivative 1/(2·√0) is not
    root.label = "r"
    with ts.detect_anomaly(), pytest.raises(ts.AnomalyError, match=r"sqrt.*backward.*node r"):
        root.backward()


def test_without_anomaly_mode_nan_flows_like_numpy():
    with pytest.warns(RuntimeWarning):
        out = ts.Value(np.array([-1.0])).log()
    assert np.isnan(out.data[0])


def test_reshape_to_wrong_size():
    with pytest.raises(ts.ShapeError, match=r"reshape.*\(2, 3\).*same number of elements"):
        ts.Value(np.ones((2, 3))).reshape(4, 2)


def test_value_cannot_be_an_index():
    with pytest.raises(TypeError, match="getitem"):
        ts.Value(np.ones(3))[ts.Value(1.0)]
