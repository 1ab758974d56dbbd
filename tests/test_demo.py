"""A month built end to end as `make demo` builds it, read the way readers read it.

The `demo_run` fixture (conftest.py) writes two months of sample data, plants script payloads in
names, labels and comments, and runs ``rca batch`` with the monthly plan. These tests check the
index, the reports' content, redaction of every output, and open every page in Chromium.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import DEMO_AGENTS, PAYLOADS

from rca.batch.browser_check import check_reports
from rca.batch.format_check import pdf_text

pytestmark = [pytest.mark.notebook, pytest.mark.browser]

MONTH = "2026-10"


@pytest.fixture(scope="module")
def month_dir(demo_run):
    out, proc = demo_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out / MONTH


@pytest.fixture(scope="module")
def work_dir(demo_run):
    """The month's private working area (analysis, executed notebooks, quarantine)."""
    out, _ = demo_run
    return out / ".work" / MONTH


@pytest.fixture(scope="module")
def pages(month_dir):
    return sorted(
        p
        for p in month_dir.rglob("*.html")
        if "screenshots" not in p.parts and not p.name.endswith(".slides.html")  # decks apart
    )


def test_batch_succeeds_and_prints_the_index(demo_run, month_dir):
    _, proc = demo_run
    match = re.search(r"Open the reports: (\S+index\.html)", proc.stdout)
    assert match, proc.stdout
    assert match.group(1) == str((month_dir / "index.html").resolve())
    manifest = json.loads((month_dir / "manifest.json").read_text())
    notebooks = [r["notebook"] for r in manifest["reports"]]
    assert notebooks.count("operations") == 6 and notebooks.count("agent_feedback") == 3
    assert {"executive", "calibration", "ai_labels", "policy_product", "explore"} < set(notebooks)
    assert all(r["status"] == "ok" for r in manifest["reports"]), manifest["reports"]
    index = (month_dir / "index.html").read_text()
    assert index.count('class="ok"') == len(notebooks) and 'class="failed"' not in index


def test_batch_shows_progress_on_long_steps(demo_run):
    _, proc = demo_run
    for step in ("audits:", "themes:", "analysis: findings", "ok executive", "reports ok in"):
        assert step in proc.stderr


def test_report_is_reader_facing(month_dir):
    page = (month_dir / "executive.html").read_text()
    assert "Quality at a glance" in page
    assert "jp-InputArea jp-Cell-inputArea" not in page and "highlight hl-ipython3" not in page
    assert "injected-parameters" not in page and "notebook_parameters" not in page
    assert "Traceback" not in page
    # nothing is fetched from a network: no external scripts, styles or fonts
    assert not re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["']?(?:https?:)?//""", page)
    assert page.count("Plotly.newPlot") >= 2


def test_workspace_text_is_redacted(demo_run, work_dir):
    out, _ = demo_run
    truth = json.loads((out / "sample-data" / "ground_truth.json").read_text())
    audits = pd.read_parquet(work_dir / "analysis" / "workspace" / "audits.parquet")
    pii_ids = list(truth["pii_rows"]["audits"])
    comments = audits.set_index("audit_id").loc[lambda d: d.index.isin(pii_ids), "comment"]
    assert len(comments) > 10
    assert not comments.str.contains(r"@[A-Za-z0-9.-]+\.[a-z]{2,}").any()  # no emails
    assert not comments.str.contains(r"\d{7,}").any()  # no long digit runs
    assert comments.str.contains(r"\[(?:EMAIL|PHONE|HANDLE|NUMBER|CARD)\]").mean() > 0.9


def _planted_pii(out) -> set[str]:
    """E-mail addresses and phone/account/card numbers as written in the raw sample rows."""
    truth = json.loads((out / "sample-data" / "ground_truth.json").read_text())
    values: set[str] = set()
    for kind, column in (("audits", "comment"), ("feedback", "text")):
        raw = pd.read_csv(out / "sample-data" / f"{kind}.csv", dtype=str, keep_default_na=False)
        ids = set(truth["pii_rows"][kind])
        key = raw.columns[0]
        for text in raw.loc[raw[key].isin(ids), column]:
            values.update(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text))
            numbers = re.findall(r"\+?\d[\d ().-]{7,}\d", text)
            values.update(n for n in numbers if sum(c.isdigit() for c in n) >= 9)
    return values


def test_no_planted_personal_data_reaches_any_output(demo_run, month_dir, work_dir):
    """Neither the shared month nor the private working area (but for its quarantine, which keeps
    invalid rows as they were, to be fixed) holds the sample's personal data unredacted."""
    out, _ = demo_run
    planted = _planted_pii(out)
    assert len(planted) > 50
    files = [
        p
        for p in [*month_dir.rglob("*"), *work_dir.rglob("*")]
        if p.suffix in {".html", ".ipynb", ".csv", ".json"} and "quarantine" not in p.parts
    ]
    assert any(p.suffix == ".ipynb" for p in files) and any(p.suffix == ".csv" for p in files)
    leaks = [(p.name, v) for p in files for v in planted if v in p.read_text(errors="ignore")]
    assert leaks == []
    pdfs = {p.name: pdf_text(p) for p in month_dir.rglob("*.pdf")}  # compressed: read their text
    assert pdfs and [(n, v) for n, text in pdfs.items() for v in planted if v in text] == []


def test_markup_payloads_never_appear_unescaped_in_the_html(pages):
    sources = {p: p.read_text() for p in pages}
    for field, payload in PAYLOADS.items():
        if "<" in payload:  # the javascript: payload is plain text; the browser check covers it
            raw = [p.name for p, text in sources.items() if payload in text]
            assert raw == [], f"{field} payload unescaped in {raw}"


@pytest.fixture(scope="module")
def checks(month_dir):
    return check_reports(month_dir)


def test_every_page_of_the_month_works_in_a_browser(month_dir, pages, checks):
    assert checks[0].path == month_dir / "index.html"
    # index + executive, calibration, AI labels, policy/product, explore, training quiz and key
    # + 6 teams + 3 agents
    problems = {c.path.name: c.problems for c in checks if c.problems}
    assert problems == {}  # no console errors, no script ran, nothing fetched, every chart drawn
    decks = [c for c in checks if c.path.name.endswith(".slides.html")]
    pdfs = [c for c in checks if c.path.suffix == ".pdf"]
    # decks: executive, policy/product, 6 teams; PDFs: every report but the agents' (plan default)
    assert len(decks) == 8 and len(pdfs) == 13
    checks = [c for c in checks if c not in decks and c not in pdfs]
    assert sorted(c.path for c in checks) == pages and len(pages) == 17
    for c in checks:
        assert c.screenshot and c.screenshot.read_bytes()[:4] == b"\x89PNG", c.path
        assert c.screenshot.parent == month_dir / "screenshots"
        if c.path.name != "index.html":
            assert c.charts >= 1, f"{c.path.name} draws no chart"
    agent_pages = [c for c in checks if c.path.parent.name == "agent-feedback"]
    assert len(agent_pages) == len(DEMO_AGENTS)


@pytest.mark.parametrize("field", ["agent", "team", "error_category", "comment"])
def test_planted_payloads_show_as_plain_text_in_the_browser(checks, field):
    """The payloads reached the pages (so the no-script-ran check above means something)."""
    shown = [c.path.name for c in checks if PAYLOADS[field] in c.text]
    assert shown, f"the {field} payload is not visible on any page"


def test_index_links_open_the_reports(month_dir):
    from playwright.sync_api import sync_playwright

    from rca.batch.browser_check import CHROMIUM_FLAGS, find_chromium

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_FLAGS))
        page = browser.new_context(offline=True).new_page()
        page.goto((month_dir / "index.html").as_uri())
        page.click(f"text=Executive summary {MONTH}")
        page.wait_for_load_state("load")
        assert page.url.endswith("executive.html")
        page.go_back()
        page.click(f"text=Feedback for {PAYLOADS['agent']}")
        page.wait_for_load_state("load")
        assert "agent-feedback/" in page.url and PAYLOADS["agent"] in page.title()
        browser.close()


def test_executed_notebooks_are_kept_for_analysts_without_a_second_plotlyjs(month_dir, work_dir):
    path = work_dir / "notebooks" / "executive.ipynb"
    assert not list(month_dir.rglob("*.ipynb"))  # never in the shared folder
    nb = json.loads(path.read_text())
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in nb["cells"])
    assert "plotly.js v" not in path.read_text() and path.stat().st_size < 1_000_000
    assert "plotly.js v" in (month_dir / "executive.html").read_text()  # the report keeps it
