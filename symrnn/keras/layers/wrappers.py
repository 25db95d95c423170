"""Keras 1's wrappers: TimeDistributed (a layer at every time step) and Bidirectional."""
from collections import OrderedDict

from symrnn.errors import ConfigError
from symrnn.keras.engine import Layer
from symrnn.keras.layers.recurrent import Recurrent
from symrnn.nn import layers


class TimeDistributed(Layer):
    """``layer`` applied to every step of (N, T, …): the steps are folded into the batch, (N·T, …), for
    one call of the layer, and unfolded after (for a Dense, one (N·T, n_in)·W product)."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape):
        self.layer.build((None, *input_shape[2:]))
        self.layer.built = True
        self.params = self.layer.params
        self.regularizers = getattr(self.layer, "regularizers", [])

    def output_shape_for(self, input_shape):
        inner = self.layer.output_shape_for((None, *input_shape[2:]))
        return (input_shape[0], input_shape[1], *inner[1:])

    def apply(self, x, mask, training):
        folded = x.reshape((x.shape[0] * x.shape[1], *[x.shape[i] for i in range(2, x.ndim)]), ndim=x.ndim - 1)
        out, updates = self.layer.apply(folded, None, training)

        def unfold(v):
            return v.reshape((x.shape[0], x.shape[1], *[v.shape[i] for i in range(1, v.ndim)]), ndim=v.ndim + 1)
        result = unfold(out)
        if hasattr(out.tag, "keras_logits"):
            result.tag.keras_logits = unfold(out.tag.keras_logits)
        return result, updates


class Bidirectional(Layer):
    """A recurrent ``layer`` run forwards and a copy of it backwards over the same sequence, outputs
    merged by ``merge_mode`` ('concat', 'sum', 'mul', 'ave'); ``symrnn.nn.layers.Bidirectional``."""

    def __init__(self, layer, merge_mode="concat", weights=None, **kwargs):
        if not isinstance(layer, Recurrent):
            raise ConfigError(f"Bidirectional wraps a recurrent layer (SimpleRNN, GRU, LSTM), "
                              f"got {type(layer).__name__}")
        if layer.stateful:
            raise ConfigError("Bidirectional: a stateful layer cannot run backwards; set stateful=False")
        if merge_mode not in layers.MERGE_MODES:
            raise ConfigError(f"Bidirectional: merge_mode {merge_mode!r}; choose one of {sorted(layers.MERGE_MODES)}")
        kwargs.setdefault("batch_input_shape", layer.batch_input_shape)
        super().__init__(weights=weights, **kwargs)
        self.forward_layer = layer
        self.backward_layer = type(layer)(**layer.config(), name=f"backward_{layer.name}")
        self.merge_mode = merge_mode

    def build(self, input_shape):
        for layer in (self.forward_layer, self.backward_layer):
            layer.build(input_shape)
            layer.built = True
        self.both = layers.Bidirectional(self.forward_layer.recurrent, self.backward_layer.recurrent, self.merge_mode)
        self.params = list(self.both.params)
        self.regularizers = self.forward_layer.regularizers + self.backward_layer.regularizers

    def output_shape_for(self, input_shape):
        shape = self.forward_layer.output_shape_for(input_shape)
        return (*shape[:-1], 2 * shape[-1]) if self.merge_mode == "concat" else shape

    def apply(self, x, mask, training):
        out, _, updates = self.both(x.dimshuffle(1, 0, 2), mask=None if mask is None else mask.T,
                                    deterministic=not training)
        return (out.dimshuffle(1, 0, 2) if self.forward_layer.return_sequences else out), OrderedDict(updates)

    def compute_mask(self, x, mask):
        return mask if self.forward_layer.return_sequences else None
