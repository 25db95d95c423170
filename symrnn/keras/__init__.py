"""Keras 1.2's API on symrnn, so the fast.ai lesson's Keras code runs with only its imports changed::

    from symrnn.keras.models import Sequential, Model
    from symrnn.keras.layers import Input, Embedding, Dense, SimpleRNN, LSTM, TimeDistributed, merge
    from symrnn.keras.optimizers import Adam
    from symrnn.keras.utils.np_utils import to_categorical

Modules keep Keras 1's paths (``models``, ``layers`` with ``core``, ``recurrent``, ``embeddings``,
``normalization``, ``wrappers``; ``optimizers``, ``objectives``, ``metrics``, ``callbacks``,
``backend``, ``utils.np_utils``, ``utils.data_utils``). Layers are built on symrnn's cells
(``symrnn.nn.keras_cells``), ``scan_cell`` and layers; optimisers on ``symrnn.optim``; models
compile through ``symrnn.backends.compile`` (JAX, per shape). What is not provided imports and
raises ``NotProvided`` on use, naming what to use instead. docs/keras.md has the details.
"""
from symrnn.keras import (
                          activations,
                          backend,
                          callbacks,
                          initializations,
                          layers,
                          metrics,
                          models,
                          objectives,
                          optimizers,
                          preprocessing,
                          regularizers,
                          utils,
)
from symrnn.keras.missing import NotProvided, install_import_hook, missing_names

__all__ = ["NotProvided", "activations", "backend", "callbacks", "initializations", "layers", "metrics", "models",
           "objectives", "optimizers", "preprocessing", "regularizers", "utils"]
__version__ = "1.2.2"  # the Keras API this follows

install_import_hook()
__getattr__ = missing_names("keras")
