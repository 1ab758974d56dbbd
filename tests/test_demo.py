"""The walking skeleton end to end: export -> validated, redacted themes -> shared HTML."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

pytestmark = pytest.mark.notebook


def test_demo_succeeds_and_prints_the_index(demo_run):
    out, proc = demo_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    match = re.search(r"Open the reports: (\S+index\.html)", proc.stdout)
    assert match, proc.stdout
    index = out / "2026-10" / "index.html"
    assert match.group(1) == str(index.resolve())
    page = index.read_text()
    assert 'href="executive.html"' in page and "ok" in page


def test_demo_shows_progress_on_long_steps(demo_run):
    _, proc = demo_run
    for step in ("sample data", "audits:", "themes:", "analysis: findings", "ok executive"):
        assert step in proc.stderr


def test_report_is_reader_facing(demo_run):
    out, _ = demo_run
    html = (out / "2026-10" / "executive.html").read_text()
    assert "Quality at a glance" in html
    assert "jp-InputArea jp-Cell-inputArea" not in html and "highlight hl-ipython3" not in html
    assert "injected-parameters" not in html and "notebook_parameters" not in html
    assert "Traceback" not in html
    # nothing is fetched from a network: no external scripts, styles or fonts
    assert not re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["']?(?:https?:)?//""", html)
    assert html.count("Plotly.newPlot") >= 2


def test_workspace_text_is_redacted(demo_run):
    out, _ = demo_run
    ws = out / "2026-10" / "analysis" / "workspace"
    truth = json.loads((out / "sample-data" / "ground_truth.json").read_text())
    audits = pd.read_parquet(ws / "audits.parquet")
    pii_ids = list(truth["pii_rows"]["audits"])
    comments = audits.set_index("audit_id").loc[lambda d: d.index.isin(pii_ids), "comment"]
    assert len(comments) > 10
    assert not comments.str.contains(r"@[A-Za-z0-9.-]+\.[a-z]{2,}").any()  # no emails
    assert not comments.str.contains(r"\d{7,}").any()  # no long digit runs
    assert comments.str.contains(r"\[(?:EMAIL|PHONE|HANDLE|NUMBER|CARD)\]").mean() > 0.9


def test_executed_notebook_is_kept_for_analysts(demo_run):
    out, _ = demo_run
    nb = json.loads((out / "2026-10" / "notebooks" / "executive.ipynb").read_text())
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in nb["cells"])
