"""Lesson 6, "Theano RNN", on symrnn: the lesson's pieces, one screen apart.

    python examples/lesson6_theano_rnn.py --text nietzsche

Prints the mean error per character every 1,000 windows (the lesson's ``print('Error:...')``),
then the lesson's check: actual characters next to the model's argmax predictions.
"""
import argparse

import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn import data, downloads
from symrnn.backends.compile import CompiledFunction
from symrnn.nn.losses import sparse_categorical_crossentropy
from symrnn.nn.model import CharRNN
from symrnn.nn.recurrent import scan_cell
from symrnn.optim.updates import sgd

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--text", help="corpus: a file, an address or 'nietzsche' (default: the embedded pydoc topics)")
parser.add_argument("--windows", type=int, default=3000)
parser.add_argument("--hidden", type=int, default=256)
args = parser.parse_args()

text = data.load_text(downloads.local_path(args.text)) if args.text else data.default_corpus()
vocab = data.Vocabulary.from_text(text)            # chars = sorted(set(text)); chars.insert(0, "\0")
idx = vocab.encode(text)                           # idx = [char_indices[c] for c in text]
cs, n_hidden, vocab_size = 8, args.hidden, len(vocab)
x, y = data.lesson_windows(idx, cs)                # inputs: 8 chars; targets: the next 8
print(f"vocab_size {vocab_size}, {len(x):,} windows of {cs}")

model = CharRNN(vocab_size, n_hidden)              # W_h identity, W_x and W_y init_wgts, biases 0
w_all = model.params                               # [W_h, b_h, W_x, b_x, W_y, b_y]
cell = model.cell                                  # the lesson's step: relu(x·W_x + b_x + h·W_h + b_h),
                                                   # x·W_x + b_x for all steps before the loop

t_inp, t_outp = pt.imatrix("inp"), pt.imatrix("outp")  # (T, B=1) character indices
t_h0 = pt.matrix("h0", dtype="float32")
lr = pt.scalar("lr", dtype="float32")

# v_h = scan(step, sequences=one_hot(inp), outputs_info=[h0], non_sequences=[W_h, b_h, W_x, b_x])
v_h, _ = scan_cell(cell, model.encoder(t_inp), [t_h0])
logits = model.output(v_h)                         # h·W_y + b_y at every step, one product
v_y = pt.special.softmax(logits, axis=-1)
error = sparse_categorical_crossentropy(logits, t_outp).sum()
g_all = pytensor.grad(error, w_all)
upd_dict = sgd(g_all, w_all, lr)                   # OrderedDict((w, w - g * lr) for w, g in ...)
fn = CompiledFunction([t_h0, t_inp, t_outp, lr], error, updates=upd_dict, name="train")

h0 = np.zeros((1, n_hidden), dtype="float32")
err = 0.0
for i in range(args.windows):
    err += fn(h0, x[i][:, None], y[i][:, None], np.float32(0.01))
    if i % 1000 == 999:
        print(f"Error:{err / 1000 / cs:.3f}")
        err = 0.0

f_y = CompiledFunction([t_h0, t_inp], v_y, name="predict")
sample = 6
pred = np.argmax(f_y(h0, x[sample][:, None])[:, 0], axis=-1)
act = y[sample]
print([(vocab.chars[a], vocab.chars[p]) for a, p in zip(act, pred)])
