"""PyTensor rewrites symrnn leaves out, wherever it rewrites a graph (compiling, or bptt's one step).

PyTensor 3.3's rewrites of products by diagonal and selection matrices ask, for every product,
whether an operand is such a matrix by walking its graph. They change nothing in symrnn's models
(the compiled graphs are the same without them; a one-hot input's product becomes a gather
through another rewrite), and they are a large share of a recurrent model's rewriting time
(docs/performance.md). A user's cell that multiplies by ``pt.diag(v)`` keeps its product where
PyTensor would have scaled by ``v``. PyTensor 3.0 has neither rewrite.
"""

UNUSED_REWRITES = ("dot_diag_to_elemwise", "selection_dot_to_indexing")
