"""Training: a model's training and prediction graphs (``graph``), the ``Trainer`` that compiles
and calls them (``trainer``; K updates a call: ``many_updates``), the loop (``fit``), held-out
losses (``evaluate``), text generation (``generate``), what a command-line run keeps an eye on
(``monitor``), and a trained model from its checkpoint (``trained``).
"""
