"""Keras 1's ``keras.utils``: ``np_utils``, ``data_utils``, ``layer_utils``."""
from symrnn.keras.missing import install_import_hook, missing_names
from symrnn.keras.utils import data_utils, layer_utils, np_utils

__all__ = ["data_utils", "layer_utils", "np_utils"]
install_import_hook()
__getattr__ = missing_names("keras.utils")
