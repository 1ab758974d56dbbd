"""Statistics on the prepared tables.

Statistics: pure DataFrame-in, DataFrame-out analyses (KPIs, share changes, control charts,
calibration agreement, label audits, macros, technical issues, coaching) on one module of
primitives (`rca.stats.primitives`: intervals, tests, false-discovery control).
"""

__all__: list[str] = []
