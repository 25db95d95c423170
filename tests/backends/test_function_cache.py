"""JAX functions kept on disk by the graph they were compiled from (``symrnn.backends.function_cache``).

A second trainer of the same model loads the first one's exported functions instead of letting
PyTensor rewrite the graph: it must train exactly as a compiled function does (dropout's random
numbers included), and any change to the graph — a size, a cell, one constant in a user's step —
must be another key. Each test keeps its cache in its own temporary directory.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.graph.basic import Apply
from pytensor.graph.op import Op

from symrnn.backends import function_cache, jax_backend
from symrnn.backends.compile import compile_mode
from symrnn.nn import init
from symrnn.nn.cells import Cell
from symrnn.nn.model import CharRNN
from symrnn.training.trainer import Trainer

pytest.importorskip("jax")
pytest.importorskip("flatbuffers")

V = 9


@pytest.fixture(autouse=True)
def cache_in(tmp_path, monkeypatch):
    monkeypatch.setattr(function_cache, "cache_dir", lambda: tmp_path / "functions")
    monkeypatch.setenv("SYMRNN_FUNCTION_CACHE", "1")
    return tmp_path / "functions"


def train(model_kwargs, windows):
    """A new JAX trainer's losses on ``windows`` (n, 2, T, B), then its weights and a prediction."""
    trainer = Trainer(CharRNN(V, 8, **model_kwargs), "adam", clip=5.0, mode="JAX", show_progress=False)
    losses = [trainer.train_step(x, y, 0.1)[0] for x, y in windows]
    probs, _ = trainer.predict(windows[0, 0, :, :2])
    return trainer, losses, [w.get_value() for w in trainer.model.variables], probs


def compiled_kinds(trainer):
    return {type(fn).__name__ for f in (trainer.train_fn, trainer.predict_fn) for fn, _ in f.fn.compiled.values()}


@pytest.fixture
def compiles(monkeypatch):
    """The number of graphs PyTensor has compiled (rewritten) since the test began, as a list of one."""
    count, compile_for_real = [0], jax_backend.pytensor.function

    def counted(*args, **kwargs):
        count[0] += 1
        return compile_for_real(*args, **kwargs)

    monkeypatch.setattr(jax_backend.pytensor, "function", counted)
    return count


@pytest.mark.parametrize("model_kwargs", [{}, {"cell": "gru", "dropout": 0.3, "recurrent_dropout": 0.3}])
def test_an_exported_and_a_loaded_function_train_exactly_as_pytensors(cache_in, model_kwargs, monkeypatch,
                                                                       compiles):
    """PyTensor's compiled function (cache off) is the reference; the first run with the cache calls
    the function it exported, the second the one it loaded, without compiling."""
    windows = np.random.default_rng(0).integers(0, V, size=(3, 2, 5, 3))
    monkeypatch.setenv("SYMRNN_FUNCTION_CACHE", "0")
    reference, *expected = train(model_kwargs, windows)
    assert compiled_kinds(reference) == {"Function"} and not cache_in.exists()
    monkeypatch.setenv("SYMRNN_FUNCTION_CACHE", "1")
    for run in ("exported", "loaded"):
        compiled_before = compiles[0]
        trainer, *got = train(model_kwargs, windows)
        assert compiled_kinds(trainer) == {"CachedFunction"} and len(list(cache_in.glob("*.json"))) == 2
        assert compiles[0] - compiled_before == (2 if run == "exported" else 0)
        assert got[0] == expected[0], run  # the same XLA code on the same numbers, dropout's keys included
        for got_weight, want in zip(got[1], expected[1]):
            np.testing.assert_array_equal(got_weight, want)
        np.testing.assert_array_equal(got[2], expected[2])


def test_an_unreadable_entry_is_compiled_anew_and_replaced(cache_in, compiles):
    windows = np.random.default_rng(1).integers(0, V, size=(2, 2, 5, 3))
    _, losses, *_ = train({}, windows)
    for entry in cache_in.glob("*.json"):
        entry.write_text(entry.read_text()[:100])
    _, again, *_ = train({}, windows)
    assert compiles[0] == 4 and again == losses
    assert all("exported" in json.loads(entry.read_text()) for entry in cache_in.glob("*.json"))


def test_a_cache_that_cannot_be_written_leaves_training_as_it_was(tmp_path, monkeypatch):
    (tmp_path / "a file").write_text("")
    monkeypatch.setattr(function_cache, "cache_dir", lambda: tmp_path / "a file" / "functions")
    windows = np.random.default_rng(1).integers(0, V, size=(2, 2, 5, 3))
    _, losses, *_ = train({}, windows)
    monkeypatch.setenv("SYMRNN_FUNCTION_CACHE", "0")
    assert train({}, windows)[1] == losses


def test_beyond_its_size_the_least_recently_used_entries_go(cache_in, monkeypatch):
    """Each train() keeps two functions (train, predict); room for four."""
    monkeypatch.setattr(function_cache, "MAX_ENTRIES", 4)
    windows = np.random.default_rng(1).integers(0, V, size=(1, 2, 5, 3))

    def trained(model_kwargs, saved_at=None):
        before = set(cache_in.glob("*.json"))
        train(model_kwargs, windows)
        new = set(cache_in.glob("*.json")) - before
        for entry in new if saved_at else ():
            os.utime(entry, (saved_at, saved_at))
        return new

    rnn, gru = trained({}, saved_at=1e9), trained({"cell": "gru"}, saved_at=1.1e9)  # the RNN's the older
    assert len(rnn) == len(gru) == 2 and trained({}) == set()  # the RNN's loaded: now the newer
    lstm = trained({"cell": "lstm"})
    assert set(cache_in.glob("*.json")) == rnn | lstm


def test_turned_off_it_keeps_nothing(cache_in, monkeypatch):
    monkeypatch.setenv("SYMRNN_FUNCTION_CACHE", "0")
    train({}, np.random.default_rng(1).integers(0, V, size=(1, 2, 5, 3)))
    assert not cache_in.exists()


class Leaky(Cell):
    """h' = tanh(x·W + leak·h): ``leak`` is a constant of the step."""

    leak = np.float32(0.5)

    def __init__(self, n_in, n_hidden, **kwargs):
        super().__init__(n_in, n_hidden, **kwargs)
        self.add_param("W", (n_in, n_hidden), init.glorot_uniform)

    def step(self, x, h, W):
        return pt.tanh(pt.dot(x, W) + self.leak * h)


class Leakier(Leaky):
    leak = np.float32(0.6)


def key_of(model_kwargs, shape=(5, 3)):
    trainer = Trainer(CharRNN(V, model_kwargs.pop("hidden", 8), **model_kwargs), "sgd", mode="JAX",
                      show_progress=False)
    inputs, outputs, updates = trainer._fixed_shape_training_graph([np.zeros(shape, np.int32)])
    return function_cache.graph_key(inputs, outputs, dict(updates), compile_mode("JAX"))[0]


def test_the_same_graph_is_the_same_key_and_any_change_another():
    keys = [key_of({}), key_of({"hidden": 9}), key_of({}, shape=(6, 3)), key_of({"cell": "gru"}),
            key_of({"cell": Leaky}), key_of({"cell": Leakier})]
    assert key_of({}) == keys[0] and key_of({"cell": Leaky}) == keys[4]
    assert len(set(keys)) == len(keys)


class UsersOwn(Op):
    """A user's op: it may compute otherwise tomorrow under the same name and ``__props__``."""

    __props__ = ()

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = inputs[0]


def test_a_graph_with_a_users_own_op_is_not_cached():
    x = pt.vector("x")
    w = pytensor.shared(np.zeros(3), name="w")
    assert function_cache.graph_key([x], [UsersOwn()(x) + w], {}, compile_mode("JAX")) == (None, None)
    assert function_cache.graph_key([x], [x + w], {}, compile_mode("JAX"))[0] is not None


FLOAT64_RUN = """
import sys
import numpy as np
import pytensor.tensor as pt
from symrnn.backends.compile import CompiledFunction
x = pt.vector("x", dtype="float64")
fn = CompiledFunction([x], (x * 1e-300) * 1e300, name="f64", mode="JAX", show_progress=False)
result = fn(np.array([0.1, 0.2]))
print(result.dtype, repr(result.tolist()), "compiled" if "pytensor.link.jax.dispatch" in sys.modules else "loaded")
"""


def test_a_loaded_float64_function_computes_in_64_bits(tmp_path, monkeypatch):
    """A loaded function runs without PyTensor's JAX dispatch, which switches JAX to 64 bits."""
    monkeypatch.setenv("PYTENSOR_FLAGS", f"compiledir={tmp_path / 'compiledir'}")
    runs = [subprocess.run([sys.executable, "-c", FLOAT64_RUN], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs == ["float64 [0.1, 0.2] compiled\n", "float64 [0.1, 0.2] loaded\n"]


def entries(cache_in):
    """{key: entry} of the cache folder."""
    return {path.stem: json.loads(path.read_text()) for path in cache_in.glob("*.json")}


def test_an_entry_of_another_graph_under_a_key_is_compiled_anew_and_replaced(cache_in, compiles):
    """An entry holds its key: one copied under another graph's key never gives that graph's numbers."""
    windows = np.random.default_rng(2).integers(0, V, size=(2, 2, 5, 3))
    train({}, windows)
    rnn_keys = set(entries(cache_in))
    _, gru_losses, *_ = train({"cell": "gru"}, windows)
    gru_keys = set(entries(cache_in)) - rnn_keys
    rnn_entry = next(cache_in / f"{k}.json" for k in rnn_keys)
    for key in gru_keys:
        (cache_in / f"{key}.json").write_bytes(rnn_entry.read_bytes())
    before = compiles[0]
    assert train({"cell": "gru"}, windows)[1] == gru_losses
    assert compiles[0] - before == 2
    assert all(entries(cache_in)[key]["key"] == key for key in gru_keys)


def test_an_entry_whose_function_does_not_match_its_digest_is_not_loaded(cache_in, compiles):
    windows = np.random.default_rng(3).integers(0, V, size=(1, 2, 5, 3))
    train({}, windows)
    for key, entry in entries(cache_in).items():
        entry["exported"] = entry["exported"][:-8] + "AAAAAAAA"
        (cache_in / f"{key}.json").write_text(json.dumps(entry))
    train({}, windows)
    assert compiles[0] == 4


def test_an_entry_that_loads_but_fails_at_its_first_call_is_compiled_anew(cache_in, compiles):
    """Another graph's function under this graph's key, with a matching key and digest: it loads,
    its first call fails on the weights it is given, and the run compiles instead."""
    windows = np.random.default_rng(4).integers(0, V, size=(2, 2, 5, 3))
    train({}, windows)
    rnn = entries(cache_in)
    _, gru_losses, *_ = train({"cell": "gru"}, windows)
    gru_keys = set(entries(cache_in)) - set(rnn)
    for key, donor in zip(sorted(gru_keys), sorted(rnn.values(), key=lambda e: len(e["arguments"]))):
        (cache_in / f"{key}.json").write_text(json.dumps({**donor, "key": key}))
    before = compiles[0]
    assert train({"cell": "gru"}, windows)[1] == gru_losses
    assert compiles[0] - before >= 1


def test_a_folder_or_an_entry_others_can_write_is_not_read(cache_in):
    train({}, np.random.default_rng(5).integers(0, V, size=(1, 2, 5, 3)))
    assert cache_in.stat().st_mode & 0o777 == 0o700
    paths = list(cache_in.glob("*.json"))
    assert paths and all(path.stat().st_mode & 0o777 == 0o600 for path in paths)
    key = paths[0].stem
    assert function_cache.load(key, [], []) is not None
    cache_in.chmod(0o777)
    assert function_cache.load(key, [], []) is None
    cache_in.chmod(0o700)
    paths[0].chmod(0o666)
    assert function_cache.load(key, [], []) is None


def test_saving_makes_a_folder_of_its_own_private_again(cache_in):
    cache_in.mkdir(mode=0o777)
    cache_in.chmod(0o777)
    train({}, np.random.default_rng(5).integers(0, V, size=(1, 2, 5, 3)))
    assert cache_in.stat().st_mode & 0o777 == 0o700 and list(cache_in.glob("*.json"))


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give the folder away")
def test_a_folder_of_another_user_is_neither_read_nor_written(cache_in, compiles):
    windows = np.random.default_rng(6).integers(0, V, size=(1, 2, 5, 3))
    train({}, windows)
    saved = {path: path.read_bytes() for path in cache_in.glob("*.json")}
    os.chown(cache_in, 65534, -1)
    train({}, windows)
    assert compiles[0] == 4
    assert {path: path.read_bytes() for path in cache_in.glob("*.json")} == saved


def test_an_input_is_exported_as_its_type_takes_it_whatever_array_came_first(cache_in):
    """A uint8 array given to an int32 input (as a vocabulary's narrow indices are) is converted, as
    PyTensor's function converts it: the exported function takes int32 from then on."""
    from symrnn.backends.compile import CompiledFunction

    x = pt.imatrix("x")
    first = CompiledFunction([x], (x * 2).sum(), name="double", mode="JAX", show_progress=False)
    assert first(np.ones((2, 3), np.uint8)) == 12
    assert first(np.ones((2, 3), np.int32)) == 12
    loaded = CompiledFunction([x], (x * 2).sum(), name="double", mode="JAX", show_progress=False)
    assert loaded(np.ones((2, 3), np.int32)) == 12 and loaded(np.ones((2, 3), np.uint8)) == 12
