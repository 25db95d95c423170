"""The LSTM sentiment model of the deeplearning.net tutorials, with its MRG_RandomStreams dropout.

Ported from https://github.com/lisa-lab/DeepLearningTutorials, code/lstm.py (``dropout_layer``,
``lstm_layer`` with its mask, ``build_model`` and the ``adadelta`` optimizer's two functions).
Licence: BSD 3-Clause, Copyright (c) 2010--2015, Deep Learning Tutorials Development Team.

Edits: imports; Python 3 (``items()``, f-strings); synthetic token sequences (label: does
token 1 occur?) instead of IMDB; ``dim_proj=8`` and unit-variance embeddings; the training loop
keeps every cost and the test checks that it falls; dropout is checked against its definition.
"""

from collections import OrderedDict

import numpy
import numpy as np

import symrnn.theano as theano
import symrnn.theano.tensor as tensor
from symrnn.theano.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams


def numpy_floatX(data):
    return numpy.asarray(data, dtype=theano.config.floatX)


def dropout_layer(state_before, use_noise, trng):
    proj = tensor.switch(
        use_noise,
        (state_before * trng.binomial(state_before.shape, p=0.5, n=1, dtype=state_before.dtype)),
        state_before * 0.5,
    )
    return proj


def _p(pp, name):
    return f"{pp}_{name}"


def ortho_weight(ndim):
    W = numpy.random.randn(ndim, ndim)
    u, s, v = numpy.linalg.svd(W)
    return u.astype(theano.config.floatX)


def init_params(options):
    params = OrderedDict()
    # edit: unit-variance embeddings (the tutorial's 0.01 * rand needs many IMDB epochs to move)
    params["Wemb"] = numpy.random.randn(options["n_words"], options["dim_proj"]).astype(theano.config.floatX)
    dim = options["dim_proj"]
    params["lstm_W"] = numpy.concatenate([ortho_weight(dim) for _ in range(4)], axis=1)
    params["lstm_U"] = numpy.concatenate([ortho_weight(dim) for _ in range(4)], axis=1)
    params["lstm_b"] = numpy.zeros((4 * dim,)).astype(theano.config.floatX)
    params["U"] = 0.01 * numpy.random.randn(dim, options["ydim"]).astype(theano.config.floatX)
    params["b"] = numpy.zeros((options["ydim"],)).astype(theano.config.floatX)
    return params


def init_tparams(params):
    tparams = OrderedDict()
    for kk, pp in params.items():
        tparams[kk] = theano.shared(pp, name=kk)  # edit: pp rather than params[kk] (ruff B007)
    return tparams


def lstm_layer(tparams, state_below, options, prefix="lstm", mask=None):
    nsteps = state_below.shape[0]
    n_samples = state_below.shape[1] if state_below.ndim == 3 else 1

    def _slice(_x, n, dim):
        if _x.ndim == 3:
            return _x[:, :, n * dim : (n + 1) * dim]
        return _x[:, n * dim : (n + 1) * dim]

    def _step(m_, x_, h_, c_):
        preact = tensor.dot(h_, tparams[_p(prefix, "U")])
        preact += x_

        i = tensor.nnet.sigmoid(_slice(preact, 0, options["dim_proj"]))
        f = tensor.nnet.sigmoid(_slice(preact, 1, options["dim_proj"]))
        o = tensor.nnet.sigmoid(_slice(preact, 2, options["dim_proj"]))
        c = tensor.tanh(_slice(preact, 3, options["dim_proj"]))

        c = f * c_ + i * c
        c = m_[:, None] * c + (1.0 - m_)[:, None] * c_

        h = o * tensor.tanh(c)
        h = m_[:, None] * h + (1.0 - m_)[:, None] * h_

        return h, c

    state_below = tensor.dot(state_below, tparams[_p(prefix, "W")]) + tparams[_p(prefix, "b")]

    dim_proj = options["dim_proj"]
    rval, updates = theano.scan(
        _step,
        sequences=[mask, state_below],
        outputs_info=[tensor.alloc(numpy_floatX(0.0), n_samples, dim_proj),
                      tensor.alloc(numpy_floatX(0.0), n_samples, dim_proj)],
        name=_p(prefix, "_layers"),
        n_steps=nsteps,
    )
    return rval[0]


def build_model(tparams, options):
    trng = RandomStreams(1234)
    use_noise = theano.shared(numpy_floatX(0.0))

    x = tensor.matrix("x", dtype="int64")
    mask = tensor.matrix("mask", dtype=theano.config.floatX)
    y = tensor.vector("y", dtype="int64")

    n_timesteps = x.shape[0]
    n_samples = x.shape[1]

    emb = tparams["Wemb"][x.flatten()].reshape([n_timesteps, n_samples, options["dim_proj"]])
    proj = lstm_layer(tparams, emb, options, prefix="lstm", mask=mask)
    proj = (proj * mask[:, :, None]).sum(axis=0)
    proj = proj / mask.sum(axis=0)[:, None]
    if options["use_dropout"]:
        proj = dropout_layer(proj, use_noise, trng)

    pred = tensor.nnet.softmax(tensor.dot(proj, tparams["U"]) + tparams["b"])

    f_pred_prob = theano.function([x, mask], pred, name="f_pred_prob")
    cost = -tensor.log(pred[tensor.arange(n_samples), y] + 1e-8).mean()

    return trng, use_noise, x, mask, y, f_pred_prob, cost


def adadelta(lr, tparams, grads, x, mask, y, cost):
    zipped_grads = [theano.shared(p.get_value() * numpy_floatX(0.0), name=f"{k}_grad") for k, p in tparams.items()]
    running_up2 = [theano.shared(p.get_value() * numpy_floatX(0.0), name=f"{k}_rup2") for k, p in tparams.items()]
    running_grads2 = [
        theano.shared(p.get_value() * numpy_floatX(0.0), name=f"{k}_rgrad2") for k, p in tparams.items()
    ]

    zgup = [(zg, g) for zg, g in zip(zipped_grads, grads)]
    rg2up = [(rg2, 0.95 * rg2 + 0.05 * (g**2)) for rg2, g in zip(running_grads2, grads)]

    f_grad_shared = theano.function([x, mask, y], cost, updates=zgup + rg2up, name="adadelta_f_grad_shared")

    updir = [
        -tensor.sqrt(ru2 + 1e-6) / tensor.sqrt(rg2 + 1e-6) * zg
        for zg, ru2, rg2 in zip(zipped_grads, running_up2, running_grads2)
    ]
    ru2up = [(ru2, 0.95 * ru2 + 0.05 * (ud**2)) for ru2, ud in zip(running_up2, updir)]
    param_up = [(p, p + ud) for p, ud in zip(tparams.values(), updir)]

    f_update = theano.function([lr], [], updates=ru2up + param_up, on_unused_input="ignore",
                               name="adadelta_f_update")

    return f_grad_shared, f_update


N_BATCHES = 300


def synthetic_batches(rng, n_batches, batch_size=16, n_words=12, maxlen=5):
    """(x, mask, y) minibatches laid out as lstm.py's prepare_data: time-major, zero-padded."""
    for _ in range(n_batches):
        lengths = rng.randint(3, maxlen + 1, size=batch_size)
        x = numpy.zeros((maxlen, batch_size), dtype="int64")
        mask = numpy.zeros((maxlen, batch_size), dtype=theano.config.floatX)
        for j, length in enumerate(lengths):
            x[:length, j] = rng.randint(2, n_words, size=length)
            if rng.rand() < 0.5:
                x[rng.randint(length), j] = 1
            mask[:length, j] = 1.0
        y = (x == 1).any(axis=0).astype("int64")
        yield x, mask, y


def test_dropout_layer_against_its_definition():
    trng = RandomStreams(1234)
    use_noise = theano.shared(numpy_floatX(0.0))
    state = tensor.matrix("state")
    f = theano.function([state], dropout_layer(state, use_noise, trng))
    value = numpy.random.RandomState(0).rand(50, 40).astype(theano.config.floatX) + 1

    np.testing.assert_allclose(f(value), value * 0.5)  # evaluation: scaled, no noise
    use_noise.set_value(numpy_floatX(1.0))
    first, second = f(value), f(value)
    for out in (first, second):
        kept = out != 0
        np.testing.assert_array_equal(out[kept], value[kept])
        assert 0.4 < kept.mean() < 0.6
    assert not np.array_equal(first, second)  # a new mask at every call


def test_lstm_with_dropout_learns():
    numpy.random.seed(0)
    options = {"n_words": 12, "dim_proj": 8, "ydim": 2, "use_dropout": True}
    tparams = init_tparams(init_params(options))
    (trng, use_noise, x, mask, y, f_pred_prob, cost) = build_model(tparams, options)
    grads = tensor.grad(cost, wrt=list(tparams.values()))
    lr = tensor.scalar(name="lr")
    f_grad_shared, f_update = adadelta(lr, tparams, grads, x, mask, y, cost)

    rng = numpy.random.RandomState(1)
    costs = []
    for x_b, mask_b, y_b in synthetic_batches(rng, N_BATCHES):
        use_noise.set_value(numpy_floatX(1.0))
        costs.append(f_grad_shared(x_b, mask_b, y_b))
        f_update(0.0)
    costs = np.array(costs)
    assert np.all(np.isfinite(costs))
    assert costs[-30:].mean() < 0.8 * costs[:30].mean(), (costs[:30].mean(), costs[-30:].mean())

    use_noise.set_value(numpy_floatX(0.0))
    x_t, mask_t, y_t = next(synthetic_batches(rng, 1, batch_size=200))
    probs = f_pred_prob(x_t, mask_t)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(probs, f_pred_prob(x_t, mask_t))  # no noise: deterministic
    assert (probs.argmax(axis=1) == y_t).mean() > 0.7
