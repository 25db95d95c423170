"""Keras 1's convolution layers: importable (the course's vgg16.py imports them), not provided."""
from symrnn.keras.missing import not_provided_class

_HINT = "symrnn is for recurrent networks and has no convolutions; use Keras 3 or PyTorch for CNNs"

Convolution1D = not_provided_class("keras.layers.convolutional.Convolution1D", _HINT)
Convolution2D = not_provided_class("keras.layers.convolutional.Convolution2D", _HINT)
Convolution3D = not_provided_class("keras.layers.convolutional.Convolution3D", _HINT)
AtrousConvolution2D = not_provided_class("keras.layers.convolutional.AtrousConvolution2D", _HINT)
SeparableConvolution2D = not_provided_class("keras.layers.convolutional.SeparableConvolution2D", _HINT)
Deconvolution2D = not_provided_class("keras.layers.convolutional.Deconvolution2D", _HINT)
UpSampling1D = not_provided_class("keras.layers.convolutional.UpSampling1D", _HINT)
UpSampling2D = not_provided_class("keras.layers.convolutional.UpSampling2D", _HINT)
ZeroPadding1D = not_provided_class("keras.layers.convolutional.ZeroPadding1D", _HINT)
ZeroPadding2D = not_provided_class("keras.layers.convolutional.ZeroPadding2D", _HINT)
Cropping1D = not_provided_class("keras.layers.convolutional.Cropping1D", _HINT)
Cropping2D = not_provided_class("keras.layers.convolutional.Cropping2D", _HINT)
MaxPooling1D = not_provided_class("keras.layers.convolutional.MaxPooling1D", _HINT)
MaxPooling2D = not_provided_class("keras.layers.convolutional.MaxPooling2D", _HINT)
AveragePooling1D = not_provided_class("keras.layers.convolutional.AveragePooling1D", _HINT)
AveragePooling2D = not_provided_class("keras.layers.convolutional.AveragePooling2D", _HINT)


__all__ = ["Convolution1D", "Convolution2D", "Convolution3D", "AtrousConvolution2D", "SeparableConvolution2D",
           "Deconvolution2D", "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D",
           "Cropping2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"]
