"""Findings and the recommendations built from them.

Findings: the ranked, structured findings of a month and the recommendations built from their
fields. Sentences are rendered later, in `rca.reports`.
"""

__all__: list[str] = []
