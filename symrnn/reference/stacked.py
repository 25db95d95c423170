"""Cells on top of each other: twin of ``symrnn.nn.cells.Stacked``.

At every step layer k's output is layer k+1's input, so backward runs the layers top-down and
hands each layer's input gradient ``dx`` to the layer below as a gradient of its output.
Parameters and states are the layers', prefixed ``l0.``, ``l1.`` … as in ``symrnn.nn.cells.Stacked``.
"""
from symrnn.reference.bptt import ReferenceCell


class Stacked(ReferenceCell):
    """A stack of reference cells, bottom layer first."""

    def __init__(self, layers):
        self.layers = list(layers)
        self.param_names = tuple(f"l{k}.{name}" for k, layer in enumerate(self.layers)
                                 for name in layer.param_names)
        self.state_names = tuple(f"l{k}.{name}" for k, layer in enumerate(self.layers)
                                 for name in layer.state_names)
        top = self.layers[-1]
        self.output_index = len(self.state_names) - len(top.state_names) + top.output_index

    def _per_layer(self, items):
        """Split a flat sequence of states (or state gradients) into one list per layer."""
        items, split = list(items), []
        for layer in self.layers:
            split.append(items[:len(layer.state_names)])
            items = items[len(layer.state_names):]
        return split

    @staticmethod
    def _layer_dict(d, k, layer):
        """Layer k's entries of a prefixed dict, under the layer's own names (same arrays)."""
        return {name: d[f"l{k}.{name}"] for name in layer.param_names}

    def step(self, p, x, *states):
        new_states, caches = [], []
        for k, (layer, layer_states) in enumerate(zip(self.layers, self._per_layer(states))):
            layer_new, cache = layer.step(self._layer_dict(p, k, layer), x, *layer_states)   # (k)
            x = layer_new[layer.output_index]
            new_states += layer_new
            caches.append(cache)
        return tuple(new_states), caches

    def step_backward(self, p, d_new_states, caches, grads):
        d_per_layer, d_prev, dx = self._per_layer(d_new_states), [], None
        for k in reversed(range(len(self.layers))):
            layer, d_layer = self.layers[k], list(d_per_layer[k])
            if dx is not None:  # layer k's output was layer k+1's input
                d_layer[layer.output_index] = d_layer[layer.output_index] + dx
            dx, d_layer_prev = layer.step_backward(self._layer_dict(p, k, layer), d_layer, caches[k],
                                                   self._layer_dict(grads, k, layer))     # (k)
            d_prev = list(d_layer_prev) + d_prev
        return dx, d_prev

    def kink_distance(self, caches):
        return min(layer.kink_distance(cache) for layer, cache in zip(self.layers, caches))

    def __repr__(self):
        return f"reference.Stacked({self.layers!r})"
