import numpy as np
import pytest

from symrnn import data
from symrnn.errors import DataError, UnknownCharacterError


def test_vocabulary_is_the_lessons():
    vocab = data.Vocabulary.from_text("hello world")
    assert vocab.chars == ["\0", " ", "d", "e", "h", "l", "o", "r", "w"]


def test_vocabulary_round_trips():
    text = "the quick brown fox, again: the quick brown fox."
    vocab = data.Vocabulary.from_text(text)
    idx = vocab.encode(text)
    assert idx.dtype == np.int32 and idx.min() >= 1
    assert vocab.decode(idx) == text
    assert data.Vocabulary.from_json(vocab.to_json()).chars == vocab.chars


def test_unknown_characters_are_named():
    vocab = data.Vocabulary.from_text("abc")
    with pytest.raises(UnknownCharacterError, match=r"'z'.*position 2"):
        vocab.encode("abzq")
    with pytest.raises(UnknownCharacterError, match="2 character"):
        vocab.encode("abzq")


def test_empty_text_is_an_error():
    with pytest.raises(DataError, match="empty"):
        data.Vocabulary.from_text("")


def test_windows_match_the_lesson():
    idx = np.arange(30, dtype=np.int32)
    x, y = data.lesson_windows(idx, 8)
    # the lesson: inputs start every cs=8 characters; targets are the inputs shifted by one
    expected_starts = list(range(0, len(idx) - 1 - 8 + 1, 8))
    assert x.shape == (len(expected_starts), 8)
    for row, start in zip(x, expected_starts):
        np.testing.assert_array_equal(row, idx[start:start + 8])
    np.testing.assert_array_equal(y, x + 1)
    np.testing.assert_array_equal(y[:, :-1], x[:, 1:])


def test_windows_with_stride_one_overlap():
    x, y = data.lesson_windows(np.arange(12), 3, stride=1)
    assert len(x) == 9
    np.testing.assert_array_equal(x[1], [1, 2, 3])


def test_text_shorter_than_one_window():
    with pytest.raises(DataError, match="too short"):
        data.lesson_windows(np.arange(8), 8)


def test_one_hot():
    oh = data.one_hot(np.array([[0, 2]]), 3, "float32")
    assert oh.shape == (1, 2, 3) and oh.dtype == np.float32
    np.testing.assert_array_equal(oh[0], [[1, 0, 0], [0, 0, 1]])


def test_split_tail():
    train, val = data.split_tail(np.arange(100), 0.1)
    np.testing.assert_array_equal(val, np.arange(90, 100))
    assert len(train) == 90
    with pytest.raises(DataError):
        data.split_tail(np.arange(10), 1.0)


def test_load_text_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        data.load_text(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        data.load_text(empty)
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(DataError, match="binary"):
        data.load_text(binary)


def test_load_text_reads_bytes_as_latin1(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("café".encode())
    assert data.load_text(path) == "cafÃ©"
    assert data.load_text(path, "utf-8") == "café"


def test_default_corpus_is_real_text():
    text = data.default_corpus()
    assert len(text) > 100_000 and "def " in text
