"""``theano.config``: every flag reads and writes through to ``pytensor.config``."""

import pytensor

from symrnn.theano._missing import not_provided


class TheanoConfig:
    """``theano.config`` backed by ``pytensor.config``: ``floatX``, ``mode``, ``change_flags``, ...

    Theano's ``device`` flag has no PyTensor counterpart: it reads ``"cpu"``, and setting it to
    anything else raises. A flag PyTensor lacks raises the clear symrnn.theano error.
    """

    def __getattr__(self, name):
        if name == "device":
            return "cpu"
        try:
            return getattr(pytensor.config, name)
        except AttributeError:
            raise not_provided(f"theano.config.{name}") from None

    def __setattr__(self, name, value):
        if name == "device":
            if value != "cpu":
                raise not_provided(f"theano.config.device={value!r}")
            return
        setattr(pytensor.config, name, value)

    def __dir__(self):
        return dir(pytensor.config)


config = TheanoConfig()
