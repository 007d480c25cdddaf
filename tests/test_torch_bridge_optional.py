"""PyTorch stays optional: importing tinygrad_sym never imports it, and without it the
bridge says how to install it (these tests run with or without torch)."""

import subprocess
import sys

import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.bridge import MissingTorch


def test_importing_the_package_does_not_import_torch():
    code = ("import sys, tinygrad_sym as ts; ts.nn.MLP(2, [1]).to_scalar(); "
            "print('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_without_torch_the_bridge_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails
    for call in (lambda: ts.from_torch(object()), lambda: nn.MLP(2, [1]).to_torch(),
                 lambda: nn.MLP.from_torch(object())):
        with pytest.raises(MissingTorch, match=r"pip install 'tinygrad_sym\[torch\]'.*2\.13\.0"):
            call()
