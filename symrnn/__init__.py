"""symrnn."""
