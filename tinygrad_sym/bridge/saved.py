"""A PyTorch autograd node and what it saved, read as numpy, with clear errors when freed.

PyTorch keeps, on each backward node, the tensors its derivative needs (`_saved_self`,
`_saved_mat1`, …). They are the only record of the constants a graph used (the input
batch, the targets), and `backward()` frees them unless called with `retain_graph=True`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import SavedTensorsFreed, ValueMismatch

FREED_HINT = (
    "PyTorch frees the tensors a graph saved when backward() runs. Call ts.from_torch(loss) "
    "before loss.backward() (then backward as usual), or call "
    "loss.backward(retain_graph=True) if you need PyTorch's gradients first."
)

CHANGED_HINT = (
    "Were parameters changed after the forward pass (optimizer.step(), an in-place edit)? "
    "Run the forward pass again and call ts.from_torch(loss) before changing them."
)


class TorchNode:
    """One node of PyTorch's autograd graph (`grad_fn`), e.g. `AddmmBackward0`."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.name = type(function).__name__

    @property
    def parents(self) -> list[Any]:
        """The nodes that computed this node's inputs (None for an input that needs no
        gradient: a constant, whose value only the saved tensors know)."""
        return [parent for parent, _ in self.function.next_functions]

    @property
    def output_shape(self) -> tuple[int, ...]:
        """The shape of the tensor this node computed (PyTorch records it for the gradient)."""
        return tuple(self.function._input_metadata[0].shape)

    def saved(self, attribute: str) -> Any:
        """A saved value: a numpy copy of a tensor, a number, a tuple, or None (not saved).

        Raises SavedTensorsFreed when backward() already freed it.
        """
        try:
            value = getattr(self.function, attribute)
        except RuntimeError as error:
            if "freed" in str(error):
                raise SavedTensorsFreed(
                    f"{self.name}: the tensors this node saved are gone. {FREED_HINT}") from None
            if "inplace" in str(error):
                raise ValueMismatch(f"{self.name}: a tensor this node saved was changed in "
                                    f"place after the forward pass. {CHANGED_HINT}") from None
            raise
        return to_numpy(value) if hasattr(value, "detach") else value

    def __repr__(self) -> str:
        return self.name


def to_numpy(tensor: Any) -> Any:
    """A numpy copy of a torch tensor (its dtype kept; a 0-d tensor stays a 0-d array)."""
    return np.array(tensor.detach().cpu().numpy(), copy=True)
