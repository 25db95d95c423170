"""Optimisers as update dicts ``{shared: new value}`` (``updates``), gradient clipping (``clip``) and
learning-rate schedules (``schedules``). The table of optimisers by name is ``symrnn.registry.OPTIMIZERS``.
"""
