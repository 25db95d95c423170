"""Keras 1's pooling layers: importable (the course's vgg16.py imports them), not provided."""
from symrnn.keras.layers.convolutional import _HINT, AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D
from symrnn.keras.missing import not_provided_class

__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D"]

GlobalAveragePooling1D = not_provided_class("keras.layers.pooling.GlobalAveragePooling1D", _HINT)
GlobalAveragePooling2D = not_provided_class("keras.layers.pooling.GlobalAveragePooling2D", _HINT)
GlobalMaxPooling1D = not_provided_class("keras.layers.pooling.GlobalMaxPooling1D", _HINT)
GlobalMaxPooling2D = not_provided_class("keras.layers.pooling.GlobalMaxPooling2D", _HINT)
