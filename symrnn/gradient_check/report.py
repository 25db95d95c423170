"""The outcome of a gradient check: the largest relative error of every value, for every pair.

Relative error, per element: ``|a − b| / max(|a| + |b|, floor)``, then the max over the array.
The floor makes elements too small for a pair's noise count by absolute error instead:
analytic pairs agree to rounding (≈ 1e-16), finite differences to ≈ 1e-10 absolute (see
``symrnn.reference.numerical``). docs/gradcheck.md explains the tolerances and floors.
"""
import math
from dataclasses import dataclass, field

PAIRS = {"grad_vs_bptt": ("grad", "bptt"), "bptt_vs_fd": ("bptt", "bptt_fd"),
         "grad_vs_fd": ("grad", "grad_fd")}   # pair → the two gradients it compares
TOLERANCES = {"grad_vs_bptt": 1e-7, "bptt_vs_fd": 1e-5, "grad_vs_fd": 1e-5}
# Below the floor an element is judged by absolute error: ≤ tolerance · floor (1e-15 for the
# analytic pair, 1e-9 for the pairs with finite differences).
FLOORS = {"grad_vs_bptt": 1e-8, "bptt_vs_fd": 1e-4, "grad_vs_fd": 1e-4}


@dataclass
class GradientCheckReport:
    """The outcome of one check: the max relative error of every value for every pair."""

    title: str
    shapes: dict                                 # value name → shape
    errors: dict                                 # value name → {pair: max relative error}
    tolerances: dict = field(default_factory=lambda: dict(TOLERANCES))

    @property
    def pairs(self):
        return [pair for pair in PAIRS if any(pair in e for e in self.errors.values())]

    @property
    def failures(self):
        """``[(value name, pair, error)]`` for every error over its tolerance (or NaN)."""
        return [(name, pair, err) for name, errs in self.errors.items() for pair, err in errs.items()
                if not err <= self.tolerances[pair]]

    @property
    def passed(self):
        return not self.failures

    def table(self):
        """The report as a text table: parameter, shape, the error of each pair, ok/FAIL."""
        failed = {name for name, _, _ in self.failures}
        rows = [["parameter", "shape", *self.pairs, "result"]]
        for name, errs in self.errors.items():
            rows.append([name, str(self.shapes[name]), *(f"{errs[pair]:.1e}" for pair in self.pairs),
                         "FAIL" if name in failed else "ok"])
        rows.append(["tolerance", "", *(f"{self.tolerances[pair]:.0e}" for pair in self.pairs), ""])
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [self.title] + ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                                for row in rows]
        if self.passed:
            lines.append("PASSED: every relative error is within its tolerance")
        else:
            lines.append("FAILED: " + "; ".join(f"{name} {pair} {err:.1e}"
                                                for name, pair, err in self.failures))
        return "\n".join(lines)

    def as_dict(self):
        """JSON-ready: title, shapes, tolerances, errors (NaN or inf → None) and ``passed``."""
        def finite(x):
            return x if math.isfinite(x) else None
        return {"title": self.title, "shapes": {k: list(v) for k, v in self.shapes.items()},
                "tolerances": self.tolerances,
                "errors": {name: {pair: finite(err) for pair, err in errs.items()}
                           for name, errs in self.errors.items()},
                "passed": self.passed}

    def __str__(self):
        return self.table()
