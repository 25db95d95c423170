"""What symrnn.keras does not provide: names that import, and raise ``NotProvided`` on use.

The course's ``utils.py`` and ``vgg16.py`` import much of Keras 1 that the RNN lessons never call
(convolutions, pooling, image generators). Those names import, so the files import; using one
raises ``NotProvided`` saying what to use instead, as ``symrnn.theano`` does for Theano. An
unknown name in a ``symrnn.keras`` module, or an unknown submodule, fails the same way
(``missing_names``, ``install_import_hook``).
"""
import importlib.abc
import sys

from symrnn.theano._missing import NotProvided


class NotProvidedAttribute(NotProvided, AttributeError):
    """Raised on attribute access, so ``hasattr`` and ``getattr(m, name, default)`` see a miss."""


class NotProvidedModule(NotProvided, ImportError):
    """Raised on importing a submodule symrnn.keras does not have."""


def message(api, hint):
    return f"symrnn.keras: {api} is not provided; {hint}"


def not_provided_function(api, hint):
    """A function that raises ``NotProvided`` for Keras' ``api`` when called."""
    def missing(*args, **kwargs):
        raise NotProvided(message(api, hint))
    missing.__name__ = api.rpartition(".")[2]
    missing.__doc__ = f"Not provided: {hint}."
    return missing


def not_provided_class(api, hint, constructible=False):
    """A class standing for Keras' ``api``: constructing it raises ``NotProvided`` — or, when
    ``constructible`` (a default argument built at import time, like ``image.ImageDataGenerator()``),
    calling any of its methods does."""
    def refuse(self, *args, **kwargs):
        raise NotProvided(message(api, hint))

    def method(name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise NotProvided(message(f"{api}.{name}", hint))

    body = {"__doc__": f"Not provided: {hint}."}
    if constructible:
        body.update(__init__=lambda self, *args, **kwargs: None, __getattr__=lambda self, name: method(name))
    else:
        body["__init__"] = refuse
    return type(api.rpartition(".")[2], (), body)


def missing_names(module_api):
    """A module ``__getattr__`` raising ``NotProvided`` for an unknown public name of Keras' ``module_api``."""
    def __getattr__(name):
        if name.startswith("_"):
            raise AttributeError(f"module 'symrnn.{module_api}' has no attribute {name!r}")
        raise NotProvidedAttribute(message(f"{module_api}.{name}", "docs/keras.md lists what symrnn.keras provides"))
    return __getattr__


class MissingModuleFinder(importlib.abc.MetaPathFinder):
    """Turns "no module named symrnn.keras.x" into one ``NotProvided`` line naming Keras' module."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("symrnn.keras.") or fullname.rpartition(".")[0] not in sys.modules:
            return None
        api = fullname.removeprefix("symrnn.")
        raise NotProvidedModule(message(api, "docs/keras.md lists what symrnn.keras provides"))


def install_import_hook():
    if not any(isinstance(finder, MissingModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(MissingModuleFinder())
