"""What the bridge raises: each error names the PyTorch node or module and says what to do."""

from __future__ import annotations


class SavedTensorsFreed(RuntimeError):
    """PyTorch freed the tensors a node saved (backward() ran), so its inputs are gone."""


class UnsupportedNode(NotImplementedError):
    """The graph holds a PyTorch node (or a variant of one) that the bridge cannot rebuild."""


class ValueMismatch(ValueError):
    """A rebuilt value differs from the one PyTorch computed (parameters changed since?)."""


class NotAnMLP(ValueError):
    """The graph or module is not a chain of Linear layers and activations ending in a loss."""
