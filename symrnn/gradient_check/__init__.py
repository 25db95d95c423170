"""Gradient checks: ``pytensor.grad`` through ``scan`` against NumPy BPTT and finite differences.

``gradcheck(cell)`` and ``check_cell(name)`` (``check``) return a ``GradientCheckReport``
(``report``): the relative error of each pair, its tolerance, and the verdict.
"""
from symrnn.gradient_check.check import GradientCheck, check_cell, gradcheck
from symrnn.gradient_check.report import GradientCheckReport

__all__ = ["GradientCheck", "GradientCheckReport", "check_cell", "gradcheck"]
