"""``symrnn bench``: symrnn against PyTorch, each run a process of its own (``workers``), the two
sides alternated and compared by medians (``compare``).
"""
