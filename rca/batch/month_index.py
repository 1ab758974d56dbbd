"""The month's index page: every report with its audience, status and link."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from rca.batch.notebook_run import ReportResult

__all__ = ["write_index"]

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>QA reports {{ month }}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:960px;
margin:32px auto;padding:0 16px;color:#1f2328}
h1{font-size:1.6em} h2{font-size:1.2em;margin-top:1.6em} table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #d0d7de}
th{background:#f6f8fa} .ok{color:#1a7f37;font-weight:600} .failed{color:#cf222e;font-weight:600}
.muted{color:#57606a;font-size:.9em} a.more{font-size:.9em}
.scroll{overflow-x:auto} td{overflow-wrap:anywhere}
</style></head>
<body>
<h1>QA reports · {{ month }}</h1>
<p class="muted">{{ reports|length }} report{{ 's' if reports|length != 1 }},
{{ failed }} failed. Files open offline; personal data is redacted.</p>
{% for audience, rows in groups %}
{% if groups|length > 1 %}<h2>{{ audience }}</h2>{% endif %}
<div class="scroll"><table>
<thead><tr><th>Report</th><th>Audience</th><th>Status</th><th>Time</th></tr></thead>
<tbody>
{% for r in rows %}
<tr><td>{% if r.link %}<a href="{{ r.link }}">{{ r.title }}</a>
{%- else %}{{ r.title }}{% endif %}
{%- for label, href in r.more %} · <a class="more" href="{{ href }}">{{ label }}</a>
{%- endfor %}</td>
<td>{{ r.audience }}</td>
<td class="{{ r.status }}">{{ r.status }}{% if r.reason %} — {{ r.reason }}{% endif %}</td>
<td>{{ '%.1f'|format(r.seconds) }} s</td></tr>
{% endfor %}
</tbody></table></div>
{% endfor %}
</body></html>
"""


def write_index(
    month_dir: str | Path,
    month: str,
    results: Sequence[ReportResult],
    files: Sequence[Mapping[str, Path]] | None = None,
) -> Path:
    """Write ``<month_dir>/index.html`` listing ``results`` (all text escaped).

    Reports are listed in the given order, in one section per audience when there are several;
    links are relative to ``month_dir``, so the folder can be moved or served as is. ``files``
    (per result, as `rca.batch.report_files.write_formats` returns) adds links to each report's
    PDF and slide deck after its title.

    Returns
    -------
    Path
        The index file.
    """
    month_dir = Path(month_dir)
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    rows = [
        {
            "title": r.title,
            "audience": r.audience,
            "status": r.status,
            "reason": r.reason,
            "seconds": r.seconds,
            "link": os.path.relpath(r.html, month_dir) if r.html else None,
            "more": [
                (label, os.path.relpath(have[kind], month_dir))
                for kind, label in (("pdf", "PDF"), ("deck", "slides"))
                if kind in have
            ],
        }
        for r, have in zip(results, files or [{}] * len(results), strict=True)
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:  # one section per audience, in order of first appearance
        groups.setdefault(str(row["audience"]), []).append(row)
    failed = sum(r.status != "ok" for r in results)
    page = env.from_string(_TEMPLATE).render(
        month=month, reports=rows, groups=list(groups.items()), failed=failed
    )
    path = month_dir / "index.html"
    tmp = path.with_name("index.html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
