"""Reports: what each audience reads.

Reports: HTML fragments, charts, each audience's views of the analysis tables, and the
nbconvert export. Views select, format and draw; they compute no statistics.
"""

__all__: list[str] = []
