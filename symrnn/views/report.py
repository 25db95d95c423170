"""The training report: one page with a run's loss curves, its samples, and the step viewer.

``TrainingReport`` collects, at every report step of ``symrnn train``, the losses (train and
held-out) and a sample of generated text; ``write`` then leaves ``report.html`` in the run's
directory: the curves as an inline SVG (drawn here, so the page needs no matplotlib and no
network), the samples as they improved, and the step viewer (``symrnn.views.viewer``) of the trained
model beside its untrained self.
"""
import html
import math
import os

from symrnn.backends.compile import QUICK_MODE
from symrnn.errors import ConfigError, TrainingDiverged
from symrnn.training.generate import sample_text
from symrnn.views import inside
from symrnn.views import viewer as viz

SAMPLE_LENGTH, SAMPLE_TEMPERATURE = 200, 0.5


class TrainingReport:
    """A run's report page, filled in while it trains.

    directory: where ``report.html`` goes; vocab: the run's ``data.Vocabulary``; prime: the text
    samples start from; seed: the samples' seed (each report step draws with the same one, so
    the samples differ only by what the model learned).
    """

    def __init__(self, directory, vocab, prime, seed=0):
        self.path = os.path.join(directory, "report.html")
        self.vocab, self.prime, self.seed = vocab, prime, seed
        self.samples = []                      # (step, text)
        self.facts = []                        # (what, value) of the run, shown first

    def add_sample(self, step, trainer):
        """Generate ``SAMPLE_LENGTH`` characters after the prime with the model as it is now."""
        try:
            text = sample_text(trainer.predict, self.vocab, self.prime, SAMPLE_LENGTH, SAMPLE_TEMPERATURE, self.seed)
        except TrainingDiverged as err:
            text = f" (no sample: {err})"
        self.samples.append((step, text))
        return text

    def write(self, trainer, history, probe):
        """Write the page; ``history``: {"step", "train_loss", "val"} as ``symrnn train`` keeps it,
        its last entry the run's last step; ``probe``: the text the step viewer reads. Returns the
        page's path."""
        model = trainer.model
        blocks = [_block("the run", self._facts_list()), _block("loss", _curves_svg(history)),
                  _block("samples", self._samples_table())]
        sections = []
        try:
            untrained = model.untrained()
            text = viz.viewable_text(probe, self.vocab)
            steps = history["step"][-1] if history["step"] else 0
            panels = viz.char_panels(model, untrained, self.vocab, text, QUICK_MODE,
                                     trained_name=f"trained ({steps} steps)")
            sections = [viz.section(f"the trained model, step by step ({inside.summary(model)})", panels,
                                    f"reading {text!r}")]
        except ConfigError as err:
            blocks.append(_block("step viewer", f"<p>{html.escape(str(err))}.</p>"))
        return viz.write_page(self.path, "symrnn: training report", sections, "\n".join(blocks))

    def _facts_list(self):
        rows = "".join(f"<dt>{html.escape(what)}</dt><dd>{html.escape(value)}</dd>" for what, value in self.facts)
        return f'<dl class="facts">{rows}</dl>'

    def _samples_table(self):
        if not self.samples:
            return "<p>No sample: the run trained no step.</p>"
        rows = "".join(f"<tr><td>step {step:,}</td><td><pre>{html.escape(self.prime + text)}</pre></td></tr>"
                       for step, text in self.samples)
        return (f"<p>{SAMPLE_LENGTH} characters after the prime, temperature {SAMPLE_TEMPERATURE}, "
                f"the same seed at every step.</p><table class=\"samples\">{rows}</table>")


def _block(title, body):
    title = html.escape(title)
    return f'<section class="report-block" data-name="{title}"><h3>{title}</h3>{body}</section>'


def _curves_svg(history, width=760, height=300):
    """The train and held-out losses against the step, as an inline SVG (nats per character)."""
    steps = history["step"]
    series = [("train (mean of the last steps)", "#2f5bd3", list(zip(steps, history["train_loss"])))]
    held_out = [(s, v["val_loss"]) for s, v in zip(steps, history["val"]) if v]
    if held_out:
        series.append(("held out", "#d9662a", held_out))
    points = [p for _, _, line in series for p in line]
    if not points:
        return "<p>No loss to draw: the run trained no step.</p>"
    left, right, top, bottom = 56, 40, 14, 40  # room for the last step tick's label
    x_ticks = nice_ticks(0, max(s for s, _ in points))
    y_ticks = nice_ticks(min(v for _, v in points), max(v for _, v in points))
    x_max, (y_lo, y_hi) = x_ticks[-1], (y_ticks[0], y_ticks[-1])

    def x(step):
        return left + (width - left - right) * (step / x_max if x_max else 0.5)

    def y(value):
        return top + (height - top - bottom) * (y_hi - value) / (y_hi - y_lo)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="loss curves">',
             f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" '
             f'fill="#fff" stroke="#ccd"/>']
    for value in y_ticks:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#eef"/>'
                     f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:g}</text>')
    for step in x_ticks:
        parts.append(f'<text x="{x(step):.1f}" y="{height - bottom + 16}" text-anchor="middle">{step:,g}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 6}" text-anchor="middle">step</text>'
                 f'<text x="14" y="{(top + height - bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {(top + height - bottom) / 2})">nats / character</text>')
    for k, (label, colour, line) in enumerate(series):
        coords = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in line)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [f'<circle cx="{x(s):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>' for s, v in line]
        key_y = top + 18 + 16 * k
        parts.append(f'<line x1="{width - right - 230}" x2="{width - right - 206}" y1="{key_y - 4}" y2="{key_y - 4}" '
                     f'stroke="{colour}" stroke-width="3"/><text x="{width - right - 200}" y="{key_y}">'
                     f'{html.escape(label)}</text>')
    parts.append("</svg>")
    return f'<div class="curves">{"".join(parts)}</div>'


def nice_ticks(low, high, count=5):
    """About ``count`` round tick values (1, 2 or 5 × 10^k apart) covering [low, high]."""
    if high <= low:
        low, high = low - 0.5, high + 0.5
    raw = (high - low) / (count - 1)
    scale = 10 ** math.floor(math.log10(raw))
    step = next(m * scale for m in (1, 2, 5, 10) if m * scale >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(k * step, 10) for k in range(first, last + 1)]
