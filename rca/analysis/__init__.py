"""Analysis: a month prepared once, its tables computed once.

Analysis: a month prepared once (validated, redacted, themed) and every table computed once
(`rca.analysis.month.analyze_month`), read back by reports.
"""

__all__: list[str] = []
