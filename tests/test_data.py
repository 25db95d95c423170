"""symrnn.data: vocabulary, texts, windows, streams and batches."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symrnn import data
from symrnn.data import lesson_windows, minibatches, stateful_batches
from symrnn.errors import DataError, UnknownCharacterError


def test_vocabulary_is_the_lessons():
    vocab = data.Vocabulary.from_text("hello world")
    assert vocab.chars == ["\0", " ", "d", "e", "h", "l", "o", "r", "w"]


def test_vocabulary_round_trips():
    text = "the quick brown fox, again: the quick brown fox."
    vocab = data.Vocabulary.from_text(text)
    idx = vocab.encode(text)
    assert idx.dtype == np.uint8 and idx.min() >= 1  # the narrowest type that holds the vocabulary
    assert vocab.decode(idx) == text
    assert data.Vocabulary.from_json(vocab.to_json()).chars == vocab.chars


def test_a_vocabulary_of_more_than_256_symbols_takes_two_bytes_an_index():
    text = "".join(chr(0x4e00 + i) for i in range(300)) + "\U0001f600"
    vocab = data.Vocabulary.from_text(text)
    idx = vocab.encode(text)
    assert idx.dtype == np.uint16 and vocab.decode(idx) == text


def test_windows_are_views_of_the_text_not_copies():
    indices = np.arange(100, dtype=np.uint8)
    inputs, targets = data.lesson_windows(indices, 8)
    assert np.shares_memory(inputs, indices) and np.shares_memory(targets, indices)
    assert inputs.shape == (12, 8) and (targets == inputs + 1).all()
    batches = data.WindowBatches(inputs, targets, 5)
    x, y = next(iter(batches.epoch(0)))
    assert x.dtype == np.int32 and x.shape == (8, 5) and x.flags.c_contiguous


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


def test_load_text_reads_utf8_by_default_and_latin1_when_asked(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("café".encode())
    assert data.load_text(path) == "café"
    assert data.load_text(path, "latin-1") == "cafÃ©"


def test_text_that_is_not_utf8_names_the_byte_and_the_way_out(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("naïve text".encode("latin-1"))
    with pytest.raises(DataError, match=r"not valid utf-8: invalid continuation byte at byte 2; if it is one byte "
                                        r"per character, use --encoding latin-1"):
        data.load_text(path)
    assert data.load_text(path, "latin-1") == "naïve text"


def test_utf16_with_a_byte_order_mark_is_read_when_asked(tmp_path):
    path = tmp_path / "t.txt"
    for raw in ("héllo\n".encode("utf-16"), "\ufeffhéllo\n".encode("utf-16-be")):  # either byte order
        path.write_bytes(raw)
        assert data.load_text(path, "utf-16") == "héllo\n"


def test_a_nul_byte_anywhere_in_the_file_is_a_binary_file(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(b"a" * (3 << 20) + b"\0" + b"b" * 10)
    with pytest.raises(DataError, match=f"binary file \\(a NUL byte at byte {3 << 20}\\)"):
        data.load_text(path)


def test_an_unknown_encoding_is_one_data_error(tmp_path):
    with pytest.raises(DataError, match="unknown text encoding 'utf-9'"):
        data.load_text(tmp_path / "t.txt", "utf-9")


def test_default_corpus_is_real_text():
    text = data.default_corpus()
    assert len(text) > 100_000 and "def " in text


@given(length=st.integers(2, 400), batch_size=st.integers(1, 9), seq_len=st.integers(1, 9))
def test_stateful_batches_are_continuous_streams(length, batch_size, seq_len):
    text = np.random.default_rng(length).permutation(length)  # distinct: positions recognisable
    if (length - 1) // (batch_size * seq_len) == 0:
        with pytest.raises(DataError, match="too short"):
            stateful_batches(text, batch_size, seq_len)
        return
    x, y = stateful_batches(text, batch_size, seq_len)
    n_batches = (length - 1) // (batch_size * seq_len)
    assert x.shape == y.shape == (n_batches, seq_len, batch_size) and x.dtype == y.dtype == text.dtype
    position = {value: i for i, value in enumerate(text)}
    pos_x, pos_y = np.vectorize(position.get)(x), np.vectorize(position.get)(y)
    np.testing.assert_array_equal(pos_y, pos_x + 1)  # targets: the next character of the stream
    # along time inside a batch, and from the end of batch k to the start of batch k+1, each row
    # advances by exactly one character
    stream = pos_x.transpose(2, 0, 1).reshape(batch_size, -1)  # row i: batch 0, batch 1, ...
    assert np.all(np.diff(stream, axis=1) == 1)
    # every character of the used prefix is an input exactly once
    assert sorted(pos_x.ravel()) == list(range(n_batches * seq_len * batch_size))


def test_stateful_batch_layout_by_hand():
    x, y = stateful_batches(np.arange(13), batch_size=2, seq_len=3)
    # two streams 0..5 and 6..11; the 13th character is only a target
    np.testing.assert_array_equal(x[0], [[0, 6], [1, 7], [2, 8]])
    np.testing.assert_array_equal(x[1], [[3, 9], [4, 10], [5, 11]])
    np.testing.assert_array_equal(y[1], [[4, 10], [5, 11], [6, 12]])


@pytest.mark.parametrize("batch_size, seq_len", [(0, 8), (4, -1), (2.5, 8)])
def test_stateful_batches_reject_bad_sizes(batch_size, seq_len):
    with pytest.raises(DataError, match="positive integer"):
        stateful_batches(np.arange(100), batch_size, seq_len)


@given(n_windows=st.integers(1, 40), batch_size=st.integers(1, 12), seed=st.integers(0, 2 ** 32 - 1))
def test_minibatches_use_every_window_once_time_major(n_windows, batch_size, seed):
    text = np.arange(n_windows * 3 + 1)
    windows, shifted = lesson_windows(text, 3)
    batches = list(minibatches(windows, shifted, batch_size, np.random.default_rng(seed)))
    assert len(batches) == -(-n_windows // batch_size)
    seen = []
    for x, y in batches:
        assert x.shape[0] == 3 and x.shape == y.shape and x.dtype == np.int32
        assert 1 <= x.shape[1] <= batch_size
        np.testing.assert_array_equal(y, x + 1)
        seen += [tuple(column) for column in x.T]
    assert sorted(seen) == sorted(tuple(w) for w in windows)


def test_minibatches_are_shuffled_reproducibly():
    windows, shifted = lesson_windows(np.arange(801), 8)

    def first_columns(seed):
        return [x[0, 0] for x, _ in minibatches(windows, shifted, 4, np.random.default_rng(seed))]
    assert first_columns(1) == first_columns(1)
    assert first_columns(1) != first_columns(2)
    assert first_columns(1) != sorted(first_columns(1))


def test_minibatches_check_shapes_when_called():
    with pytest.raises(DataError, match="same"):
        minibatches(np.zeros((4, 3)), np.zeros((4, 2)), 2, np.random.default_rng(0))
