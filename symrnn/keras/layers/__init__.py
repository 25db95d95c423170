"""Keras 1's layers (``keras.layers``): every name of its submodules, and ``Input``, ``merge``, ``Merge``."""
from symrnn.keras.engine import Input, InputLayer, Layer, Merge, merge
from symrnn.keras.layers.convolutional import *  # noqa: F403 - Keras 1 exports them all here
from symrnn.keras.layers.core import (
                                      Activation,
                                      Dense,
                                      Dropout,
                                      Flatten,
                                      Highway,
                                      Lambda,
                                      Masking,
                                      MaxoutDense,
                                      Permute,
                                      RepeatVector,
                                      Reshape,
)
from symrnn.keras.layers.embeddings import Embedding
from symrnn.keras.layers.normalization import BatchNormalization
from symrnn.keras.layers.pooling import (
                                      GlobalAveragePooling1D,
                                      GlobalAveragePooling2D,
                                      GlobalMaxPooling1D,
                                      GlobalMaxPooling2D,
)
from symrnn.keras.layers.recurrent import GRU, LSTM, SimpleRNN
from symrnn.keras.layers.wrappers import Bidirectional, TimeDistributed
from symrnn.keras.missing import missing_names

__all__ = ["Input", "InputLayer", "Layer", "Merge", "merge", "Activation", "Dense", "Dropout", "Flatten", "Highway",
           "Lambda", "Masking", "MaxoutDense", "Permute", "RepeatVector", "Reshape", "Embedding", "BatchNormalization",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GRU",
           "LSTM", "SimpleRNN", "Bidirectional", "TimeDistributed"]

__getattr__ = missing_names("keras.layers")
