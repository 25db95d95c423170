import json
import os
import pickle

import numpy as np
import pytensor
import pytest

from symrnn import checkpoint
from symrnn.checkpoint import (
    check_compatible,
    load_checkpoint,
    restore_shared,
    rng_from_state,
    rng_state,
    save_checkpoint,
    shared_values,
)
from symrnn.errors import CheckpointError


def some_arrays(seed=0):
    rng = np.random.default_rng(seed)
    return {"W_x": rng.normal(size=(4, 3)).astype("float32"), "b_x": np.zeros(3, "float32"),
            "W_x.m": rng.normal(size=(4, 3)), "adam.t": np.asarray(17, "int64"),
            "empty": np.zeros((0, 5), "float32")}


META = {"config": {"vocab_size": 86, "n_hidden": 256, "cell": "lstm"}, "step": 1200,
        "vocab": ["\0", " ", "é", "✓"], "losses": [2.5, 1.75]}


def assert_same_arrays(got, want):
    assert set(got) == set(want)
    for name in want:
        assert got[name].dtype == want[name].dtype and got[name].shape == want[name].shape, name
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)


def test_round_trip(tmp_path):
    path = tmp_path / "model.npz"
    save_checkpoint(path, some_arrays(), META)
    arrays, meta = load_checkpoint(path)
    assert_same_arrays(arrays, some_arrays())
    assert meta == META


def test_a_checkpoint_is_a_plain_npz_without_pickles(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save_checkpoint(path, some_arrays(), META)
    with np.load(path, allow_pickle=False) as npz:
        assert set(npz.files) == set(some_arrays()) | {checkpoint.META_MEMBER}
    calls = []
    real_load = np.load
    monkeypatch.setattr(np, "load", lambda *a, **kw: calls.append(kw) or real_load(*a, **kw))
    load_checkpoint(path)
    assert calls == [{"allow_pickle": False}]


def test_object_arrays_are_refused_both_ways(tmp_path, monkeypatch):
    with pytest.raises(CheckpointError, match="'names' holds Python objects"):
        save_checkpoint(tmp_path / "a.npz", {"names": np.array(["a", None], dtype=object)}, {})
    # A file with a pickled member and valid metadata: loading refuses it and unpickles nothing.
    path = tmp_path / "evil.npz"
    document = json.dumps({"format": checkpoint.FORMAT, "version": 1, "meta": {}}).encode()
    np.savez(path, evil=np.array([{"x": 1}], dtype=object),
             **{checkpoint.META_MEMBER: np.frombuffer(document, np.uint8)})

    def no_unpickling(*args, **kwargs):
        raise AssertionError("something was unpickled")
    monkeypatch.setattr(pickle, "load", no_unpickling)
    monkeypatch.setattr(pickle, "loads", no_unpickling)
    with pytest.raises(CheckpointError, match="holds Python objects \\(pickled data\\); a symrnn checkpoint holds "
                                              "numbers only, and symrnn never unpickles"):
        load_checkpoint(path)


def test_interrupted_write_leaves_the_old_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save_checkpoint(path, some_arrays(0), META)
    written = []
    real_write_array = np.lib.format.write_array

    def crash_after_one_member(*args, **kwargs):
        if written:
            raise KeyboardInterrupt  # e.g. Ctrl-C half way through the new file
        written.append(real_write_array(*args, **kwargs))
    monkeypatch.setattr(np.lib.format, "write_array", crash_after_one_member)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, some_arrays(1), {"step": 9999})
    assert written  # the crash did happen mid-write
    monkeypatch.undo()
    arrays, meta = load_checkpoint(path)
    assert_same_arrays(arrays, some_arrays(0))
    assert meta == META
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind


def test_new_file_is_synced_before_it_replaces_the_old(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: events.append("replace") or real_replace(a, b))
    save_checkpoint(path, some_arrays(), META)
    assert events.index("fsync") < events.index("replace")


def test_failing_rename_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save_checkpoint(path, some_arrays(0), META)

    def disk_full(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(CheckpointError, match="cannot write checkpoint .*No space left"):
        save_checkpoint(path, some_arrays(1), META)
    monkeypatch.undo()
    assert_same_arrays(load_checkpoint(path)[0], some_arrays(0))
    assert os.listdir(tmp_path) == ["model.npz"]


def test_missing_file_and_missing_directory(tmp_path):
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "nope.npz")
    with pytest.raises(CheckpointError, match="cannot write checkpoint"):
        save_checkpoint(tmp_path / "no" / "such" / "dir.npz", some_arrays(), META)


@pytest.mark.parametrize("cut", [lambda n: 0, lambda n: 10, lambda n: n // 2, lambda n: n - 22,
                                 lambda n: n - 1], ids=["empty", "10-bytes", "half", "no-end-record",
                                                        "last-byte"])
def test_truncated_file(tmp_path, cut):
    path = tmp_path / "model.npz"
    save_checkpoint(path, some_arrays(), META)
    data = path.read_bytes()
    path.write_bytes(data[:cut(len(data))])
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        load_checkpoint(path)


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(3).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(CheckpointError, match="not an .npz file"):
        load_checkpoint(path)


def test_corrupted_byte_inside_an_array_is_caught(tmp_path):
    path = tmp_path / "model.npz"
    save_checkpoint(path, {"W": np.arange(1000.0)}, META)
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF  # inside W's data: only the zip CRC can notice
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        load_checkpoint(path)


def test_plain_npz_and_npy_are_not_checkpoints(tmp_path):
    np.savez(tmp_path / "plain.npz", W=np.ones(3))
    with pytest.raises(CheckpointError, match="not a symrnn checkpoint.*__symrnn__"):
        load_checkpoint(tmp_path / "plain.npz")
    np.save(tmp_path / "single.npy", np.ones(3))
    with pytest.raises(CheckpointError, match="not a symrnn checkpoint \\(not an .npz file\\)"):
        load_checkpoint(tmp_path / "single.npy")
    foreign = json.dumps({"format": "something-else", "version": 1, "meta": {}}).encode()
    np.savez(tmp_path / "foreign.npz", **{checkpoint.META_MEMBER: np.frombuffer(foreign, np.uint8)})
    with pytest.raises(CheckpointError, match="not a symrnn checkpoint"):
        load_checkpoint(tmp_path / "foreign.npz")


def test_newer_format_version_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "FORMAT_VERSION", checkpoint.FORMAT_VERSION + 1)
    save_checkpoint(tmp_path / "future.npz", some_arrays(), META)
    monkeypatch.undo()
    with pytest.raises(CheckpointError, match="version 2.*upgrade"):
        load_checkpoint(tmp_path / "future.npz")


def test_meta_must_be_json(tmp_path):
    with pytest.raises(CheckpointError, match="not JSON"):
        save_checkpoint(tmp_path / "a.npz", {}, {"rng": np.random.default_rng()})
    assert not os.listdir(tmp_path)


def test_check_compatible_names_every_differing_key(tmp_path):
    save_checkpoint(tmp_path / "m.npz", {}, {"vocab_size": 86, "n_hidden": 256, "cell": "gru",
                                            "sizes": (3, 4)})
    _, meta = load_checkpoint(tmp_path / "m.npz")
    check_compatible(meta, {"vocab_size": 86, "sizes": (3, 4)})  # a tuple matches its JSON list
    with pytest.raises(CheckpointError, match="another model") as info:
        check_compatible(meta, {"vocab_size": 86, "n_hidden": 128, "cell": "lstm", "layers": 2})
    message = str(info.value)
    assert "n_hidden is 256 (expected 128)" in message and "cell is 'gru' (expected 'lstm')" in message
    assert "layers is missing" in message and "vocab_size" not in message


def shared_vars(dtype="float32"):
    return [pytensor.shared(np.full((2, 3), 1.5, dtype), name="W"),
            pytensor.shared(np.zeros(3, dtype), name="b"),
            pytensor.shared(np.asarray(0, "int64"), name="adam.t")]


def test_shared_values_round_trip_through_a_checkpoint(tmp_path):
    source, target = shared_vars(), shared_vars()
    source[0].set_value(np.arange(6, dtype="float32").reshape(2, 3))
    source[2].set_value(np.asarray(5, "int64"))
    values = shared_values(source)
    values["W"][0, 0] = 99  # a copy, not the variable's own buffer
    assert source[0].get_value()[0, 0] == 0
    save_checkpoint(tmp_path / "m.npz", shared_values(source), {})
    restore_shared(target, load_checkpoint(tmp_path / "m.npz")[0])
    for s, t in zip(source, target):
        assert t.get_value().dtype == s.get_value().dtype
        np.testing.assert_array_equal(t.get_value(), s.get_value())


def test_restore_names_bad_variables_and_changes_nothing():
    target = shared_vars("float32")
    arrays = {"W": np.zeros((3, 2), "float32"), "b": np.zeros(3, "float64")}  # adam.t missing
    with pytest.raises(CheckpointError) as info:
        restore_shared(target, arrays)
    message = str(info.value)
    assert "W is float32 (3, 2) in the checkpoint, the model needs float32 (2, 3)" in message
    assert "b is float64 (3,)" in message and "adam.t is missing" in message
    assert np.all(target[0].get_value() == 1.5)


def test_restore_accepts_lossless_widening():
    target = shared_vars("float64")
    restore_shared(target, {"W": np.ones((2, 3), "float32"), "b": np.ones(3, "float32"),
                            "adam.t": np.asarray(3, "int64"), "unused": np.ones(1)})
    assert target[0].get_value().dtype == "float64" and np.all(target[1].get_value() == 1)


def test_variables_need_unique_names():
    a, b = pytensor.shared(np.ones(2), name="W"), pytensor.shared(np.ones(2), name="W")
    with pytest.raises(CheckpointError, match="'W'.*unique"):
        shared_values([a, b])
    with pytest.raises(CheckpointError, match="no name"):
        shared_values([pytensor.shared(np.ones(2))])


@pytest.mark.parametrize("bit_generator", ["PCG64", "MT19937", "Philox", "SFC64"])
def test_rng_state_survives_json(tmp_path, bit_generator):
    rng = np.random.Generator(getattr(np.random, bit_generator)(123))
    rng.random(7)
    save_checkpoint(tmp_path / "m.npz", {}, {"rng": rng_state(rng)})
    restored = rng_from_state(load_checkpoint(tmp_path / "m.npz")[1]["rng"])
    np.testing.assert_array_equal(restored.random(5), rng.random(5))


def test_bad_rng_state_is_a_checkpoint_error():
    with pytest.raises(CheckpointError, match="unknown random bit generator 'Generator'"):
        rng_from_state({"bit_generator": "Generator"})
    with pytest.raises(CheckpointError, match="corrupt PCG64"):
        rng_from_state({"bit_generator": "PCG64", "state": {}})


def test_checkpoint_gets_ordinary_file_permissions(tmp_path):
    path = tmp_path / "ck.npz"
    old = os.umask(0o022)
    try:
        save_checkpoint(path, {"w": np.zeros(2)}, {})
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_mapping_keeps_variables_whose_names_repeat(tmp_path):
    """Stacked layers repeat parameter names (each has a W_x): a {key: variable} mapping stores them."""
    layers = [pytensor.shared(np.full(2, k, "float32"), name="W_x") for k in range(2)]
    named = {f"l{k}.W_x": var for k, var in enumerate(layers)}
    save_checkpoint(tmp_path / "m.npz", shared_values(named), {})
    for var in layers:
        var.set_value(np.zeros(2, "float32"))
    restore_shared(named, load_checkpoint(tmp_path / "m.npz")[0])
    assert [var.get_value()[0] for var in layers] == [0, 1]
    with pytest.raises(CheckpointError, match="l1.W_x is missing"):
        restore_shared(named, {"l0.W_x": np.zeros(2, "float32")})


@pytest.mark.parametrize("meta", [{}, {"vocab": ["a"]}, {"vocab": 3, "config": {"vocab_size": 2, "n_hidden": 4}},
                                  {"vocab": ["a"], "config": {"vocab_size": 2, "n_hidden": "4"}},
                                  {"vocab": ["a"], "config": [1, 2]}])
def test_training_settings_refuse_a_checkpoint_of_something_else(meta):
    with pytest.raises(CheckpointError, match=r"^run\.npz is not a symrnn training checkpoint$"):
        checkpoint.training_settings(meta, "run.npz")


def test_training_settings_are_the_vocabulary_and_model_config():
    meta = {"vocab": ["\0", "a"], "config": {"vocab_size": 2, "n_hidden": 4, "cell": "lstm"}}
    assert checkpoint.training_settings(meta, "run.npz") == (["\0", "a"], meta["config"])


def test_a_text_file_is_not_a_checkpoint_and_no_advice_to_unpickle(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some text\n")
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(path)
    assert str(caught.value) == f"{path} is not a symrnn checkpoint (not an .npz file)"


def test_numbers_that_are_not_finite_are_refused_at_load(tmp_path):
    arrays = some_arrays(0)
    arrays["model.000.W_h"] = np.array([[1.0, np.nan]], np.float32)
    save_checkpoint(tmp_path / "diverged.npz", arrays, META)
    with pytest.raises(CheckpointError, match=r"not finite \(NaN or infinite\) in model\.000\.W_h"):
        load_checkpoint(tmp_path / "diverged.npz")


def test_a_second_writer_of_one_path_is_refused_with_the_holders_pid(tmp_path, lock_holder):
    path = tmp_path / "run.npz"
    holder = lock_holder(path)
    with pytest.raises(CheckpointError, match=f"is being written by another symrnn run \\(pid {holder.pid}\\)"):
        with checkpoint.locked(path):
            pass
    holder.kill()
    holder.wait()
    with checkpoint.locked(path):  # a holder that died released the lock
        pass
    assert not list(tmp_path.glob(".*.lock"))  # and the lock's file goes with the lock


def test_the_lock_clears_what_an_interrupted_write_left(tmp_path):
    path = tmp_path / "run.npz"
    leftover, other = tmp_path / ".run.npz.abc123.tmp", tmp_path / ".other.npz.abc123.tmp"
    leftover.write_bytes(b"half a checkpoint")
    other.write_bytes(b"another file's")
    with checkpoint.locked(path):
        save_checkpoint(path, some_arrays(0), META)
    assert not leftover.exists() and other.exists()
    assert load_checkpoint(path)[1] == META
