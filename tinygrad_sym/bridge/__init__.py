"""The bridge to PyTorch: see a PyTorch model's gradients, and move nets across exactly.

    graph = ts.from_torch(loss, params=model)   # before loss.backward()
    graph.loss.backward()                       # the same gradients as PyTorch's .grad
    ts.draw(graph.loss)                         # W1, b1, Z1, A1, …, J, with values and grads
    view = graph.scalar_view(examples=0)        # w1, w2, … for one example, as the course draws
    ts.compare(view.loss, view.parameters["w1"], view.parameters["w3"])

    net.to_torch(); nn.MLP.from_torch(module)   # nn ↔ torch.nn.Sequential, same weights

PyTorch is an optional extra (`pip install 'tinygrad_sym[torch]'`), imported only when one
of these functions runs: `import tinygrad_sym` never imports it.
"""

from .errors import NotAnMLP, SavedTensorsFreed, UnsupportedNode, ValueMismatch
from .graph import ScalarView, TorchGraph
from .reading import from_torch
from .torch_import import MissingTorch
from .translations import TRANSLATIONS, supported

__all__ = [
    "TRANSLATIONS",
    "MissingTorch",
    "NotAnMLP",
    "SavedTensorsFreed",
    "ScalarView",
    "TorchGraph",
    "UnsupportedNode",
    "ValueMismatch",
    "from_torch",
    "supported",
]
