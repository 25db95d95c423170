"""Reading predictions out of a trained model: the lesson's per-position argmax."""
import numpy as np


def next_char_predictions(trainer, vocab, text):
    """For each position of ``text``, the most likely next character (the lesson's check).

    Returns a string as long as ``text``: character t is the model's argmax guess for
    ``text[t+1]`` having read ``text[:t+1]`` from a zero state.
    """
    indices = vocab.encode(text)[:, None]            # (T, 1)
    probs, _ = trainer.predict(indices)              # (T, 1, V)
    return vocab.decode(np.argmax(probs[:, 0], axis=-1))
