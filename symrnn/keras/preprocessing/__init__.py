"""Keras 1's ``keras.preprocessing``: importable for the course's utils.py; only ``sequence.pad_sequences`` works."""
from symrnn.keras.preprocessing import image, sequence, text

__all__ = ["image", "sequence", "text"]
