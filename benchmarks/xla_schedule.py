"""How XLA spends an LSTM's training step on the CPU: its loops' products, and whether a loop and
an independent product share the cores.

    python benchmarks/xla_schedule.py [--hidden 256] [--batch 64] [--seq-len 40] [--rounds 7]

Compiled as symrnn compiles (``symrnn.backends.xla_options.jit``, the ``symrnn`` command's
allocator settings), the script times these programs in turn, round after round, and prints
medians over the rounds of:

* one iteration of a loop whose step is the LSTM's forward product h · W_h (B × H · H × 4H) or its
  backward product dG · W_hᵀ (B × 4H · 4H × H), with GFLOP/s: a chain of products that run one
  after another, since each iteration needs the one before;
* the forward loop alone (``--seq-len`` iterations), the weights' gradient Hᵀ · dG (the T·B rows
  of one layer: H × T·B · T·B × 4H) alone, and both in one compiled program. The two share no
  value, so a program run in parallel would take less than their sum.
"""
import argparse
import json
import statistics
import time

from symrnn.backends.allocator import keep_freed_memory


def seconds_per_call(function, arguments, calls):
    """Seconds one of ``calls`` back-to-back calls takes."""
    import jax
    start = time.perf_counter()
    for _ in range(calls):
        result = function(*arguments)
    jax.block_until_ready(result)
    return (time.perf_counter() - start) / calls


def alternating_rounds(runs, rounds):
    """{name: [seconds a call, one per round]} for ``runs`` = {name: (function, arguments, calls)},
    each round timing every function once, in turn, after one warm-up call of each."""
    import jax
    for function, arguments, _ in runs.values():
        jax.block_until_ready(function(*arguments))
    times = {name: [] for name in runs}
    for _ in range(rounds):
        for name, (function, arguments, calls) in runs.items():
            times[name].append(seconds_per_call(function, arguments, calls))
    return times


def programs(hidden, seq_len):
    """The compiled programs, by name: loops of the forward and backward products, the weights'
    gradient, and a loop with the weights' gradient beside it."""
    import jax
    import jax.numpy as jnp

    from symrnn.backends import xla_options

    def gates_sum(gates):  # (B, 4H) -> (B, H), every column of the product used
        return jnp.tanh(gates).reshape(gates.shape[0], 4, hidden).sum(axis=1)

    def forward_loop(h, W_h):  # h: (B, H), W_h: (H, 4H)
        return jax.lax.fori_loop(0, seq_len, lambda t, h: gates_sum(h @ W_h), h)

    def backward_loop(dG, W_h_T):  # dG: (B, 4H), W_h_T: (4H, H)
        return jax.lax.fori_loop(0, seq_len, lambda t, dG: jnp.tile(jnp.tanh(dG @ W_h_T), (1, 4)), dG)

    def weights_gradient(H, dG):  # H: (T·B, H), dG: (T·B, 4H)
        return H.T @ dG

    def side_by_side(h, W_h, H, dG):
        return forward_loop(h, W_h), weights_gradient(H, dG)

    return {name: xla_options.jit(function) for name, function in
            (("forward", forward_loop), ("backward", backward_loop), ("gradient", weights_gradient),
             ("both", side_by_side))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seq-len", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    keep_freed_memory()  # as the symrnn command does, before JAX starts
    import numpy as np
    H, B, T = args.hidden, args.batch, args.seq_len
    rng = np.random.default_rng(0)

    def normal(*shape, scale=1.0):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    h, dG = normal(B, H), normal(B, 4 * H)
    W_h, W_h_T = normal(H, 4 * H, scale=H ** -0.5), normal(4 * H, H, scale=H ** -0.5)
    rows, grads = normal(T * B, H), normal(T * B, 4 * H)
    run = programs(H, T)
    times = alternating_rounds({"forward": (run["forward"], (h, W_h), 20),
                                "backward": (run["backward"], (dG, W_h_T), 20),
                                "gradient": (run["gradient"], (rows, grads), 10),
                                "both": (run["both"], (h, W_h, rows, grads), 10)}, args.rounds)
    median = {name: statistics.median(seconds) for name, seconds in times.items()}
    both_over_sum = [both / (loop + gradient)
                     for loop, gradient, both in zip(times["forward"], times["gradient"], times["both"])]
    product_flops, gradient_flops = 2 * B * H * 4 * H, 2 * T * B * H * 4 * H
    print(json.dumps({
        "in_loop_product_ms": {side: round(median[side] / T * 1e3, 3) for side in ("forward", "backward")},
        "in_loop_gflops": {side: round(product_flops * T / median[side] / 1e9, 1) for side in ("forward", "backward")},
        "loop_alone_ms": round(median["forward"] * 1e3, 2),
        "gradient_alone_ms": round(median["gradient"] * 1e3, 2),
        "gradient_gflops": round(gradient_flops / median["gradient"] / 1e9, 1),
        "both_in_one_program_ms": round(median["both"] * 1e3, 2),
        "both_over_sum": round(statistics.median(both_over_sum), 2),
    }))


if __name__ == "__main__":
    main()
