"""Martin Görner's "TensorFlow without a PhD" character model on symrnn: 3 stacked GRUs, stateful.

    python examples/gorner_gru.py --text shakespeare.txt --steps 2000 --hidden 512

Görner's recipe: one-hot characters → MultiRNNCell of NLAYERS GRU cells with dropout (pkeep 0.8)
→ the outputs of all steps reshaped to one [B·T, H] bag → one softmax layer → cross-entropy;
Adam; and the state H of each batch fed as the initial state of the next, whose rows continue
the same text streams (his rnn_minibatch_sequencer, ``data.stateful_batches`` here). Here
MultiRNNCell is ``Stacked``, the reshape happens inside ``Dense``, and dropout on each layer's
input is variational (one mask per sequence, where his DropoutWrapper draws one per step).
Defaults are small; his were 3 layers of 512, sequences of 30, batches of 200.
"""
import argparse

import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn import data, downloads
from symrnn.backends.compile import CompiledFunction
from symrnn.nn.cells import GRU, Stacked
from symrnn.nn.layers import Dense, Dropout, OneHot, Recurrent, RecurrentDropout
from symrnn.nn.losses import sparse_categorical_crossentropy
from symrnn.optim.updates import adam
from symrnn.training.generate import sample_text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", help="corpus: a file, an address or 'nietzsche' (default: the embedded pydoc topics)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--hidden", type=int, default=128, help="INTERNALSIZE")
    parser.add_argument("--layers", type=int, default=3, help="NLAYERS")
    parser.add_argument("--seq-len", type=int, default=30, help="SEQLEN")
    parser.add_argument("--batch", type=int, default=32, help="BATCHSIZE")
    parser.add_argument("--pkeep", type=float, default=0.8)
    parser.add_argument("--lr", type=float, default=2e-3)
    args = parser.parse_args()

    text = data.load_text(downloads.local_path(args.text)) if args.text else data.default_corpus()
    vocab = data.Vocabulary.from_text(text)
    inputs, targets = data.stateful_batches(vocab.encode(text), args.batch, args.seq_len)  # (n, T, B)
    V, H, rng = len(vocab), args.hidden, np.random.default_rng(0)

    one_hot = OneHot(V, dtype="float32")
    cell = Stacked([GRU(V if k == 0 else H, H, rng=rng) for k in range(args.layers)])
    rnn = Recurrent(cell, dropout=RecurrentDropout(input_rate=1 - args.pkeep))
    drop_out = Dropout(1 - args.pkeep, seed=1)                 # DropoutWrapper(multicell, output_keep_prob)
    softmax_layer = Dense(H, V, rng=rng, dtype="float32")
    params = [*rnn.params, *softmax_layer.params]

    def graph(deterministic):
        inp = pt.imatrix("X")                                  # (T, B)
        states = [pt.matrix(name, dtype="float32") for name in cell.state_names]  # Hin
        Y, final_states, rnn_updates = rnn(one_hot(inp), states, deterministic=deterministic)
        Y, drop_updates = drop_out(Y, deterministic)
        logits = softmax_layer(Y)                              # one product over the [B·T, H] bag
        return inp, states, logits, final_states, {**rnn_updates, **drop_updates}

    inp, states, logits, final_states, layer_updates = graph(deterministic=False)
    Y_ = pt.imatrix("Y_")
    loss = sparse_categorical_crossentropy(logits, Y_).mean()
    upd_dict = adam(pytensor.grad(loss, params), params, args.lr)
    upd_dict.update(layer_updates)                             # advance the dropout generators
    train = CompiledFunction([inp, Y_, *states], [loss, *final_states], updates=upd_dict, name="train")
    p_inp, p_states, p_logits, p_final, _ = graph(deterministic=True)
    predict = CompiledFunction([p_inp, *p_states], [pt.special.softmax(p_logits, axis=-1), *p_final],
                               name="predict")

    H_state = [np.zeros((args.batch, H), dtype="float32") for _ in cell.state_names]
    for step in range(args.steps):
        k = step % len(inputs)
        if k == 0:                                             # back at the start of the streams
            H_state = [np.zeros_like(s) for s in H_state]
        loss_value, *H_state = train(inputs[k], targets[k], *H_state)   # istate = ostate
        if (step + 1) % 50 == 0 or step + 1 == args.steps:
            print(f"step {step + 1}: loss {loss_value:.3f} nats/char")

    def next_probs(indices, states):
        states = states or [np.zeros((1, H), dtype="float32") for _ in cell.state_names]
        probs, *states = predict(indices, *states)
        return probs, states

    print(repr(sample_text(next_probs, vocab, text[:30], 300, temperature=0.8, rng=0)))


if __name__ == "__main__":
    main()
