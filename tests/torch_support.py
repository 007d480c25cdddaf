"""PyTorch for the bridge's tests: skipped, saying why, only where torch is truly missing.

`make test` (what CI runs) installs the torch extra, so under CI a missing torch is an
error, never a silent skip.
"""

import os

import pytest

INSTALL = "pip install 'tinygrad_sym[torch]' (make test installs it)"


def import_torch():
    """The torch module; a skip naming the install line when it is missing (a failure in CI)."""
    if os.environ.get("CI") == "true":
        import torch  # CI's `make test` installed it: an ImportError here is a real failure

        return torch
    return pytest.importorskip("torch", reason=f"PyTorch is not installed: {INSTALL}")
