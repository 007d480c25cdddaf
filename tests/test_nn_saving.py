"""Save and load models: bit-exact round trips at both granularities, files that are not
ours, files that do not fit, atomic writes. All through the public API."""

import os

import numpy as np
import pytest

import tinygrad_sym as ts
from tinygrad_sym import nn
from tinygrad_sym.errors import ModelFileError, ShapeError

X = np.array([[0.52, 0.30], [-1.0, 2.0], [0.1, 0.1]])


def assert_same_state(a, b):
    state_a, state_b = a.state_dict(), b.state_dict()
    assert list(state_a) == list(state_b)
    for name in state_a:
        assert type(state_a[name]) is type(state_b[name]), name
        assert np.array_equal(state_a[name], state_b[name]), name
        assert np.result_type(state_a[name]) == np.result_type(state_b[name]), name


def test_a_trained_tensor_net_comes_back_bit_for_bit(tmp_path):
    ts.manual_seed(0)
    net = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid")
    nn.fit(net, X, np.array([[1.0], [0.0], [1.0]]), loss=nn.binary_cross_entropy, epochs=20,
           progress=False)
    path = net.save(tmp_path / "net.npz")
    assert path == tmp_path / "net.npz"
    back = nn.load(path)
    assert type(back) is nn.MLP and repr(back) == repr(net)
    assert_same_state(back, net)
    assert np.array_equal(back(X).data, net(X).data)


def test_float32_stays_float32(tmp_path):
    net = nn.MLP(2, [4, 2], activation="relu", output_activation="softmax", dtype=np.float32)
    back = nn.load(net.save(tmp_path / "net32"))
    assert back.layers[0].W.dtype == np.float32
    assert_same_state(back, net)
    twin = nn.load(tmp_path / "net32.npz", scalar=True)
    assert twin.scalar and twin.layers[0].dtype == np.float32
    assert_same_state(twin.to_tensor(), net)


def test_a_tensor_net_loads_as_its_scalar_twin_and_back(tmp_path):
    ts.manual_seed(1)
    net = nn.MLP(2, [2, 1])
    path = net.save(tmp_path / "net.npz")
    twin = nn.load(path, scalar=True)
    assert twin.scalar and [name for name, _ in twin.named_parameters()] == [
        "w1", "w2", "w3", "w4", "b1", "b2", "w5", "w6", "b3"]
    assert_same_state(twin, net.to_scalar())
    assert twin(X[0]).data == net.to_scalar()(X[0]).data
    scalar_path = twin.save(tmp_path / "twin.npz")
    assert set(np.load(scalar_path).files) == {"w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2",
                                               "b3", "__tinygrad_sym__"}
    assert_same_state(nn.load(scalar_path, scalar=False), net)
    assert nn.load(scalar_path).scalar


def test_a_sequential_of_different_layers_and_a_single_layer(tmp_path):
    ts.manual_seed(2)
    net = nn.Sequential(nn.Dense(3, 4, activation="relu"), nn.Dense(4, 2, activation="linear"))
    back = nn.load(net.save(tmp_path / "seq.npz"))
    assert type(back) is nn.Sequential and repr(back) == repr(net)
    assert_same_state(back, net)
    second = net.layers[1]  # layer 2 of its net: W2, b2
    layer = nn.load(second.save(tmp_path / "layer.npz"))
    assert isinstance(layer, nn.Dense) and layer.numbering == second.numbering
    assert [name for name, _ in layer.named_parameters()] == ["W2", "b2"]
    assert_same_state(layer, second)
    scalar_layer = nn.load(tmp_path / "layer.npz", scalar=True)
    assert [name for name, _ in scalar_layer.named_parameters()][:2] == ["w13", "w14"]


def test_the_file_is_plain_numpy(tmp_path):
    net = nn.MLP(2, [3, 1])
    with np.load(net.save(tmp_path / "net.npz")) as archive:
        assert np.array_equal(archive["W1"], net.layers[0].W.data)
        assert "__tinygrad_sym__" in archive.files


def test_load_into_a_net_in_place_at_either_granularity(tmp_path):
    net = nn.MLP(2, [2, 1], init=0.5)
    path = net.save(tmp_path / "net.npz")
    target = nn.MLP(2, [2, 1], scalar=True, init="zeros")
    assert nn.load(path, into=target) is target
    assert_same_state(target, net.to_scalar())


def test_a_net_of_other_sizes_raises_naming_the_parameter_and_changes_nothing(tmp_path):
    path = nn.MLP(2, [3, 1]).save(tmp_path / "net.npz")
    wider = nn.MLP(2, [4, 1], init="zeros")
    with pytest.raises(ShapeError, match=r"parameter W1 has shape \(2, 3\) in the file but "
                       r"\(2, 4\) in MLP\(2 → 4 → 1"):
        nn.load(path, into=wider)
    assert not wider.layers[0].W.data.any()  # untouched
    deeper = nn.MLP(2, [3, 2, 1])
    with pytest.raises(KeyError, match="W3, b3: missing from the file"):
        nn.load(path, into=deeper)
    with pytest.raises(ValueError, match="layer 1 of the saved net uses sigmoid, this one relu"):
        nn.load(path, into=nn.MLP(2, [3, 1], activation="relu"))
    with pytest.raises(ValueError, match="scalar= or into=, not both"):
        nn.load(path, scalar=True, into=deeper)


def test_a_file_whose_numbers_do_not_fit_its_own_architecture(tmp_path):
    arrays = dict(np.load(nn.MLP(2, [3, 1]).save(tmp_path / "net.npz")))
    arrays["W9"] = arrays.pop("W2")
    np.savez(tmp_path / "renamed.npz", **arrays)
    with pytest.raises(KeyError, match="W9: not a parameter of this net; W2: missing"):
        nn.load(tmp_path / "renamed.npz")
    arrays["W2"] = np.ones((4, 1))
    del arrays["W9"]
    np.savez(tmp_path / "reshaped.npz", **arrays)
    with pytest.raises(ShapeError, match=r"parameter W2 has shape \(4, 1\) in the file"):
        nn.load(tmp_path / "reshaped.npz")


def test_files_that_are_not_ours_get_a_clear_error(tmp_path):
    (tmp_path / "notes.npz").write_text("just some text\n")
    with pytest.raises(ModelFileError, match="not a tinygrad_sym model file: numpy cannot read"):
        nn.load(tmp_path / "notes.npz")
    np.savez(tmp_path / "arrays.npz", W1=np.ones((2, 3)))
    with pytest.raises(ModelFileError, match=r"no '__tinygrad_sym__' entry .* Its entries: W1\. "
                       "To load bare arrays by name, use np.load and model.load_state_dict"):
        nn.load(tmp_path / "arrays.npz")
    np.save(tmp_path / "single.npy", np.ones(3))
    with pytest.raises(ModelFileError, match="a single numpy array"):
        nn.load(tmp_path / "single.npy")
    np.savez(tmp_path / "garbled.npz", __tinygrad_sym__=np.array("{not json"))
    with pytest.raises(ModelFileError, match="not a model description"):
        nn.load(tmp_path / "garbled.npz")
    newer = '{"format": "tinygrad_sym model", "version": 99, "architecture": {}}'
    np.savez(tmp_path / "newer.npz", __tinygrad_sym__=np.array(newer))
    with pytest.raises(ModelFileError, match="format version 99 by a newer tinygrad_sym"):
        nn.load(tmp_path / "newer.npz")
    strange = '{"format": "tinygrad_sym model", "version": 1, "architecture": {"nin": 2}}'
    np.savez(tmp_path / "strange.npz", __tinygrad_sym__=np.array(strange))
    with pytest.raises(ModelFileError, match="cannot be built"):
        nn.load(tmp_path / "strange.npz")
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "missing.npz")


def test_writing_is_atomic(tmp_path, monkeypatch):
    path = nn.MLP(2, [3, 1]).save(tmp_path / "net.npz")
    before = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    for where in (np, os):  # while producing the archive; while moving it into place
        with monkeypatch.context() as patch:
            patch.setattr(where, "savez" if where is np else "replace", disk_full)
            with pytest.raises(OSError, match="No space left"):
                nn.MLP(2, [5, 1]).save(path)
        assert path.read_bytes() == before
        assert os.listdir(tmp_path) == ["net.npz"]  # no temporary file left behind


def test_saving_needs_a_model_that_describes_itself(tmp_path):
    class Bare(nn.Module):
        def named_parameters(self):
            return [("w", ts.Value(1.0))]

    with pytest.raises(NotImplementedError, match="Bare cannot describe itself"):
        Bare().save(tmp_path / "bare.npz")
