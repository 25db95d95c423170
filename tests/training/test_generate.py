"""Text generation against fake ``predict`` functions: no compile needed."""
import numpy as np
import pytest

from symrnn.data import Vocabulary
from symrnn.errors import ConfigError, DataError, ShapeError, UnknownCharacterError
from symrnn.training.generate import greedy_text, sample_index, sample_text

VOCAB = Vocabulary.from_text("abcd")  # "\0abcd": V = 5


class Bigram:
    """A fake ``Trainer.predict``: next-character probabilities from a fixed (V, V) table.

    Its state is the number of characters read so far; it records each call to check that
    generation carries the state it returned.
    """

    def __init__(self, table):
        self.table, self.calls = table, []

    def __call__(self, inputs, states):
        assert inputs.ndim == 2 and inputs.shape[1] == 1 and inputs.dtype.kind == "i"
        read = 0 if states is None else int(states[0][0, 0])
        self.calls.append((inputs[:, 0].tolist(), read))
        return self.table[inputs], [np.array([[read + len(inputs)]])]


def random_table(seed):
    """Rows of random probabilities over the 4 real characters (never the padding)."""
    table = np.random.default_rng(seed).dirichlet(np.ones(4), size=5)
    return np.concatenate([np.zeros((5, 1)), table], axis=1)


def test_greedy_follows_the_argmax_chain():
    table = random_table(0)
    expected, current = [], VOCAB.index["c"]
    for _ in range(12):
        current = int(np.argmax(table[current]))
        expected.append(VOCAB.chars[current])
    assert greedy_text(Bigram(table), VOCAB, "abc", 12) == "".join(expected)


def test_prime_is_fed_once_then_one_character_at_a_time_with_the_state():
    model = Bigram(random_table(1))
    text = sample_text(model, VOCAB, "dab", 6, rng=0)
    assert model.calls[0] == (VOCAB.encode("dab").tolist(), 0)  # whole prime, zero state
    assert [inputs for inputs, _ in model.calls[1:]] == [[i] for i in VOCAB.encode(text[:-1])]
    assert [read for _, read in model.calls] == [0, 3, 4, 5, 6, 7]  # the state it returned, back


class Running:
    """A fake whose prediction depends on everything read: next = 1 + (sum of indices read) mod 4.

    ``states=None`` means "from zero": called on the whole text, it is the lesson's ``get_next``.
    """

    def __call__(self, inputs, states):
        totals = (0 if states is None else states[0]) + np.cumsum(inputs[:, 0])
        probs = np.full((len(inputs), 1, 5), 0.01)
        probs[np.arange(len(inputs)), 0, 1 + totals % 4] = 0.96
        return probs, [totals[-1]]


def test_carrying_the_state_equals_rereading_the_whole_text():
    def lessons_get_nexts(text, n):  # re-read everything from a zero state for every character
        for _ in range(n):
            probs, _ = Running()(VOCAB.encode(text)[:, None], None)
            text += VOCAB.chars[int(np.argmax(probs[-1, 0]))]
        return text
    prime = "badcab"
    assert prime + greedy_text(Running(), VOCAB, prime, 15) == lessons_get_nexts(prime, 15)


def test_low_temperature_is_greedy():
    table = random_table(2)
    greedy = greedy_text(Bigram(table), VOCAB, "a", 30)
    assert sample_text(Bigram(table), VOCAB, "a", 30, temperature=1e-3, rng=5) == greedy
    assert sample_text(Bigram(table), VOCAB, "a", 30, temperature=1.0, rng=5) != greedy


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.5])
def test_sampling_frequencies_follow_tempered_probabilities(temperature):
    probs = np.array([0.0, 0.1, 0.2, 0.3, 0.4])
    rng, n = np.random.default_rng(11), 20_000
    counts = np.bincount([sample_index(probs, temperature, rng) for _ in range(n)], minlength=5)
    tempered = probs ** (1 / temperature) / np.sum(probs ** (1 / temperature))
    tolerance = 5 * np.sqrt(tempered * (1 - tempered) / n) + 1e-12  # 5 binomial standard errors
    np.testing.assert_array_less(np.abs(counts / n - tempered), tolerance)


def test_sampled_text_has_the_tables_tempered_transition_frequencies():
    table, temperature = random_table(3), 0.7
    text = VOCAB.encode(sample_text(Bigram(table), VOCAB, "a", 20_000, temperature, rng=4))
    for current in range(1, 5):
        following = text[1:][text[:-1] == current]
        observed = np.bincount(following, minlength=5) / len(following)
        tempered = table[current] ** (1 / temperature)
        tempered /= tempered.sum()
        tolerance = 5 * np.sqrt(tempered * (1 - tempered) / len(following)) + 1e-12
        np.testing.assert_array_less(np.abs(observed - tempered), tolerance)


def test_the_padding_character_is_never_generated():
    table = random_table(5)
    table[:, 0] = 0.9  # a barely trained model may put most of its mass on "\0"
    assert "\0" not in greedy_text(Bigram(table), VOCAB, "ab", 50)
    assert "\0" not in sample_text(Bigram(table), VOCAB, "ab", 500, rng=0)


def test_seeded_sampling_is_reproducible():
    table = random_table(4)
    same = {sample_text(Bigram(table), VOCAB, "ab", 40, rng=np.random.default_rng(9)) for _ in range(2)}
    assert len(same) == 1
    assert sample_text(Bigram(table), VOCAB, "ab", 40, rng=10) not in same


@pytest.mark.parametrize("temperature", [0, -1.0, float("nan"), float("inf"), "hot"])
def test_temperature_must_be_positive(temperature):
    with pytest.raises(ConfigError, match="temperature"):
        sample_text(Bigram(random_table(0)), VOCAB, "a", 3, temperature)


def test_bad_prime_and_length_are_named():
    model = Bigram(random_table(0))
    with pytest.raises(UnknownCharacterError, match="'z'"):
        greedy_text(model, VOCAB, "abz", 3)
    with pytest.raises(DataError, match="prime text is empty"):
        greedy_text(model, VOCAB, "", 3)
    with pytest.raises(ConfigError, match="integer >= 0"):
        greedy_text(model, VOCAB, "a", -1)
    assert model.calls == []
    assert greedy_text(model, VOCAB, "a", 0) == ""


def test_a_model_for_another_vocabulary_is_refused():
    with pytest.raises(ShapeError, match="vocabulary of 5"):
        greedy_text(Bigram(np.full((5, 7), 1 / 7)), VOCAB, "ab", 3)


def test_a_real_trainers_predict_carries_its_state():
    """``Trainer.predict`` fits the callable generation expects; state carrying == re-reading."""
    from symrnn.nn.model import CharRNN
    from symrnn.training.generate import next_char_predictions
    from symrnn.training.trainer import Trainer

    vocab = Vocabulary.from_text("hello world")
    trainer = Trainer(CharRNN(len(vocab), 8, dtype="float64", seed=1), show_progress=False)
    text = "hello"
    for _ in range(6):  # the lesson's get_nexts: re-read everything from a zero state
        text += next_char_predictions(trainer, vocab, text)[-1]
    assert "hello" + greedy_text(trainer.predict, vocab, "hello", 6) == text
