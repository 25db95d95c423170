"""``layer_from_config`` is not provided (the course's utils.py imports it for its CNN helpers)."""
from symrnn.keras.missing import not_provided_function

layer_from_config = not_provided_function("keras.utils.layer_utils.layer_from_config",
                                          "build the layer again with its arguments, then set_weights")
