"""Findings and the recommendations built from them.

Findings: the ranked findings of a month as structured records (`rca.findings.build`, one
builder per type in `rca.findings.sources` and `rca.findings.labels`, on the frame of
`rca.findings.records`), judged by one significance model (`rca.findings.family`: one
Benjamini-Hochberg family over every hypothesis the month tests, `FAMILY_LEVEL`, `MIN_EFFECT`),
and the recommendations built from their fields (`rca.findings.recommend`). No sentence is written
or parsed here: they are rendered last, in `rca.reports.finding_text`.
"""

from rca.findings.family import FAMILY_LEVEL, MIN_EFFECT

__all__ = ["FAMILY_LEVEL", "MIN_EFFECT"]
