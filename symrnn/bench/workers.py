"""One timed training run of one benchmark workload, symrnn's or PyTorch's, in a process of its own.

    python -m symrnn.bench.workers symrnn|torch WORKLOAD [--seconds S] [--mode M]
                                   [--updates-per-call K] [--launched-at UNIX_TIME]

``symrnn bench`` starts one such process per measurement, so that each side's peak memory and
start-up are its own. The process prints one JSON line: ``chars_per_sec`` (the timed steps, the
first, compiling, step excluded; ``chars_per_cpu_sec`` per CPU-second of the process, all its
threads), ``first_step_seconds`` (from ``--launched-at`` — the parent's
clock when it started this process — to the end of the first training step: interpreter,
imports, graph building, compiling and the step itself), ``peak_rss_mib`` (``ru_maxrss``: the
process's resident high-water mark) and ``import_rss_mib`` (resident size after the imports).

Both sides train the same model on the same random characters: one-hot input (vocabulary 86,
Nietzsche's), ``layers`` cells of ``hidden`` units, a softmax output layer, the loss summed over
the window and averaged over the batch, plain SGD at lr 0.01, no clipping. Where the libraries'
cells differ, the FLOPs do not: PyTorch's GRU applies its reset gate after the recurrent matmul,
symrnn's (the lesson's) before it.
"""
import argparse
import json
import os
import resource
import time
from dataclasses import asdict, dataclass, replace

VOCAB = 86
LEARNING_RATE = 0.01


@dataclass(frozen=True)
class Workload:
    """A benchmark workload: ``layers`` × ``cell`` of ``hidden`` units trained on (seq_len, batch) windows."""

    cell: str
    layers: int
    hidden: int
    batch: int
    seq_len: int
    description: str

    def flops_per_char(self):
        """Matrix-product FLOPs of one training step per character: 3 × the forward products
        (forward, input gradients, weight gradients), the usual model-FLOPs convention."""
        gates = {"rnn": 1, "gru": 3, "lstm": 4}[self.cell]
        forward = sum(2 * gates * self.hidden * ((VOCAB if k == 0 else self.hidden) + self.hidden)
                      for k in range(self.layers)) + 2 * self.hidden * VOCAB
        return 3 * forward


WORKLOADS = {
    "lesson": Workload("rnn", 1, 256, 1, 8, "the lesson: online SGD, B 1, T 8, relu RNN 256"),
    "rnn": Workload("rnn", 1, 256, 64, 8, "SimpleRNN 256, B 64, T 8"),
    "gru": Workload("gru", 3, 512, 100, 30, "GRU 512 × 3 layers, B 100, T 30"),
    "lstm": Workload("lstm", 2, 256, 64, 40, "LSTM 256 × 2 layers, B 64, T 40"),
}


def random_windows(workload, n, seed=0):
    """``n`` (T, B) int32 input and target batches of random characters, as two (n, T, B) arrays."""
    import numpy as np

    rng = np.random.default_rng(seed)
    shape = (n, workload.seq_len, workload.batch)
    return (rng.integers(0, VOCAB, shape).astype(np.int32), rng.integers(0, VOCAB, shape).astype(np.int32))


def _timed(step, n_pool, seconds, min_steps):
    """Run ``step(i)`` once (not timed), then until ``seconds`` have passed and ``min_steps`` ran.

    Returns (seconds of the first step's end since the epoch, steps timed, seconds timed, CPU
    seconds the process used in them: less sensitive to other processes than the wall clock).
    """
    step(0)
    first_done = time.time()
    steps, t0, cpu0 = 0, time.perf_counter(), time.process_time()
    while True:
        steps += step(1 + steps % (n_pool - 1))
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and steps >= min_steps:
            return first_done, steps, elapsed, time.process_time() - cpu0


def symrnn_run(workload, seconds, min_steps, mode, updates_per_call):
    """symrnn's side: ``Trainer`` (or K updates a call) over the workload's windows."""
    import numpy as np
    import pytensor

    from symrnn.nn.model import CharRNN
    from symrnn.training.many_updates import ManyUpdates
    from symrnn.training.trainer import Trainer

    import_rss = _rss_mib()
    k = updates_per_call
    inputs, targets = random_windows(workload, 64 * k)
    model = CharRNN(VOCAB, workload.hidden, cell=workload.cell, layers=workload.layers)
    trainer = Trainer(model, "sgd", clip=None, mode=mode, show_progress=False)
    states = model.zero_states(workload.batch)
    lr = np.asarray(LEARNING_RATE, model.dtype)
    # the compiled functions themselves, as PyTorch's side runs: no loss check, so a run that
    # diverges on the random characters (the lesson's relu RNN can) is timed all the same
    if k == 1:
        def step(i):
            trainer.train_fn(inputs[i], targets[i], *states, lr)
            return 1
    else:
        many, lrs = ManyUpdates(trainer), np.full(k, LEARNING_RATE, model.dtype)
        inputs, targets = (a.reshape(64, k, workload.seq_len, workload.batch) for a in (inputs, targets))

        def step(i):
            many.fn(inputs[i], targets[i], *states, lrs)
            return k
    first_done, steps, elapsed, cpu = _timed(step, 64, seconds, min_steps)
    return {"first_done": first_done, "steps": steps, "seconds": elapsed, "cpu_seconds": cpu,
            "import_rss_mib": import_rss,
            "versions": {"pytensor": pytensor.__version__, "numpy": np.__version__},
            "backend": mode, "updates_per_call": k}


def torch_run(workload, seconds, min_steps, threads):
    """PyTorch's side: ``nn.RNN``/``nn.GRU``/``nn.LSTM`` + ``nn.Linear``, eager, ``torch.optim.SGD``;
    for a one-layer RNN also an explicit loop over time steps, half the time each: the faster counts."""
    import numpy as np
    import torch

    import_rss = _rss_mib()
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(0)
    inputs, targets = (torch.from_numpy(a.astype(np.int64)) for a in random_windows(workload, 64))
    eye = torch.eye(VOCAB)
    recurrent_class = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[workload.cell]
    extra = {"nonlinearity": "relu"} if workload.cell == "rnn" else {}
    recurrent = recurrent_class(VOCAB, workload.hidden, num_layers=workload.layers, **extra)
    output = torch.nn.Linear(workload.hidden, VOCAB)
    optimizer = torch.optim.SGD([*recurrent.parameters(), *output.parameters()], lr=LEARNING_RATE)

    def step(i):
        optimizer.zero_grad()
        hidden, _ = recurrent(eye[inputs[i]])
        logits = output(hidden).reshape(-1, VOCAB)
        loss = torch.nn.functional.cross_entropy(logits, targets[i].reshape(-1), reduction="sum") / workload.batch
        loss.backward()
        optimizer.step()
        return 1

    variants = {f"nn.{recurrent_class.__name__}": step}
    if workload.cell == "rnn" and workload.layers == 1:
        variants["explicit step loop"] = _explicit_rnn_step(torch, workload, inputs, targets, eye)
    timed = {name: _timed(fn, 64, seconds / len(variants), min_steps) for name, fn in variants.items()}
    fastest = max(timed, key=lambda name: timed[name][1] / timed[name][2])
    first_done = timed[next(iter(variants))][0]
    _, steps, elapsed, cpu = timed[fastest]
    return {"first_done": first_done, "steps": steps, "seconds": elapsed, "cpu_seconds": cpu,
            "import_rss_mib": import_rss,
            "versions": {"torch": torch.__version__, "numpy": np.__version__},
            "backend": f"torch eager, {fastest}, {torch.get_num_threads()} threads"}


def _explicit_rnn_step(torch, workload, inputs, targets, eye):
    """The lesson's RNN as a PyTorch user writes it: a Python loop over time, SGD by hand."""
    n_hidden = workload.hidden
    W_x = (torch.randn(VOCAB, n_hidden) * (2 / VOCAB) ** 0.5).requires_grad_()
    W_h = torch.eye(n_hidden, requires_grad=True)
    b_h = torch.zeros(n_hidden, requires_grad=True)
    W_y = (torch.randn(n_hidden, VOCAB) * (2 / n_hidden) ** 0.5).requires_grad_()
    b_y = torch.zeros(VOCAB, requires_grad=True)
    params = [W_x, W_h, b_h, W_y, b_y]

    def step(i):
        x, h, logits = eye[inputs[i]], torch.zeros(workload.batch, n_hidden), []
        for t in range(workload.seq_len):
            h = torch.relu(x[t] @ W_x + h @ W_h + b_h)
            logits.append(h @ W_y + b_y)
        loss = torch.nn.functional.cross_entropy(torch.cat(logits), targets[i].reshape(-1),
                                                 reduction="sum") / workload.batch
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LEARNING_RATE * p.grad
        return 1

    return step


def _rss_mib():
    """This process's resident memory now, MiB (Linux ``/proc``; ``ru_maxrss`` elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2 ** 20
    except OSError:
        return _peak_rss_mib()


def _peak_rss_mib():
    """The process's peak resident memory, MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("side", choices=["symrnn", "torch"])
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--seconds", type=float, default=5.0, help="time at least this long (after the first step)")
    parser.add_argument("--min-steps", type=int, default=3)
    parser.add_argument("--mode", default=None, help="symrnn: PyTensor mode (default $SYMRNN_MODE or JAX)")
    parser.add_argument("--updates-per-call", type=int, default=1, help="symrnn: K updates in one call")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads: torch.set_num_threads, or for symrnn OPENBLAS_NUM_THREADS and at most "
                             "this many cores (XLA sizes its pool by them) (default: each library's own)")
    parser.add_argument("--hidden", type=int, default=None, help="override the workload's hidden size")
    parser.add_argument("--launched-at", type=float, default=None, help="the parent's time.time() at launch")
    args = parser.parse_args(argv)
    launched_at = args.launched_at or time.time()
    workload = WORKLOADS[args.workload]
    if args.hidden:
        workload = replace(workload, hidden=args.hidden)
    if args.side == "symrnn":
        if args.threads:  # before NumPy (and with it OpenBLAS, which reads this once) and JAX are imported
            os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(args.threads)
            if hasattr(os, "sched_setaffinity"):  # XLA has no thread-count setting that holds; its pool follows this
                os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:args.threads])
        from symrnn.backends.allocator import keep_freed_memory

        keep_freed_memory()  # as the symrnn command does, before JAX is imported
        from symrnn.backends.dispatch import run_calls_inline

        run_calls_inline()  # as the symrnn command does
        from symrnn.backends.compile import default_mode

        run = symrnn_run(workload, args.seconds, args.min_steps, args.mode or default_mode(), args.updates_per_call)
    else:
        run = torch_run(workload, args.seconds, args.min_steps, args.threads)
    chars = run.pop("steps") * workload.seq_len * workload.batch
    result = {"side": args.side, "workload": args.workload, **asdict(workload),
              "chars_per_sec": chars / run.pop("seconds"), "chars_per_cpu_sec": chars / run.pop("cpu_seconds"),
              "first_step_seconds": run.pop("first_done") - launched_at,
              "peak_rss_mib": _peak_rss_mib(), **run}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
