"""Shapes flowing through a model, in the lesson's names, and its graphs as PyTensor prints them.

``step_trace`` follows one character through one time step with a batch of 1, the way the
fast.ai forum's walk-through of lesson 6's returning-sequences model does::

    embedding (1, 1, 42) → flatten (1, 42) → dense_in (1, 256) → dense_hidden (1, 256)
    → merge (1, 256) → dense_out (1, 86) → softmax (1, 86)

(the lesson's Keras names: ``dense_in`` is the input's product ``x·W_x + b_x``, ``dense_hidden``
the memory's ``h(t−1)·W_h + b_h``, ``merge`` their sum through the activation, ``dense_out`` the
output layer). ``window_trace`` follows a whole window as symrnn computes it: the input products
for every step before the loop, the scan, and one output product for all steps. Every shape is
measured by running the model's own layers on a real input, not worked out by hand.

``graph_text`` prints the compiled training function and the scan's inner graph with PyTensor's
``debugprint``; ``graph_svg`` draws the training graph through pydot and Graphviz.
"""
import io
import shutil
from contextlib import redirect_stdout

import numpy as np
import pytensor
import pytensor.tensor as pt

from symrnn.backends.compile import QUICK_MODE, CompiledFunction
from symrnn.errors import ConfigError
from symrnn.nn.cells import SimpleRNN, Stacked


def _run(named, inputs, values):
    """Evaluate the symbolic ``named`` [(name, what, variable, weight)] → [(name, what, shape, weight)]."""
    fn = CompiledFunction(inputs, [var for _, _, var, _ in named], name="trace", mode=QUICK_MODE,
                          show_progress=False)
    results = fn(*values)
    return [(name, what, tuple(np.shape(value)), weight) for (name, what, _, weight), value in zip(named, results)]


def _weight(var):
    return f"{var.name} {tuple(var.get_value(borrow=True).shape)}"


def _encoder_rows(model, symbols):
    """Rows for the input encoding of ``symbols`` (…, 1): the embedding or one-hot, batchnorm."""
    x = model.encoder(symbols)
    if model.encoder.params:
        rows = [("embedding", "E[c]: the character's row", x, _weight(model.encoder.W))]
    else:
        rows = [("one-hot", "row c of the identity", x, "")]
    if model.batchnorm is not None:
        x, _ = model.batchnorm(x, deterministic=True)
        rows.append(("batchnorm", "γ·(x − μ)/σ + β (running averages)", x, "gamma, beta"))
    return x, rows


def step_trace(model, symbol=1):
    """One time step of ``model`` (a ``CharRNN``) on character index ``symbol``, batch 1:
    [(name, what, shape, weights)], the lesson's names where it has them."""
    c = pt.matrix("c", dtype="int32")                          # (1, 1): one step, one sequence
    h0 = model.state_variables()
    x, rows = _encoder_rows(model, c)
    flat = x[0]
    rows.append(("flatten", "drop the time axis of one step", flat, ""))
    cell = model.cell
    if isinstance(cell, SimpleRNN):
        W_h, b_h, W_x, b_x = cell.params
        dense_in = cell.precompute_input(flat, *cell.params)
        dense_hidden = pt.dot(h0[0], W_h) + b_h
        hidden = cell.step(dense_in, h0[0], *cell.params)
        rows += [("dense_in", "x·W_x + b_x", dense_in, _weight(W_x)),
                 ("dense_hidden", "h(t−1)·W_h + b_h", dense_hidden, _weight(W_h)),
                 ("merge", f"{cell.activation_name}(dense_in + dense_hidden): h(t)", hidden, "")]
    else:
        params, xw = cell.params, flat
        if not isinstance(cell, Stacked):  # a stack's step computes each layer's products itself
            xw = cell.precompute_input(flat, *params)
            rows.append(("dense_in", "the input's products, every gate", xw, ""))
        states = cell.step(xw, *h0, *params)
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        for name, state in zip(cell.state_names, states):
            rows.append((f"{type(cell).__name__.lower()} {name}", f"the cell's new {name}(t)", state,
                         ", ".join(p.name for p in params[:3]) + (" …" if len(params) > 3 else "")))
        hidden = states[cell.output_index()]
    logits = model.output(hidden)
    rows += [("dense_out", "h(t)·W_y + b_y", logits, _weight(model.output.W)),
             ("softmax", "the next character's probabilities", pt.special.softmax(logits, axis=-1), "")]
    return _run(rows, [c, *h0], [np.array([[symbol]], dtype=np.int32), *model.zero_states(1)])


def window_trace(model, seq_len=8):
    """A window of ``seq_len`` characters, batch 1, as symrnn computes it: [(name, what, shape, weights)]."""
    inp = pt.matrix("inputs", dtype="int32")                  # (T, 1)
    h0 = model.state_variables()
    x, rows = _encoder_rows(model, inp)
    rows.insert(0, ("inputs", "character indices, time-major", inp, ""))
    cell = model.cell
    if not isinstance(cell, Stacked):
        rows.append(("dense_in, every step", "precompute_input: one product before the loop",
                     cell.precompute_input(x, *cell.params), ""))
    hidden, _, _ = model.recurrent(x, h0, deterministic=True)
    rows.append(("scan", f"step × {seq_len}: the same weights at every step", hidden, ""))
    logits = model.output(hidden)
    rows += [("dense_out, every step", "TimeDistributed(Dense): one product", logits, ""),
             ("softmax", "probabilities at every position", pt.special.softmax(logits, axis=-1), "")]
    indices = np.arange(seq_len, dtype=np.int32)[:, None] % model.config["vocab_size"]
    return _run(rows, [inp, *h0], [indices, *model.zero_states(1)])


def _shape(shape):
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def format_trace(model, seq_len=8):
    """The trace as text: the forum's one-line chain, one step in detail, then the whole window."""
    step, window = step_trace(model), window_trace(model, seq_len)
    out = io.StringIO()
    print(" → ".join(f"{name} {_shape(shape)}" for name, _, shape, _ in step), file=out)
    print(f"\none step (t = 0, a batch of 1; h(t−1) = h0, zeros {_shape((1, model.config['n_hidden']))}):",
          file=out)
    for name, what, shape, weight in step:
        print(f"  {name:14s} {_shape(shape):14s} {what:46s} {weight}".rstrip(), file=out)
    print(f"t = 1 … {seq_len - 1}: the same operations and the same weights, h(t−1) the step before's h(t)",
          file=out)
    print(f"\nthe whole window (T = {seq_len}, B = 1), as symrnn runs it:", file=out)
    for name, what, shape, _ in window:
        print(f"  {name:22s} {_shape(shape):14s} {what}", file=out)
    return out.getvalue()


def graph_text(trainer):
    """PyTensor's ``debugprint`` of the compiled training function, scan inner graph included."""
    return pytensor.printing.debugprint(trainer.train_fn.fn, file="str", print_type=True)


def scan_inner_text(trainer):
    """``debugprint`` of the scan's inner graph alone: one step, as the loop runs it."""
    from pytensor.scan.op import Scan

    scans = [node for node in trainer.train_fn.fn.maker.fgraph.toposort() if isinstance(node.op, Scan)]
    node = next(node for node in scans if not str(node.op.name).startswith("grad_of"))  # not the backward loop
    op = node.op
    outer_of = op.get_oinp_iinp_iout_oout_mappings()["outer_inp_from_inner_inp"]
    kinds = [(op.inner_seqs(op.inner_inputs), "this step's slice of a sequence"),
             (op.inner_sitsot(op.inner_inputs), "the state the step before returned"),
             (op.inner_non_seqs(op.inner_inputs), "the same at every step")]
    legend = []
    for k, inner in enumerate(op.inner_inputs):
        what = next((label for members, label in kinds if any(inner is m for m in members)), "")
        outer = node.inputs[outer_of[k]]
        legend.append(f"  {inner} = {outer.name or outer}: {what}".rstrip(": "))
    return "\n".join(legend) + "\n" + pytensor.printing.debugprint(op.inner_outputs, file="str", print_type=True)


def graph_svg(trainer, path):
    """Draw the compiled training function to ``path`` (SVG) with pydot and Graphviz; returns path."""
    try:
        import pydot  # noqa: F401  (pydotprint imports it itself; this names the missing piece)
    except ImportError:
        raise ConfigError("an SVG graph needs pydot and Graphviz: pip install pydot; apt-get install graphviz "
                          "(the text graph above needs neither)") from None
    if shutil.which("dot") is None:
        raise ConfigError("an SVG graph needs Graphviz's dot program: apt-get install graphviz "
                          "(the text graph above needs neither)")
    with redirect_stdout(io.StringIO()):  # pydotprint announces the file it wrote
        pytensor.printing.pydotprint(trainer.train_fn.fn, outfile=path, format="svg")
    return path
