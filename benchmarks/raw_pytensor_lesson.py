"""The peer of ``lesson_speed.py``: the lesson's Theano RNN written in bare PyTensor, no symrnn.

    python benchmarks/raw_pytensor_lesson.py TEXT [MODE] [WINDOWS]

One-hot windows of 8 characters, 256 relu units, identity W_h, softmax output, the summed
cross-entropy, plain SGD at lr 0.01, one window per update: what a reader of the lesson writes
by hand. Prints the compile time, the mean error every 1,000 windows and ``N windows/s``
(compile and first call excluded).
"""
import inspect
import sys
import time
from collections import OrderedDict

import numpy as np
import pytensor
import pytensor.tensor as pt

SEQ_LEN, HIDDEN, LR = 8, 256, 0.01


def windows(path, n):
    text = open(path, "rb").read().decode("latin-1")
    chars = ["\0", *sorted(set(text))]
    index = {c: i for i, c in enumerate(chars)}
    idx = np.array([index[c] for c in text])
    starts = np.arange(0, len(idx) - SEQ_LEN - 1, SEQ_LEN)[:n]
    return len(chars), idx[starts[:, None] + np.arange(SEQ_LEN)], idx[starts[:, None] + np.arange(1, SEQ_LEN + 1)]


def train_function(n_symbols, mode):
    rng = np.random.default_rng(0)

    def weights(rows, cols):
        return pytensor.shared(rng.normal(scale=np.sqrt(2 / rows), size=(rows, cols)).astype("float32"))

    def bias(n):
        return pytensor.shared(np.zeros(n, "float32"))

    w_all = [pytensor.shared(np.eye(HIDDEN, dtype="float32")), bias(HIDDEN), weights(n_symbols, HIDDEN),
             bias(HIDDEN), weights(HIDDEN, n_symbols), bias(n_symbols)]
    inp, outp = pt.matrix("inp", dtype="float32"), pt.matrix("outp", dtype="float32")
    h0, lr = pt.vector("h0", dtype="float32"), pt.scalar("lr", dtype="float32")

    def step(x, h, W_h, b_h, W_x, b_x, W_y, b_y):
        h = pt.maximum(0, pt.dot(x, W_x) + b_x + pt.dot(h, W_h) + b_h)
        return h, pt.special.softmax(pt.dot(h, W_y) + b_y, axis=-1)

    new_api = "return_updates" in inspect.signature(pytensor.scan).parameters
    result = pytensor.scan(step, sequences=inp, outputs_info=[h0, None], non_sequences=w_all,
                           **({"return_updates": False} if new_api else {}))
    _, probs = result if new_api else result[0]
    error = -(outp * pt.log(probs)).sum()
    upd_dict = OrderedDict((w, w - g * lr) for w, g in zip(w_all, pytensor.grad(error, w_all)))
    return pytensor.function([h0, inp, outp, lr], error, updates=upd_dict, mode=mode)


def main():
    path, mode = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
    n_symbols, inputs, targets = windows(path, n + 1)
    one_hot, h0 = np.eye(n_symbols, dtype="float32"), np.zeros(HIDDEN, "float32")
    start = time.perf_counter()
    fn = train_function(n_symbols, mode)
    fn(h0, one_hot[inputs[0]], one_hot[targets[0]], np.float32(0))
    print(f"compile + first call {time.perf_counter() - start:.1f} s")
    total, start = 0.0, time.perf_counter()
    for i in range(1, n + 1):
        total += fn(h0, one_hot[inputs[i]], one_hot[targets[i]], np.float32(LR))
        if i % 1000 == 0:
            print(f"Error: {total / 1000 / SEQ_LEN:.3f}")
            total = 0.0
    seconds = time.perf_counter() - start
    print(f"mode={mode} {n} windows in {seconds:.2f} s: {n / seconds:.0f} windows/s")


if __name__ == "__main__":
    main()
