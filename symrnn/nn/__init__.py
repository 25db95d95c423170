"""Graph building, the lesson's way: weights in ``shared`` (``init``), a cell's ``step``
(``cells``) run over time by ``scan`` (``recurrent``) with a backward pass that reads the forward
pass's saved values (``bptt``), layers around it (``layers``), losses, and the character model
(``model``). Nothing here compiles a graph.
"""
