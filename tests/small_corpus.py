"""A small text for command-line runs: 2,700 characters of 29 symbols."""

TEXT = "the quick brown fox jumps over the lazy dog. " * 60
