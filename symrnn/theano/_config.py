"""``theano.config``: flags read and write through to ``pytensor.config``.

Theano flags that mean nothing on PyTensor are accepted and ignored, so the lines that set them
keep working: ``config.warn.*`` (warnings about Theano bugs of 2010-2015, e.g.
``warn.subtensor_merge_bug``), ``compute_test_value`` (PyTensor has no test values; the
``x.tag.test_value = ...`` lines that go with it are harmless) and ``device`` (reads ``"cpu"``;
other values raise). ``exception_verbosity`` is PyTensor's own flag.
"""

import pytensor

from symrnn.theano._missing import not_provided


class IgnoredFlags:
    """A group of no-op flags (``config.warn``): any flag can be set; it reads back its value, or False."""

    def __init__(self):
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._values.get(name, False)

    def __setattr__(self, name, value):
        self._values[name] = value


class TheanoConfig:
    """``theano.config`` backed by ``pytensor.config``: ``floatX``, ``mode``, ``change_flags``, ..."""

    def __init__(self):
        object.__setattr__(self, "warn", IgnoredFlags())
        object.__setattr__(self, "_ignored", {"compute_test_value": "off", "compute_test_value_opt": "off"})

    def __getattr__(self, name):
        if name == "device":
            return "cpu"
        if name in self._ignored:
            return self._ignored[name]
        try:
            return getattr(pytensor.config, name)
        except AttributeError:
            raise not_provided(f"theano.config.{name}") from None

    def __setattr__(self, name, value):
        if name == "device":
            if value != "cpu":
                raise not_provided(f"theano.config.device={value!r}")
        elif name in self._ignored:
            self._ignored[name] = value
        elif name == "warn":
            raise not_provided("theano.config.warn (set its flags: config.warn.<flag> = value)")
        else:
            setattr(pytensor.config, name, value)

    def __dir__(self):
        return [*dir(pytensor.config), "warn", *self._ignored]


config = TheanoConfig()
