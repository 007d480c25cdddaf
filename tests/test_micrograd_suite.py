"""micrograd's published engine tests, run against `ts.Value`.

The expected numbers are the ones micrograd's README prints for the same expressions
(computed there by PyTorch); finite differences check the gradients independently.
"""

import pytest

import tinygrad_sym as ts
from tinygrad_sym.testing import gradcheck


def sanity_check(x):
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


def more_ops(a, b):
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def test_sanity_check():
    x = ts.Value(-4.0)
    y = sanity_check(x)
    y.backward()
    assert y.data == -20.0
    assert x.grad == 46.0  # PyTorch: y = -20, dy/dx = 46
    assert gradcheck(sanity_check, [-4.0])


def test_more_ops():
    a, b = ts.Value(-4.0), ts.Value(2.0)
    g = more_ops(a, b)
    g.backward()
    assert g.data == pytest.approx(24.70408163265306, abs=1e-6)
    assert a.grad == pytest.approx(138.83381924198252, abs=1e-6)
    assert b.grad == pytest.approx(645.5772594752186, abs=1e-6)
    assert gradcheck(more_ops, [-4.0, 2.0], rtol=1e-6)
