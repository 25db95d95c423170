"""What the course's utils.py and vgg16.py import from Keras 1 imports; what symrnn does not provide
raises NotProvided, naming what to use instead, at the point of use."""
import importlib

import numpy as np
import pytest

from symrnn.keras import NotProvided

IMPORTED_BY_THE_COURSE = {
    "symrnn.keras": ["backend"],
    "symrnn.keras.utils.data_utils": ["get_file"],
    "symrnn.keras.utils": ["np_utils"],
    "symrnn.keras.utils.np_utils": ["to_categorical"],
    "symrnn.keras.models": ["Sequential", "Model"],
    "symrnn.keras.layers": ["Input", "Embedding", "Reshape", "merge", "LSTM", "Bidirectional", "TimeDistributed",
                            "Activation", "SimpleRNN", "GRU"],
    "symrnn.keras.layers.core": ["Flatten", "Dense", "Dropout", "Lambda"],
    "symrnn.keras.regularizers": ["l2", "activity_l2", "l1", "activity_l1"],
    "symrnn.keras.layers.normalization": ["BatchNormalization"],
    "symrnn.keras.optimizers": ["SGD", "RMSprop", "Adam"],
    "symrnn.keras.utils.layer_utils": ["layer_from_config"],
    "symrnn.keras.metrics": ["categorical_crossentropy", "categorical_accuracy"],
    "symrnn.keras.preprocessing": ["image", "sequence"],
    "symrnn.keras.preprocessing.text": ["Tokenizer"],
    "symrnn.keras.layers.convolutional": ["Convolution2D", "MaxPooling2D", "ZeroPadding2D"],
    "symrnn.keras.layers.pooling": ["GlobalAveragePooling2D"],
}


@pytest.mark.parametrize("module", sorted(IMPORTED_BY_THE_COURSE))
def test_every_name_the_course_imports_is_there(module):
    imported = importlib.import_module(module)
    for name in IMPORTED_BY_THE_COURSE[module]:
        assert hasattr(imported, name), f"{module}.{name}"


def test_star_import_of_the_convolutions_works_and_using_one_says_what_to_do():
    namespace = {}
    exec("from symrnn.keras.layers.convolutional import *", namespace)
    with pytest.raises(NotProvided, match="Convolution2D is not provided; symrnn is for recurrent"):
        namespace["Convolution2D"](64, 3, 3, activation="relu")


def test_an_image_generator_can_be_made_as_a_default_argument_but_not_used():
    from symrnn.keras.preprocessing import image

    generator = image.ImageDataGenerator()
    with pytest.raises(NotProvided, match="flow_from_directory"):
        generator.flow_from_directory("train")


def test_unknown_names_and_modules_raise_not_provided():
    import symrnn.keras.layers as layers

    with pytest.raises(NotProvided, match="keras.layers.ConvLSTM2D"):
        layers.ConvLSTM2D  # noqa: B018
    with pytest.raises(ImportError, match="keras.datasets is not provided"):
        importlib.import_module("symrnn.keras.datasets")
    from symrnn.keras import backend as K
    assert K.image_dim_ordering() == "th"
    with pytest.raises(NotProvided):
        K.batch_dot  # noqa: B018


def test_to_categorical_and_pad_sequences_follow_keras_1():
    from symrnn.keras.preprocessing.sequence import pad_sequences
    from symrnn.keras.utils.np_utils import to_categorical

    np.testing.assert_array_equal(to_categorical([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    assert to_categorical(np.array([[1], [3]])).shape == (2, 4)
    np.testing.assert_array_equal(pad_sequences([[1, 2, 3], [4]], maxlen=2), [[2, 3], [0, 4]])


def test_get_file_shares_the_text_cache_of_text_urls(tmp_path, monkeypatch):
    from symrnn import downloads
    from symrnn.keras.utils.data_utils import get_file

    calls = []
    monkeypatch.setattr(downloads, "fetch", lambda url, name, **kw: calls.append((url, name)) or str(tmp_path / name))
    assert get_file("nietzsche.txt", origin=downloads.KNOWN["nietzsche"].url).endswith("nietzsche.txt")
    get_file("other.txt", origin="http://127.0.0.1:1/other.txt")
    assert calls[0][1] == "nietzsche.txt" and calls[1] == ("http://127.0.0.1:1/other.txt", "other.txt")
