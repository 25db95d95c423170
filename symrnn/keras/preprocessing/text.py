"""``Tokenizer`` is not provided."""
from symrnn.keras.missing import not_provided_class

Tokenizer = not_provided_class("keras.preprocessing.text.Tokenizer",
                               "use symrnn.Vocabulary for characters, or index the words with a dict")
