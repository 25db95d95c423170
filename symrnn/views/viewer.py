"""The step viewer: one self-contained HTML page that steps through a model's forward pass.

The page carries the weights of each model shown (as base64 float64 arrays) and computes the
forward pass in the browser, step by step: the input, U·x, W·h(t−1), the new hidden state, the
logits and the probabilities, beside the weight matrices drawn as coloured grids (hovering a
number outlines the weights it came from). Play / Step / Back move every model at once, so an
untrained and a trained net run side by side. For a character model the page also shows the
text with each position's likeliest next character, a heat map of one hidden unit over the text
(Karpathy's "visualizing and understanding recurrent networks" view) and text sampled at a
chosen temperature. Its script, style and data are inlined: it opens with no network.

``write_page(path, title, sections)`` writes a page (``InlinePage`` shows one in a notebook);
``toy_page`` and ``checkpoint_page`` make the two that ``symrnn viz`` writes; ``symrnn.views.report``
adds the loss curves and samples of a run.
"""
import base64
import html
import json
import os
import re
from importlib import resources

import numpy as np

from symrnn.backends.compile import QUICK_MODE
from symrnn.checkpoint import write_atomically
from symrnn.views import inside, toy

DEFAULT_TEXT = "The lesson's RNN reads one character at a time, and remembers."


def panel(name, model, chars, indices, *, targets=None, mode=None, kind="char", labels=None):
    """What the page needs to run ``model`` over ``indices``: a JSON-able dict.

    chars: the vocabulary's symbols, as shown; targets: the right next symbols, if known; kind:
    "toy" (every number drawn) or "char" (a character model: text, heat map, sampling); labels:
    display names of W_x, W_h, W_y.
    """
    table = inside.weights(model, mode)
    return {"name": name, "kind": kind, "chars": list(chars), "inputs": [int(i) for i in indices],
            "targets": None if targets is None else [int(i) for i in targets],
            "activation": model.cell.activation_name, "one_hot": not model.encoder.params,
            "labels": labels or {"W_x": "W_x", "W_h": "W_h", "W_y": "W_y"},
            "arrays": {key: _encode(value) for key, value in table.items()}}


def _encode(array):
    """{shape, data}: the array as little-endian float64 bytes in base64 (exact, and compact)."""
    array = np.asarray(array, dtype="<f8")
    return {"shape": list(array.shape), "data": base64.b64encode(array.tobytes()).decode("ascii")}


def section(title, panels, intro=""):
    """A row of panels stepped together; ``intro`` is plain text shown above them."""
    return {"title": title, "intro": intro, "panels": panels}


def page_html(title, sections, extra_html=""):
    """The viewer for ``sections`` as one HTML document (``extra_html`` above it)."""
    assets = resources.files("symrnn.views") / "assets"
    document = json.dumps({"title": title, "sections": sections}).replace("</", "<\\/")
    fill = {"CSS": (assets / "viewer.css").read_text(encoding="utf-8"), "TITLE": html.escape(title),
            "EXTRA": extra_html, "DATA": document, "JS": (assets / "viewer.js").read_text(encoding="utf-8")}
    template = (assets / "viewer.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{(CSS|TITLE|EXTRA|DATA|JS)\}\}", lambda match: fill[match.group(1)], template)  # one pass


def write_page(path, title, sections, extra_html=""):
    """Write the viewer for ``sections`` to ``path`` (with ``extra_html`` above it); returns the path."""
    page = page_html(title, sections, extra_html)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_atomically(path, lambda file: file.write(page.encode("utf-8")))
    return path


class InlinePage:
    """A viewer page shown in a Jupyter notebook's output (``_repr_html_``): the page in a
    sandboxed ``<iframe srcdoc>``, so its script runs as it does in a browser tab."""

    def __init__(self, title, sections, height=720):
        self.html, self.height = page_html(title, sections), height

    def _repr_html_(self):
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:{self.height}px;'
                f'border:0" sandbox="allow-scripts"></iframe>')


TOY_LABELS = {"W_x": "U (W_x)", "W_h": "W (W_h)", "W_y": "V (W_y)"}


TOY_TASKS = {"alternate": "inputs 1,0,1,0,… → targets 0,1,0,1,…: the input alone gives the answer",
             "one-one-zero": "1,1,0,1,1,0,…: after a 1, only the hidden state can tell whether the next is 1 or 0"}


def toy_models(seed=0):
    """For each toy task: (task, untrained toy, trained toy) — trained here, in a few seconds."""
    models = []
    for task in TOY_TASKS:
        untrained, trained = toy.build(seed), toy.build(seed)
        toy.train(trained, task)
        models.append((task, untrained, trained))
    return models


def toy_sections(models):
    """A section per task of ``toy_models``: the untrained and the trained toy side by side."""
    sections = []
    for task, untrained, trained in models:
        inputs, targets = toy.task_sequence(task)
        panels = [panel(name, model, "01", inputs, targets=targets, mode=QUICK_MODE, kind="toy", labels=TOY_LABELS)
                  for name, model in (("untrained", untrained), ("trained", trained))]
        sections.append(section(f"task {task}", panels, TOY_TASKS[task]))
    return sections


TOY_TITLE = "symrnn: the min-char-rnn toy, step by step"


def toy_page(path, seed=0):
    """The min-char-rnn toy's page (see ``symrnn.views.toy``); returns its path."""
    return write_page(path, TOY_TITLE, toy_sections(toy_models(seed)))


def toy_inline(seed=0):
    """The min-char-rnn toy's page, to show in a notebook (an ``InlinePage``)."""
    return InlinePage(TOY_TITLE, toy_sections(toy_models(seed)))


def viewable_text(text, vocab):
    """``text`` without the characters ``vocab`` lacks (the viewer reads known characters only)."""
    known = "".join(c for c in text if c in vocab.chars and c != "\0")
    return known if len(known) >= 2 else "".join(c for c in vocab.chars if c != "\0")


def char_panels(trained, untrained, vocab, text, mode=None, trained_name="trained"):
    """An untrained and a trained character model side by side over ``text``."""
    indices = vocab.encode(text)
    return [panel("untrained (its initial weights)", untrained, vocab.chars, indices, mode=mode),
            panel(trained_name, trained, vocab.chars, indices, mode=mode)]


def checkpoint_page(path, checkpoint_path, text=None, mode=None, trust_cell=None):
    """The viewer for a character model from a checkpoint, beside the same model untrained.

    trust_cell: the checkpoint's own cell, if it names one (``symrnn.training.trained``)."""
    from symrnn.training.trained import load_trained

    trained = load_trained(checkpoint_path, trust_cell=trust_cell, mode=mode, show_progress=False,
                           check_config=inside.check_size, check_model=inside.check_viewable)
    model, vocab = trained.model, trained.vocab
    text = viewable_text(text or DEFAULT_TEXT, vocab)
    title = f"symrnn: {os.path.basename(checkpoint_path)}, step by step"
    about = f"{inside.summary(model)}; reading {text!r}"
    panels = char_panels(model, model.untrained(), vocab, text, mode)
    return write_page(path, title, [section("a character model", panels, about)])
