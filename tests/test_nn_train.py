"""The training loop: history, batches, seeds, progress, and the two granularities agreeing."""

import io

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import datasets, nn
from tinygrad_sym.nn.progress import ProgressBar


def _coffee():
    X, y = datasets.coffee_roasting(40)
    return datasets.Normalizer.fit(X)(X), y


def test_fit_lowers_the_loss_and_records_each_step():
    X, y = _coffee()
    ts.manual_seed(0)
    net = nn.MLP(2, [3, 1])
    history = nn.fit(net, X, y, epochs=30, progress=False, record_parameters=True)
    assert len(history.loss) == 30 and history.loss[-1] < history.loss[0]
    assert len(history.parameters) == 31  # the start, then one state per step
    w3 = history.trajectory("w3")
    assert w3[-1] == net.layers[0].W.data[0, 1]
    np.testing.assert_array_equal(w3, history.trajectory("W1")[:, 0, 1])


def test_mini_batches_and_shuffling_are_seeded():
    X, y = _coffee()

    def train(seed):
        ts.manual_seed(seed)
        net = nn.MLP(2, [3, 1])
        history = nn.fit(net, X, y, epochs=3, batch_size=16, progress=False,
                         record_parameters=True)
        return net.state_dict()["W1"], history

    first, history = train(1)
    assert len(history.parameters) == 1 + 3 * 3  # 40 examples: batches of 16, 16, 8
    assert np.array_equal(first, train(1)[0])
    assert not np.array_equal(first, train(2)[0])


def test_scalar_and_tensor_training_agree():
    """The same net trained at both granularities ends with the same weights."""
    X, y = _coffee()
    ts.manual_seed(3)
    tensor = nn.MLP(2, [2, 1])
    scalar = tensor.to_scalar()
    for net in (tensor, scalar):
        nn.fit(net, X[:10], y[:10], optimizer=nn.SGD(net.parameters(), lr=0.5, momentum=0.5),
               epochs=5, progress=False)
    for name, parameter in scalar.named_parameters():
        tensor_name, index = tensor.locate(name)
        assert parameter.data == pytest.approx(tensor.state_dict()[tensor_name][index], rel=1e-10)


def test_cost_of_a_scalar_net_names_each_example():
    net = nn.MLP(2, [2, 1], scalar=True)
    J = nn.cost(net, np.ones((3, 2)), np.ones((3, 1)))
    assert J.label == "J"
    stacked = J.parents[0]
    assert [loss.label for loss in stacked.parents] == ["L1", "L2", "L3"]
    assert nn.cost(net, np.ones((1, 2)), np.ones((1, 1))).label == "J"


def test_accuracy_binary_and_multiclass():
    net = nn.MLP(1, [1], init={"w1": 1.0, "b1": 0.0})
    assert nn.accuracy(net, np.array([[2.0], [-2.0], [1.0]]), np.array([1, 0, 0])) == 2 / 3
    picker = nn.MLP(2, [2], activation="linear", init={"W1": np.eye(2)})
    assert nn.accuracy(picker, np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 0])) == 0.5


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal(capsys):
    X, y = _coffee()
    nn.fit(nn.MLP(2, [2, 1]), X, y, epochs=3)  # progress=True but stderr is not a terminal
    assert capsys.readouterr().err == ""
    terminal = _Terminal()
    bar = ProgressBar(4, stream=terminal)
    for epoch in range(1, 5):
        bar.update(epoch, "J 0.5")
    bar.close()
    assert "epoch 4/4 [" in terminal.getvalue() and "J 0.5" in terminal.getvalue()
    quiet = _Terminal()
    ProgressBar(4, enabled=False, stream=quiet).update(4)
    assert quiet.getvalue() == ""


def test_history_repr_is_a_short_summary():
    X, y = _coffee()
    net = nn.MLP(2, [3, 1])
    history = nn.fit(net, X, y, epochs=30, progress=False)
    text = repr(history)
    assert text == (f"History(30 epochs, loss {history.loss[0]:.4g} → {history.loss[-1]:.4g}, "
                    "parameters not recorded)")
    recorded = nn.fit(net, X, y, epochs=3, progress=False, record_parameters=True)
    assert repr(recorded).endswith("4 parameter states recorded (.trajectory(name)))")
    assert repr(nn.History()) == "History(0 epochs, parameters not recorded)"
