"""Keras 1's callbacks: ``Callback`` (``on_epoch_end`` after each epoch of ``fit``) and ``History``."""
from symrnn.keras.missing import missing_names


class Callback:
    """Subclass and override ``on_epoch_end(epoch, logs)``; ``self.model`` is the model being fitted."""

    model = None

    def set_model(self, model):
        self.model = model

    def on_epoch_end(self, epoch, logs=None):
        pass


class History(Callback):
    """What ``fit`` returns: ``history`` maps 'loss' (and 'val_loss', metrics) to one value per epoch."""

    def __init__(self):
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)

    def __repr__(self):
        return f"<History epochs={len(self.epoch)} {sorted(self.history)}>"


__getattr__ = missing_names("keras.callbacks")
