"""``theano.sandbox.rng_mrg.MRG_RandomStreams``: Theano's dropout streams, on PyTensor generators.

Same methods and semantics as :class:`symrnn.theano.tensor.shared_randomstreams.RandomStreams`
(see :mod:`symrnn.theano._random`); the numbers differ from Theano's MRG31k3p generator.
"""

from symrnn.theano._missing import missing_names, not_provided
from symrnn.theano._random import RandomStreams

__all__ = ["MRG_RandomStreams"]


class MRG_RandomStreams(RandomStreams):
    """``MRG_RandomStreams(seed=12345)``: ``uniform``, ``normal``, ``binomial``, ``multinomial``.

    ``nstreams`` (the GPU stream count) is accepted and ignored.
    """

    def __init__(self, seed=12345):
        super().__init__(seed)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None, truncate=False):
        """Gaussian draws; Theano's ``truncate=True`` is not provided."""
        if truncate:
            raise not_provided("theano.sandbox.rng_mrg.MRG_RandomStreams.normal(truncate=True)")
        return super().normal(size, avg, std, dtype=dtype)


__path__ = []  # a package to the import system, so missing submodules get the hint below
__getattr__ = missing_names("theano.sandbox.rng_mrg")
