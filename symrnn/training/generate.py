"""Reading predictions out of a trained model: the lesson's argmax checks, greedy and sampled text.

Text generation needs only a ``predict(indices (T, 1), states) -> (probs (T, 1, V), states)``
callable, such as ``Trainer.predict``. The prime text is fed once from a zero state
(``states=None``), then each chosen character is fed alone with the state carried over: the
same result as the lesson's ``get_nexts``, which re-reads the whole text for every character,
in one step per character instead of ever longer ones.
"""
import math
import numbers

import numpy as np

from symrnn.errors import ConfigError, DataError, ShapeError, TrainingDiverged

PRIME = "The "  # where the vocabulary allows: the embedded corpus's paragraphs often start so


def default_prime(vocab):
    """What text starts from when none is given: ``PRIME`` where ``vocab`` has its characters, else
    a newline, else the vocabulary's first character."""
    for prime in (PRIME, "\n"):
        if all(c in vocab.index for c in prime):
            return prime
    return vocab.chars[1]


def next_char_predictions(trainer, vocab, text):
    """For each position of ``text``, the most likely next character (the lesson's check).

    Returns a string as long as ``text``: character t is the model's argmax guess for
    ``text[t+1]`` having read ``text[:t+1]`` from a zero state.
    """
    indices = vocab.encode(text).astype(np.int32)[:, None]            # (T, 1)
    probs, _ = trainer.predict(indices)              # (T, 1, V)
    return vocab.decode(np.argmax(probs[:, 0], axis=-1))


def sample_index(probs, temperature, rng):
    """An index drawn with probability ∝ ``probs ** (1 / temperature)``; probs (V,).

    Temperature 1 samples the model's distribution, below 1 sharpens it (→ argmax as it → 0),
    above 1 flattens it (→ uniform). Computed in log space, so tiny temperatures do not overflow.
    """
    with np.errstate(divide="ignore"):
        log_weights = np.log(np.asarray(probs, dtype=np.float64)) / temperature
    cumulative = np.cumsum(np.exp(log_weights - log_weights.max()))
    return int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))


def greedy_text(predict, vocab, prime, n_chars):
    """The ``n_chars`` most likely characters after ``prime``, each the argmax (the lesson's ``get_nexts``)."""
    return "".join(generated(predict, vocab, prime, n_chars, temperature=0))


def sample_text(predict, vocab, prime, n_chars, temperature=1.0, rng=None):
    """``n_chars`` characters after ``prime``, each drawn by ``sample_index`` at ``temperature``.

    ``rng`` is a numpy Generator or a seed (None: fresh entropy).
    """
    if not (isinstance(temperature, numbers.Real) and math.isfinite(temperature) and temperature > 0):
        raise ConfigError(f"the temperature must be a positive number, got {temperature!r} "
                          f"(use greedy text for the limit 0)")
    return "".join(generated(predict, vocab, prime, n_chars, temperature, rng))


def generated(predict, vocab, prime, n_chars, temperature=1.0, rng=None):
    """The characters after ``prime``, one at a time as each is chosen: the argmax at temperature 0
    (``greedy_text``), else drawn by ``sample_index`` (``sample_text``). The checks run at once."""
    if temperature == 0:
        return _continue(predict, vocab, prime, n_chars, lambda probs: int(np.argmax(probs)))
    rng = np.random.default_rng(rng)
    return _continue(predict, vocab, prime, n_chars, lambda probs: sample_index(probs, temperature, rng))


def _continue(predict, vocab, prime, n_chars, choose):
    """Feed ``prime``, then ``n_chars`` times: ``choose`` an index from the last probabilities, feed
    it. Checks its arguments and feeds the prime when called; yields each character as it is chosen."""
    if not prime:
        raise DataError("the prime text is empty: generation needs at least one character to start from")
    if int(n_chars) != n_chars or n_chars < 0:
        raise ConfigError(f"the number of characters to generate must be an integer >= 0, got {n_chars}")
    probs, states = predict(vocab.encode(prime).astype(np.int32)[:, None], None)   # (T, 1, V)
    if probs.shape[1:] != (1, len(vocab)):
        raise ShapeError(f"the model predicts {probs.shape[1:]} probabilities per step, expected "
                         f"(1, {len(vocab)}) for a vocabulary of {len(vocab)}")
    return _chosen(predict, vocab, probs, states, n_chars, choose)


def _chosen(predict, vocab, probs, states, n_chars, choose):
    index = None
    for k in range(n_chars):
        if index is not None:
            probs, states = predict(np.array([[index]], dtype=np.int32), states)
        next_probs = probs[-1, 0].copy()
        if not np.isfinite(next_probs).all():
            raise TrainingDiverged(f"the model's predictions stopped being numbers after {k} generated characters: "
                                   f"its state grew without bound (a relu cell's can); train it longer or use tanh")
        next_probs[0] = 0  # index 0 is the padding character "\0", never a real next character
        index = choose(next_probs)
        yield vocab.chars[index]
