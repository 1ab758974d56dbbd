"""Batch: every report of a month, built in parallel.

Batch: the notebook registry and parameters, the monthly plan, running notebooks on reused
kernels, the month's index and manifest, and the browser check (`rca check`).
"""

__all__: list[str] = []
