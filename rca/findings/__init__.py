"""Findings and the recommendations built from them.

Findings: the ranked findings of a month as structured records (`rca.findings.build`, one
builder per type in `rca.findings.sources`) and the recommendations built from their fields
(`rca.findings.recommend`). No sentence is written or parsed here: they are rendered last, in
`rca.reports.finding_text`.
"""

__all__: list[str] = []
