"""Keras 1's models: ``Model`` (inputs to outputs of the functional graph) and ``Sequential``.

``compile`` keeps the loss and the optimiser; the first ``fit``, ``evaluate`` or ``predict``
builds the PyTensor graph — the loss over every output, ``optimizer.get_updates`` merged with the
layers' own updates into one ``upd_dict`` — and compiles it once (``symrnn.backends.compile``: with
JAX, once per shape of the arrays, so a short last batch costs one more compile). The loop is
Keras 1's: batches of ``batch_size`` rows, shuffled every epoch unless ``shuffle=False``, the
short last batch kept; ``fit`` prints "Epoch i/n" and a bar with the running loss, and returns a
``History``.

Keras 1's conventions for arrays: one array per input (a list, or a dict by input name), batch
first; a 1-D array is a column (N, 1); sparse targets are (N,) or (N, T), or with a trailing axis
of 1; a model with several outputs has one loss per output, summed, and ``predict`` returns a list.
"""
import math
import os
import sys
import time
import warnings
from collections import OrderedDict

import numpy as np
import pytensor.tensor as pt

from symrnn.backends.compile import CompiledFunction
from symrnn.errors import ConfigError, ShapeError, SymrnnError
from symrnn.keras import metrics as keras_metrics
from symrnn.keras import objectives, optimizers
from symrnn.keras.callbacks import History
from symrnn.keras.engine import FLOATX, InputLayer, KerasTensor, Layer, assign_weights, build_graph
from symrnn.keras.missing import missing_names, not_provided_function
from symrnn.keras.weights_file import load_weights_file, save_weights_file


class Model:
    """The graph from ``input`` (one ``Input`` tensor or a list) to ``output`` (one tensor or a list)."""

    def __init__(self, input, output, name=None):  # noqa: A002 - Keras 1's argument names
        self.inputs = list(input) if isinstance(input, list | tuple) else [input]
        self.outputs = list(output) if isinstance(output, list | tuple) else [output]
        for t in [*self.inputs, *self.outputs]:
            if not isinstance(t, KerasTensor):
                raise ConfigError(f"Model(input, output) takes Keras tensors, got {type(t).__name__}")
        self.name = name or "model"
        self.optimizer, self.loss = None, None
        self._functions = {}

    # --- structure -----------------------------------------------------------------------------
    @property
    def layers(self):
        """Every layer of the graph, inputs first, each once, in the order the graph reaches them."""
        found = OrderedDict()

        def visit(t):
            if t.node is None:
                found.setdefault(t.input_layer, None)
                return
            for parent in t.node.inputs:
                visit(parent)
            found.setdefault(t.node.layer, None)
        for t in self.inputs:
            visit(t)
        for t in self.outputs:
            visit(t)
        return list(found)

    @property
    def weights(self):
        """Every ``shared`` weight of the model, each once, layer by layer."""
        return list(OrderedDict.fromkeys(p for layer in self.layers for p in layer.params))

    @property
    def trainable_weights(self):
        return list(OrderedDict.fromkeys(p for layer in self.layers for p in layer.trainable_weights))

    def get_weights(self):
        return [np.array(p.get_value()) for p in self.weights]

    def set_weights(self, weights):
        assign_weights("the model", self.weights, weights)

    def count_params(self):
        return int(sum(np.prod(p.get_value(borrow=True).shape) for p in self.weights))

    def get_layer(self, name=None, index=None):
        layers = self.layers
        if index is not None:
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ConfigError(f"no layer named {name!r}; the model has {[layer.name for layer in layers]}")

    @property
    def input_names(self):
        return [t.name for t in self.inputs]

    @property
    def output_names(self):
        """The outputs' layer names; an output layer called more than once numbered (``output_1``, …)."""
        names = [t.name for t in self.outputs]
        return [f"{name}_{names[:k].count(name) + 1}" if names.count(name) > 1 else name
                for k, name in enumerate(names)]

    def summary(self, line_length=100):
        """Print each layer's output shape and parameter count, and the totals, as Keras 1 does."""
        widths = [int(line_length * f) for f in (0.33, 0.55, 0.67, 1.0)]

        def row(fields):
            line = ""
            for field, end in zip(fields, widths):
                line = (line + str(field))[:end - 1].ljust(end)
            print(line.rstrip())
        print("_" * line_length)
        row(["Layer (type)", "Output Shape", "Param #", "Connected to"])
        print("=" * line_length)
        sequential = isinstance(self, Sequential)
        layers = [layer for layer in self.layers if not (sequential and isinstance(layer, InputLayer))]
        for k, layer in enumerate(layers):
            nodes = layer.inbound_nodes or [None]
            for n, node in enumerate(nodes):
                sources = [] if node is None else [f"{t.name}[0][0]" for t in node.inputs]
                shape = layer.batch_input_shape if node is None else node.outputs[0].shape
                row([f"{layer.name} ({type(layer).__name__})" if n == 0 else "", shape,
                     layer.count_params() if n == 0 else "", sources[0] if sources else ""])
                for source in sources[1:]:
                    row(["", "", "", source])
            print(("=" if k == len(layers) - 1 else "_") * line_length)
        trainable = int(sum(np.prod(p.get_value(borrow=True).shape) for p in self.trainable_weights))
        print(f"Total params: {self.count_params():,}")
        print(f"Trainable params: {trainable:,}")
        print(f"Non-trainable params: {self.count_params() - trainable:,}")
        print("_" * line_length)

    # --- compile -------------------------------------------------------------------------------
    def compile(self, optimizer, loss, metrics=None, loss_weights=None, sample_weight_mode=None, **kwargs):
        """Keep the optimiser (an instance or 'adam', 'sgd', …), the loss per output (one name for all,
        a list, or a dict by output name), and the metrics ('accuracy')."""
        if kwargs:
            raise ConfigError(f"compile: unknown argument{'s' * (len(kwargs) > 1)} {', '.join(sorted(kwargs))}")
        if sample_weight_mode is not None:
            raise ConfigError("compile: sample_weight_mode is not provided")
        self.optimizer = optimizers.get(optimizer)
        self.loss = self._per_output(loss, "loss")
        for name in self.loss:
            objectives.get(name)
        self.loss_weights = [float(w) for w in self._per_output(1.0 if loss_weights is None else loss_weights,
                                                                 "loss_weights")]
        metric_names = metrics or []
        self.metrics = [list(metric_names.get(name, []) if isinstance(metric_names, dict) else metric_names)
                        for name in self.output_names]
        for names, loss_name in zip(self.metrics, self.loss):
            for m in names:
                if keras_metrics.for_loss(m, loss_name) is None:
                    raise ConfigError(f"unknown metric {m!r}")
        self._functions = {}

    def _per_output(self, value, what):
        n = len(self.outputs)
        if isinstance(value, dict):
            missing = [name for name in self.output_names if name not in value]
            if missing:
                raise ConfigError(f"compile: {what} names no entry for output{'s' * (len(missing) > 1)} {missing}")
            return [value[name] for name in self.output_names]
        if isinstance(value, list | tuple):
            if len(value) != n:
                raise ConfigError(f"compile: {what} has {len(value)} entries for {n} outputs")
            return list(value)
        return [value] * n

    def _sparse(self):
        return [objectives.is_sparse(loss) for loss in self.loss]

    def _target_ndims(self):
        return [t.ndim - 1 if sparse else t.ndim for t, sparse in zip(self.outputs, self._sparse())]

    def _graph(self, kind):
        """(inputs, outputs, updates) of the ``kind`` function: 'train' (the loss, its metrics, and
        every update), 'test' (the same without training), 'predict' (the outputs)."""
        xs = [pt.tensor(t.name, dtype=t.dtype, shape=(None,) * t.ndim) for t in self.inputs]
        outs, masks, updates = build_graph(self.outputs, dict(zip(self.inputs, xs)), training=kind == "train")
        if kind == "predict":
            return xs, outs, updates
        ys = [pt.tensor(f"{t.name}_target", dtype="int32" if sparse else FLOATX, shape=(None,) * ndim)
              for t, sparse, ndim in zip(self.outputs, self._sparse(), self._target_ndims())]
        losses, measured = [], []
        for out, mask, y, loss, names in zip(outs, masks, ys, self.loss, self.metrics):
            score = objectives.get(loss)(y, out)
            if mask is not None:
                score = score * mask / mask.mean()
            losses.append(score.mean())
            measured += [pt.cast(keras_metrics.for_loss(m, loss)(y, out), FLOATX).mean() for m in names]
        total = sum(w * loss for w, loss in zip(self.loss_weights, losses))
        total = total + sum((penalty for penalty in self._penalties()), pt.zeros((), FLOATX))
        if kind == "train":
            params = self.trainable_weights
            if not params:
                raise ConfigError("the model has no trainable weights")
            updates = OrderedDict([*self.optimizer.get_updates(params, total).items(), *updates.items()])
        outputs = [total, *(losses if len(losses) > 1 else []), *measured]
        return [*xs, *ys], [pt.cast(o, FLOATX) for o in outputs], updates

    def _penalties(self):
        for layer in self.layers:
            for regularizer, role in getattr(layer, "regularizers", []):
                if regularizer is not None:
                    yield from (regularizer(p) for p in layer.params if p.name.endswith(role))

    def _function(self, kind):
        if kind not in self._functions:
            inputs, outputs, updates = self._graph(kind)
            self._functions[kind] = CompiledFunction(inputs, outputs, updates, name=f"keras {kind}")
        return self._functions[kind]

    def _result_names(self):
        names = ["loss"]
        if len(self.outputs) > 1:
            names += [f"{name}_loss" for name in self.output_names]
        for name, metric_names in zip(self.output_names, self.metrics):
            prefix = f"{name}_" if len(self.outputs) > 1 else ""
            names += [prefix + ("acc" if m in ("accuracy", "acc") else getattr(m, "__name__", str(m)))
                      for m in metric_names]
        return names

    # --- data ----------------------------------------------------------------------------------
    def _arrays(self, data, tensors, what, sparse=None, ndims=None):
        """The arrays for ``tensors`` from ``data`` (one array, a list, or a dict by name), shaped and typed."""
        names = [t.name for t in tensors]
        if data is None:
            raise ConfigError(f"no {what} arrays given")
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(names))
            if unknown or len(data) != len(names):
                raise ConfigError(f"the {what} dict must name {names}, got {sorted(data)}")
            data = [data[name] for name in names]
        arrays = list(data) if isinstance(data, list | tuple) else [data]
        if len(arrays) != len(tensors):
            raise ConfigError(f"the model expects {len(tensors)} {what} array{'s' * (len(tensors) > 1)} "
                              f"({', '.join(names)}), got {len(arrays)}")
        sparse = sparse or [False] * len(tensors)
        ndims = ndims or [t.ndim for t in tensors]
        checked = []
        for a, t, is_sparse, ndim in zip(arrays, tensors, sparse, ndims):
            a = np.asarray(a)
            if a.ndim == 1 and ndim == 2:
                a = a[:, None]
            if is_sparse and a.ndim == ndim + 1 and a.shape[-1] == 1:
                a = a[..., 0]
            expected = t.shape[:ndim] if is_sparse else t.shape
            if a.ndim != ndim or any(e is not None and e != s for e, s in zip(expected[1:], a.shape[1:])):
                raise ShapeError(f"{what} {t.name!r}: expected arrays of shape {expected}, got {a.shape}")
            if a.dtype.kind not in "biuf":
                raise ConfigError(f"{what} {t.name!r}: expected numbers, got an array of {a.dtype}")
            dtype = "int32" if is_sparse else t.dtype if what == "input" else FLOATX
            checked.append(a.astype(dtype, copy=False))
        lengths = {len(a) for a in checked}
        if len(lengths) > 1:
            raise ShapeError(f"the {what} arrays have different numbers of rows: {[len(a) for a in checked]}")
        return checked

    def _inputs_and_targets(self, x, y):
        if self.optimizer is None:
            raise ConfigError("compile the model (model.compile(optimizer, loss)) before fit or evaluate")
        xs = self._arrays(x, self.inputs, "input")
        ys = self._arrays(y, self.outputs, "target", self._sparse(), self._target_ndims())
        if len(xs[0]) != len(ys[0]):
            raise ShapeError(f"the input and target arrays have different numbers of rows: {len(xs[0])} and "
                             f"{len(ys[0])}")
        return xs, ys

    def _stateful_batch(self):
        """The batch size stateful layers fix, or None."""
        for layer in self.layers:
            if getattr(layer, "stateful", False):
                return layer.states[0].get_value(borrow=True).shape[0]
        return None

    def _check_batches(self, n, batch_size):
        fixed = self._stateful_batch()
        if fixed is None:
            return
        if batch_size != fixed or n % fixed:
            raise ConfigError(f"the model is stateful with batch size {fixed} (batch_input_shape): use batch_size="
                              f"{fixed} and a multiple of {fixed} rows (got batch_size={batch_size}, {n} rows; "
                              f"e.g. the first {n // fixed * fixed})")

    # --- training loop -------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=32, nb_epoch=10, verbose=1, callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0, epochs=None):
        """Train for ``nb_epoch`` epochs of ``batch_size`` rows; returns a ``History``."""
        if class_weight is not None or sample_weight is not None:
            raise ConfigError("fit: class_weight and sample_weight are not provided")
        nb_epoch = nb_epoch if epochs is None else epochs
        xs, ys = self._inputs_and_targets(x, y)
        if validation_data is None and validation_split:
            split = int(len(xs[0]) * (1 - validation_split))
            validation_data = ([a[split:] for a in xs], [a[split:] for a in ys])
            xs, ys = [a[:split] for a in xs], [a[:split] for a in ys]
        n = len(xs[0])
        self._check_batches(n, batch_size)
        train = self._function("train")
        history, names = History(), self._result_names()
        callbacks = [history, *(callbacks or [])]
        for callback in callbacks:
            callback.set_model(self)
        for epoch in range(initial_epoch, nb_epoch):
            if verbose:
                print(f"Epoch {epoch + 1}/{nb_epoch}", flush=True)
            order = np.random.permutation(n) if shuffle is True else None
            sums, started = np.zeros(len(names)), time.perf_counter()
            with progress_bar(n, verbose == 1) as bar:
                for start in range(0, n, batch_size):
                    rows = slice(start, start + batch_size) if order is None else order[start:start + batch_size]
                    values = np.asarray(train(*[a[rows] for a in xs], *[a[rows] for a in ys]), dtype=float)
                    if not np.isfinite(values[0]):
                        raise SymrnnError(f"the loss became {values[0]} in epoch {epoch + 1} at row {start}: the "
                                          f"weights diverged; lower optimizer.lr and train again")
                    size = len(xs[0][rows])
                    sums += values * size
                    bar.update(size)
                    bar.set_description_str(_described(names, sums / min(start + size, n)), refresh=False)
            logs = dict(zip(names, (sums / n).tolist()))
            if validation_data is not None:
                scores = self.evaluate(*validation_data, batch_size=batch_size, verbose=0)
                logs.update(zip(["val_" + k for k in names], np.atleast_1d(scores).tolist()))
            if verbose == 2:
                print(f"{n}/{n} - {time.perf_counter() - started:.0f}s - {_described(names, logs.values())}")
            for callback in callbacks:
                callback.on_epoch_end(epoch, logs)
        return history

    def evaluate(self, x, y, batch_size=32, verbose=1, sample_weight=None):
        """The loss (and metrics: then a list) over ``x``, ``y``, without training."""
        xs, ys = self._inputs_and_targets(x, y)
        self._check_batches(len(xs[0]), batch_size)
        test, n = self._function("test"), len(xs[0])
        sums = None
        for start in range(0, n, batch_size):
            rows = slice(start, start + batch_size)
            values = np.asarray(test(*[a[rows] for a in xs], *[a[rows] for a in ys]), dtype=float)
            sums = values * len(xs[0][rows]) + (0 if sums is None else sums)
        scores = sums / n
        return float(scores[0]) if len(scores) == 1 else scores.tolist()

    def predict(self, x, batch_size=32, verbose=0):
        """The outputs for ``x``, in batches: an array, or a list of them for several outputs."""
        xs = self._arrays(x, self.inputs, "input")
        n = len(xs[0])
        fixed = self._stateful_batch()
        if fixed is not None:
            batch_size = fixed
            self._check_batches(n, batch_size)
        predict = self._function("predict")
        parts = [predict(*[a[start:start + batch_size] for a in xs]) for start in range(0, n, batch_size)]
        outputs = [np.concatenate([np.asarray(p[k]) for p in parts]) for k in range(len(self.outputs))]
        return outputs[0] if len(outputs) == 1 else outputs

    def train_on_batch(self, x, y):
        xs, ys = self._inputs_and_targets(x, y)
        values = np.asarray(self._function("train")(*xs, *ys), dtype=float)
        return float(values[0]) if len(values) == 1 else values.tolist()

    def test_on_batch(self, x, y):
        xs, ys = self._inputs_and_targets(x, y)
        values = np.asarray(self._function("test")(*xs, *ys), dtype=float)
        return float(values[0]) if len(values) == 1 else values.tolist()

    def predict_on_batch(self, x):
        xs = self._arrays(x, self.inputs, "input")
        return self.predict(xs, batch_size=len(xs[0]))

    def reset_states(self):
        """Zero the states of every stateful layer."""
        for layer in self.layers:
            if hasattr(layer, "reset_states"):
                layer.reset_states()

    # --- weights files -------------------------------------------------------------------------
    def save_weights(self, filepath, overwrite=True):
        """Write every layer's weights to ``filepath``: Keras 1's HDF5 layout when h5py is installed,
        else a symrnn checkpoint (``.npz``, no pickle) under the same name; written atomically."""
        if not overwrite and os.path.exists(filepath):
            raise ConfigError(f"{filepath} exists and overwrite=False")
        save_weights_file(filepath, [(layer.name, layer.get_weights()) for layer in self.layers])

    def load_weights(self, filepath):
        """Read weights written by ``save_weights`` into the layers, in order; shapes must match."""
        layers = [layer for layer in self.layers if layer.params]
        saved = [(name, arrays) for name, arrays in load_weights_file(filepath) if arrays]
        if len(saved) != len(layers):
            raise ShapeError(f"{filepath} holds weights for {len(saved)} layers; the model has {len(layers)} "
                             f"layers with weights")
        for layer, (_, arrays) in zip(layers, saved):
            layer.set_weights(arrays)


class Sequential(Model):
    """A stack of layers, each reading the one before; the first says its input's shape
    (``input_shape``, ``input_dim``, ``input_length`` or ``batch_input_shape``)."""

    def __init__(self, layers=None, name=None):
        self.name = name or "sequential"
        self.inputs, self.outputs, self._layers = [], [], []
        self.optimizer, self.loss = None, None
        self._functions = {}
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._layers)

    def add(self, layer):
        if not isinstance(layer, Layer):
            raise ConfigError(f"Sequential.add takes a layer, got {type(layer).__name__}")
        if not self._layers:
            if layer.batch_input_shape is None:
                raise ConfigError(f"the first layer of a Sequential model ({layer.name}) needs input_shape=, "
                                  f"input_dim= or batch_input_shape=")
            from symrnn.keras.engine import Input
            self.inputs = [Input(batch_shape=layer.batch_input_shape, dtype=layer.input_dtype,
                                 name=f"{layer.name}_input")]
        self.outputs = [layer(self.outputs[0] if self.outputs else self.inputs[0])]
        self._layers.append(layer)
        self._functions = {}

    def predict_proba(self, x, batch_size=32, verbose=0):
        """``predict``: the probabilities of a softmax (or sigmoid) output."""
        return self.predict(x, batch_size, verbose)

    def predict_classes(self, x, batch_size=32, verbose=0):
        """The likeliest class of each row (of each step, for sequences); 0/1 for one sigmoid unit."""
        p = self.predict(x, batch_size, verbose)
        return p.argmax(axis=-1) if p.shape[-1] > 1 else (p > 0.5).astype("int32")[..., 0]

    def pop(self):
        """Remove the last layer."""
        if not self._layers:
            raise ConfigError("pop from an empty Sequential model")
        self._layers.pop()
        self.outputs = [self._layers[-1].inbound_nodes[-1].outputs[0]] if self._layers else []
        self._functions = {}


def _described(names, values):
    return " - ".join(f"{name}: {value:.4f}" for name, value in zip(names, values))


def progress_bar(total, enabled):
    """A tqdm bar over the epoch's rows, shaped like Keras 1's (``rows/total [====] - 5s - loss: …``),
    on stdout; a notebook's own bar in Jupyter when ipywidgets is installed (``tqdm.auto``); none
    when not ``enabled``."""
    from tqdm import TqdmWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.auto import tqdm
    width = max(10, min(30, int(math.log10(max(total, 1))) * 5))
    return tqdm(total=total, file=sys.stdout, mininterval=0.5, leave=True, disable=not enabled,
                bar_format="{n_fmt}/{total_fmt} [{bar:" + str(width) + "}] - {elapsed} - {desc}")


model_from_json = not_provided_function("keras.models.model_from_json", "build the model in Python, then load_weights")
model_from_yaml = not_provided_function("keras.models.model_from_yaml", "build the model in Python, then load_weights")
load_model = not_provided_function("keras.models.load_model", "build the model in Python, then load_weights")
__getattr__ = missing_names("keras.models")
