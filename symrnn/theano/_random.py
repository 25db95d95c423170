"""Theano's random streams on PyTensor generators, with Theano's semantics inside ``scan``.

Every draw gets a shared ``numpy.random.Generator`` of its own whose default update advances it,
so a compiled function draws new numbers at each call, as Theano's did. Inside ``scan``:

* a draw made in the step function is carried as loop state: new numbers at every step;
* a draw made outside the step and used by it without being passed in ``non_sequences`` is
  drawn anew at every step too (Theano computed it inside the loop; PyTensor would hoist it):
  :func:`redraw_closed_over` rebuilds it in the step from a generator of its own;
* a draw passed in ``non_sequences`` is one value for the whole loop.

The generators' final states come back in scan's ``updates``; passing them to ``function``
advances the loop's numbers from call to call.
"""

import warnings
import weakref

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.replace import graph_replace
from pytensor.scalar import upcast
from pytensor.scan.utils import until

# Every generator a stream made -> that stream; lets scan recognise a closed-over draw.
_STREAM_OF = weakref.WeakKeyDictionary()


def set_default_update(rng, next_rng):
    """Advance ``rng`` to ``next_rng`` at each call of a function that uses it (Theano's rule).

    PyTensor >= 3.3 deprecates ``default_update`` in favour of explicit updates; it still applies
    it, and ``scan`` still turns it into loop state, which is what Theano's semantics need.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Setting default_update is deprecated", DeprecationWarning)
        rng.default_update = next_rng


def _size(size):
    """Theano's ``size``: ``None``, an int, a tuple/list of ints or scalars, or a shape vector."""
    if size is None or isinstance(size, pt.TensorVariable):
        return size
    if isinstance(size, int | np.integer):
        return (size,)
    return tuple(size)


def _float_dtype(dtype, *params):
    """``dtype``, or Theano's default: ``floatX`` upcast with any symbolic parameter's dtype."""
    if dtype is not None:
        return dtype
    symbolic = [p.dtype for p in params if isinstance(p, pytensor.graph.basic.Variable)]
    return upcast(pytensor.config.floatX, *symbolic)


class RandomStreams:
    """``theano.tensor.shared_randomstreams.RandomStreams(seed)``: symbolic random draws.

    The methods keep Theano's signatures (``size`` first; ``ndim`` is accepted and ignored, as
    the shape comes from ``size``). Each returns a symbolic tensor of shape ``size``.
    """

    def __init__(self, seed=None):
        self._seeds = np.random.SeedSequence(seed)
        self._rngs = []

    def seed(self, seed=None):
        """Re-seed every generator this stream made, reproducibly from ``seed``."""
        self._seeds = np.random.SeedSequence(seed)
        for rng in self._rngs:
            rng.set_value(self._generator(), borrow=True)

    def updates(self):
        """The ``(generator, next state)`` pairs of every draw so far."""
        return [(rng, rng.default_update) for rng in self._rngs if rng.default_update is not None]

    def _generator(self):
        return np.random.default_rng(self._seeds.spawn(1)[0])

    def new_rng(self):
        """A fresh shared generator of this stream (seeded from it)."""
        rng = pytensor.shared(self._generator())
        self._rngs.append(rng)
        _STREAM_OF[rng] = self
        return rng

    def _draw(self, random_variable, *params, size=None, dtype=None):
        rng = self.new_rng()
        next_rng, draw = random_variable(*params, size=_size(size), rng=rng, return_next_rng=True)
        set_default_update(rng, next_rng)
        return draw if dtype is None or draw.dtype == dtype else pt.cast(draw, dtype)

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None):
        """Uniform on ``[low, high)``; ``dtype`` defaults to ``floatX``."""
        dtype = _float_dtype(dtype, low, high)
        return self._draw(pt.random.uniform, low, high, size=size, dtype=dtype)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None):
        """Gaussian with mean ``avg`` and standard deviation ``std``; ``dtype`` defaults to ``floatX``."""
        dtype = _float_dtype(dtype, avg, std)
        return self._draw(pt.random.normal, avg, std, size=size, dtype=dtype)

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", nstreams=None, prob=None):
        """Successes in ``n`` trials of probability ``p`` (``n=1``: a 0/1 mask, as for dropout).

        A float mask (``n=1``) is ``uniform < p`` as Theano's MRG streams made it, selected in
        ``dtype`` directly: a cast from the integer draw runs element by element in Python in
        PyTensor's Python linker (``FAST_COMPILE``).
        """
        p = prob if prob is not None else p
        if isinstance(n, int) and n == 1 and str(dtype).startswith("float"):
            shape = size if size is not None else pt.as_tensor_variable(p).shape
            below_p = pt.lt(self.uniform(shape, dtype=dtype), p)
            return pt.switch(below_p, np.ones((), dtype), np.zeros((), dtype))
        return self._draw(pt.random.binomial, n, p, size=size, dtype=dtype)

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None):
        """Counts of ``n`` draws from the categories of each row of ``pvals``."""
        pvals = [0.5, 0.5] if pvals is None else pvals
        return self._draw(pt.random.multinomial, n, pvals, size=size, dtype=dtype)

    def random_integers(self, size=None, low=0, high=1, ndim=None, dtype="int64"):
        """Integers uniform on ``[low, high]`` (both ends included)."""
        return self._draw(pt.random.integers, low, pt.as_tensor_variable(high) + 1, size=size, dtype=dtype)

    def poisson(self, size=None, lam=1.0, ndim=None, dtype="int64"):
        """Poisson counts with mean ``lam``."""
        return self._draw(pt.random.poisson, lam, size=size, dtype=dtype)

    def permutation(self, size=None, n=1, ndim=None, dtype="int64"):
        """Random orderings of ``range(n)``: shape ``size + (n,)`` (one vector when ``size`` is None)."""
        keys = self.uniform(size=(*(_size(size) or ()), n), dtype="float64")
        return pt.cast(pt.argsort(keys, axis=-1), dtype)


def redraw_closed_over(result, outer_rngs, scan_inputs):
    """``result`` of a scan step with each closed-over draw rebuilt from a fresh generator.

    ``outer_rngs``: the stream generators that existed before the step function ran. A draw
    from one of them that appears in ``result`` was made outside the step; Theano drew it anew
    at every step, so it is replaced by the same draw from a new generator of its stream, which
    ``scan`` carries as loop state. Draws reached through ``scan_inputs`` (what was passed as
    ``sequences``, ``outputs_info`` or ``non_sequences``) stay as they are. ``result`` may be
    anything a step returns: a variable, a list, an updates dict, ``until`` conditions.
    """
    variables, keep = list(_variables_in(result)), set(_variables_in(scan_inputs))
    while True:  # each pass replaces the outermost of nested closed-over draws
        fresh = {}
        for node in _apply_nodes(variables, keep):
            rng = node.inputs[0]
            if rng in outer_rngs and isinstance(node.op, pt.random.op.RandomVariable):
                new_rng = _STREAM_OF[rng].new_rng()
                new_node = node.op.make_node(new_rng, *node.inputs[1:])
                set_default_update(new_rng, new_node.outputs[0])
                fresh[node.default_output()] = new_node.default_output()
        if not fresh:
            break
        variables = graph_replace(variables, fresh, strict=False)  # rebuilds only what depends on them
    replaced = iter(variables)
    return _map_variables(result, lambda _: next(replaced))


def _apply_nodes(variables, keep):
    """Every node computing ``variables``, except those behind the variables in ``keep``."""
    seen, stack = set(), [v.owner for v in variables if v.owner is not None and v not in keep]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(i.owner for i in node.inputs if i.owner is not None and i not in keep)
    return seen


def _variables_in(result):
    """The variables in ``result`` (nested lists, tuples, dict values, ``until``), in a fixed order."""
    if isinstance(result, pytensor.graph.basic.Variable):
        yield result
    elif isinstance(result, until):
        yield result.condition
    elif isinstance(result, dict):
        for value in result.values():
            yield from _variables_in(value)
    elif isinstance(result, list | tuple):
        for item in result:
            yield from _variables_in(item)


def _map_variables(result, f):
    """``result`` with ``f`` applied to every variable in it, in the order of :func:`_variables_in`."""
    if isinstance(result, pytensor.graph.basic.Variable):
        return f(result)
    if isinstance(result, until):
        return until(_map_variables(result.condition, f))
    if isinstance(result, dict):
        return type(result)((key, _map_variables(value, f)) for key, value in result.items())
    if isinstance(result, list | tuple):
        return type(result)(_map_variables(item, f) for item in result)
    return result


def stream_rngs():
    """The generators all streams have made so far."""
    return set(_STREAM_OF.keys())
