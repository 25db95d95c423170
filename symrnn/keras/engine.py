"""Keras 1's functional graph: layers, the tensors their calls make, and ``Input``.

Calling a layer on a ``KerasTensor`` builds nothing yet: it creates the layer's weights (on its
first call, from the input's shape), and returns a new ``KerasTensor`` that remembers the call
(``Node``: the layer and its inputs). A model is the graph from its inputs to its outputs;
``build_graph`` turns it into a PyTensor graph on demand — once for training (dropout on, batch
statistics, the updates that go with them) and once for prediction — and a layer shared by
several calls (the lesson's ``dense_in``) is one set of ``shared`` weights used at each.

Arrays are batch-major, as in Keras: ``(N, ...)`` for a ``shape=(...)`` input, ``None`` in a
shape standing for the batch.
"""
import itertools
from collections import OrderedDict, defaultdict

import numpy as np
import pytensor.tensor as pt

from symrnn.dtypes import TRAIN_DTYPE
from symrnn.errors import ConfigError, ShapeError
from symrnn.keras import initializations
from symrnn.keras.missing import missing_names
from symrnn.nn import init

FLOATX = TRAIN_DTYPE
_NAME_COUNTS = defaultdict(itertools.count)


def integer_dtype(dtype):
    """The dtype symrnn computes an input of Keras dtype ``dtype`` in: integers as int32 (indices of
    a vocabulary; JAX computes in 32 bits), floats as float32."""
    return "int32" if np.dtype(dtype).kind in "iu" else FLOATX


class Node:
    """One call of ``layer`` on the tensors ``inputs``, making ``outputs``."""

    def __init__(self, layer, inputs):
        self.layer, self.inputs, self.outputs = layer, inputs, []


class KerasTensor:
    """A symbolic value in a Keras model: shape ``(None, ...)`` (or a fixed batch), dtype, and the
    call that makes it (``node``, output ``index``), or none for an ``Input``."""

    def __init__(self, shape, dtype, node=None, index=0, name=None):
        self.shape, self.dtype = tuple(shape), dtype
        self.node, self.index, self.name = node, index, name

    @property
    def _keras_shape(self):  # Keras 1's name for it
        return self.shape

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor {self.name or ''} shape={self.shape} dtype={self.dtype}>"


class Layer:
    """Keras 1's layer: a name, weights created by ``build(input_shape)`` at the first call, and
    ``call(x, mask, training)`` on PyTensor tensors (batch-major).

    ``input_shape``/``input_dim``/``input_length``/``batch_input_shape`` on the first layer of a
    ``Sequential`` model say what it reads. ``weights`` sets the weights once built; ``trainable``
    False keeps them out of training.
    """

    accepts_mask = True

    def __init__(self, name=None, trainable=True, input_shape=None, batch_input_shape=None, input_dtype=None,
                 weights=None, input_dim=None, input_length=None, **unknown):
        if unknown:
            raise ConfigError(f"{type(self).__name__}: unknown argument{'s' * (len(unknown) > 1)} "
                              f"{', '.join(sorted(unknown))}")
        cls = type(self).__name__.lower()
        self.name = name or f"{cls}_{next(_NAME_COUNTS[cls]) + 1}"
        self.trainable = trainable
        self.weights_to_set = weights
        if batch_input_shape is None and input_shape is None and input_dim is not None:
            input_shape = (input_dim,) if input_length is None else (input_length, input_dim)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (None, *input_shape)
        self.batch_input_shape = tuple(batch_input_shape) if batch_input_shape is not None else None
        self.input_dtype = input_dtype or FLOATX
        self.params, self.built, self.inbound_nodes = [], False, []

    # --- weights -----------------------------------------------------------------------------------
    def add_weight(self, role, shape, initialiser, trainable=True, regularizable=None):
        """A ``shared`` weight ``<layer name>_<role>`` filled by ``initialiser`` (a Keras 1 name or a
        symrnn initialiser), drawn from NumPy's global generator as Keras 1 did (``np.random.seed``
        makes a model reproducible)."""
        fill = initializations.get(initialiser) if isinstance(initialiser, str) else initialiser
        var = init.param(f"{self.name}_{role}", shape, fill, np.random, FLOATX, trainable=trainable,
                         regularizable=regularizable)
        self.params.append(var)
        return var

    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape`` (none by default)."""

    @property
    def trainable_weights(self):
        return [p for p in self.params if self.trainable and p.tag.trainable]

    @property
    def non_trainable_weights(self):
        return [p for p in self.params if not (self.trainable and p.tag.trainable)]

    def get_weights(self):
        """The weights' values, as NumPy arrays, in creation order."""
        return [np.array(p.get_value()) for p in self.params]

    def set_weights(self, weights):
        """Set every weight, in ``get_weights`` order; shapes must match."""
        assign_weights(f"layer {self.name!r}", self.params, weights)

    def count_params(self):
        return int(sum(np.prod(p.get_value(borrow=True).shape) for p in self.params))

    # --- calls -------------------------------------------------------------------------------------
    def output_shape_for(self, input_shape):
        """The output's shape for an input of ``input_shape`` (the same by default)."""
        return input_shape

    def output_dtype(self, input_dtype):
        return FLOATX

    def call(self, x, mask=None, training=False):
        """x (PyTensor, batch-major) → the output."""
        raise NotImplementedError

    def apply(self, x, mask, training):
        """``(output, updates)``: ``call``'s output and the ``shared`` updates it needs (none by default)."""
        return self.call(x, mask, training), OrderedDict()

    def compute_mask(self, x, mask):
        """The output's mask ((N, T), 1 on real steps) given the input's: passed on by default."""
        return mask

    def __call__(self, inputs):
        many = isinstance(inputs, list | tuple)
        tensors = list(inputs) if many else [inputs]
        for t in tensors:
            if not isinstance(t, KerasTensor):
                raise ConfigError(f"layer {self.name!r} was called on {type(t).__name__}, not a Keras tensor "
                                  f"(an Input or another layer's output)")
        shapes = [t.shape for t in tensors] if many else tensors[0].shape
        if not self.built:
            self.build(shapes)
            self.built = True
            if self.weights_to_set is not None:
                self.set_weights(self.weights_to_set)
        node = Node(self, tensors)
        out = KerasTensor(self.output_shape_for(shapes), self.output_dtype(tensors[0].dtype), node, 0, self.name)
        node.outputs.append(out)
        self.inbound_nodes.append(node)
        return out

    @property
    def output_shape(self):
        return self.inbound_nodes[-1].outputs[0].shape if self.inbound_nodes else None

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"


def assign_weights(owner, variables, weights):
    """Set the ``shared`` ``variables`` of ``owner`` (a layer, a model) to the arrays ``weights``, after
    checking their number and shapes."""
    weights = list(weights)
    if len(weights) != len(variables):
        raise ShapeError(f"{owner} has {len(variables)} weights, got {len(weights)} arrays")
    for p, w in zip(variables, weights):
        expected = p.get_value(borrow=True).shape
        if np.shape(w) != expected:
            raise ShapeError(f"{owner}: weight {p.name!r} is {expected}, got an array of {np.shape(w)}")
    for p, w in zip(variables, weights):
        p.set_value(np.asarray(w, p.dtype))


class InputLayer(Layer):
    """The layer an ``Input`` belongs to (no weights)."""

    def __init__(self, batch_shape, dtype, name=None):
        super().__init__(name=name)
        self.batch_input_shape, self.input_dtype = tuple(batch_shape), dtype
        self.built = True


def Input(shape=None, batch_shape=None, name=None, dtype=FLOATX, sparse=False, tensor=None):  # noqa: N802 - Keras' name
    """A model input of ``shape`` (without the batch) or ``batch_shape``; ``dtype`` 'int64' etc. for indices."""
    if sparse or tensor is not None:
        raise ConfigError("Input: sparse inputs and existing tensors are not supported")
    if batch_shape is None:
        if shape is None:
            raise ConfigError("Input needs shape= (without the batch axis) or batch_shape=")
        batch_shape = (None, *shape)
    layer = InputLayer(batch_shape, integer_dtype(dtype), name=name)
    t = KerasTensor(layer.batch_input_shape, layer.input_dtype, None, 0, layer.name)
    t.input_layer = layer
    return t


def build_graph(outputs, feeds, training):
    """The PyTensor graph of the Keras tensors ``outputs`` given ``feeds`` ({input KerasTensor: PyTensor tensor}).

    Returns ``(output tensors, output masks, updates)``; each call of a layer is built once, however
    many outputs read it.
    """
    built, updates = {}, OrderedDict()

    def value(t):
        if t in feeds:
            return feeds[t], None
        if t.node is None:
            raise ConfigError(f"the model's outputs depend on the input {t.name!r}, which is not among its inputs")
        node = t.node
        if node not in built:
            values = [value(i) for i in node.inputs]
            xs, masks = [v for v, _ in values], [m for _, m in values]
            x, mask = (xs, masks) if len(node.inputs) > 1 or isinstance(node.layer, Merge) else (xs[0], masks[0])
            out, layer_updates = node.layer.apply(x, mask, training)
            updates.update(layer_updates)
            built[node] = (out, node.layer.compute_mask(x, mask))
        return built[node]

    results = [value(t) for t in outputs]
    return [v for v, _ in results], [m for _, m in results], updates


# --- merge -------------------------------------------------------------------------------------------

class Merge(Layer):
    """Merges a list of tensors: ``mode`` 'sum' (Keras 1's default), 'mul', 'ave', 'max', 'concat'
    (along ``concat_axis``) or 'dot'/'cos' (not provided)."""

    MODES = ("sum", "mul", "ave", "max", "concat")

    def __init__(self, layers=None, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, node_indices=None,
                 tensor_indices=None, name=None):
        if layers is not None:
            raise ConfigError("Merge of Sequential models is not provided; merge their output tensors with "
                              "merge([...]) in a functional Model")
        if mode not in self.MODES:
            raise ConfigError(f"merge: mode {mode!r} is not provided; choose one of {self.MODES}")
        super().__init__(name=name)
        self.mode, self.concat_axis = mode, concat_axis

    def output_shape_for(self, input_shapes):
        first = input_shapes[0]
        if self.mode != "concat":
            for s in input_shapes[1:]:
                if s != first:
                    raise ShapeError(f"merge mode {self.mode!r} needs inputs of one shape, got {input_shapes}")
            return first
        axis = self.concat_axis % len(first)
        widths = [s[axis] for s in input_shapes]
        return (*first[:axis], None if None in widths else sum(widths), *first[axis + 1:])

    def call(self, xs, mask=None, training=False):
        if self.mode == "concat":
            return pt.concatenate(xs, axis=self.concat_axis)
        out = xs[0]
        for x in xs[1:]:
            out = out * x if self.mode == "mul" else pt.maximum(out, x) if self.mode == "max" else out + x
        return out / np.asarray(len(xs), out.dtype) if self.mode == "ave" else out

    def compute_mask(self, xs, masks):
        present = [m for m in masks if m is not None]
        return present[0] if present else None


def merge(inputs, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, name=None):
    """Keras 1's functional ``merge``: one tensor from a list of them (see ``Merge``)."""
    return Merge(mode=mode, concat_axis=concat_axis, dot_axes=dot_axes, output_shape=output_shape, name=name)(
        list(inputs))


__getattr__ = missing_names("keras.engine")
