"""PyTorch, imported only when the bridge is used: `import tinygrad_sym` never imports it."""

from __future__ import annotations

from typing import Any

TORCH_EXTRA = "pip install 'tinygrad_sym[torch]'  (PyTorch 2.13.0, pinned: unpinned, pip " \
    "may pick a multi-GB CUDA build)"


class MissingTorch(ImportError):
    """PyTorch is not installed: the bridge needs the optional torch extra."""


def require_torch() -> Any:
    """The `torch` module, or MissingTorch saying how to install it."""
    try:
        import torch
    except ImportError:
        raise MissingTorch(f"the PyTorch bridge needs PyTorch: {TORCH_EXTRA}") from None
    return torch
