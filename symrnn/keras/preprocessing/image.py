"""``ImageDataGenerator`` can be made (the course's files build one as a default argument) but not used."""
from symrnn.keras.missing import not_provided_class

ImageDataGenerator = not_provided_class("keras.preprocessing.image.ImageDataGenerator",
                                        "symrnn has no image pipeline; use torchvision or Keras 3", constructible=True)
