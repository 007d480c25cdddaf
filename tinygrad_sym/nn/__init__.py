"""Neural nets on the engine: layers at two granularities, init schemes, losses, optimizers,
a training loop, and symmetry diagnostics.

    import tinygrad_sym as ts
    from tinygrad_sym import nn

    ts.manual_seed(0)
    net = nn.MLP(2, [3, 1], activation="sigmoid")           # W1, b1, W2, b2
    history = nn.fit(net, X, y, loss=nn.binary_cross_entropy, epochs=500)
    twin = net.to_scalar()                                   # w1 … w9, b1 … b4
    J = nn.cost(twin, X[:1], y[:1]); J.backward()            # one example, weight by weight
    net.save("coffee.npz"); same = nn.load("coffee.npz")     # bit for bit, either granularity
"""

from ..numbering import Numbering
from . import init
from .init import Constant, Explicit, GlorotUniform, Tied, Zeros
from .layers import ACTIVATIONS, MLP, Dense, ScalarDense, Sequential, TensorDense
from .losses import bce_with_logits, binary_cross_entropy, mse, softmax_cross_entropy
from .module import Module
from .optim import SGD, Adam, Optimizer
from .saving import load
from .symmetry import SymmetricGroup, UnitMatch, match_units, symmetric_units
from .train import History, accuracy, cost, fit, predict

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Adam",
    "Constant",
    "Dense",
    "Explicit",
    "GlorotUniform",
    "History",
    "Module",
    "Numbering",
    "Optimizer",
    "ScalarDense",
    "Sequential",
    "SymmetricGroup",
    "TensorDense",
    "Tied",
    "UnitMatch",
    "Zeros",
    "accuracy",
    "bce_with_logits",
    "binary_cross_entropy",
    "cost",
    "fit",
    "init",
    "load",
    "match_units",
    "mse",
    "predict",
    "softmax_cross_entropy",
    "symmetric_units",
]
