"""A real month's PDFs and slide decks: built by the batch, checked as ``rca check`` checks them.

One small batch (sample data with a planted name and e-mail, fake embedder): the executive, one
team's operations and the policy/product reports, each with its PDF and deck. Every deck is opened
in Chromium with the network off and stepped through slide by slide; every PDF's text is read
with pdftotext. Planted broken copies prove the checks can fail.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
import pytest
import yaml

from rca.batch.browser_check import PageCheck, check_reports
from rca.batch.format_check import MAX_PAGES, check_pdf, pdf_pages, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

MONTH = "2026-10"
#: Planted in every comment of the month of one team: the redaction must catch the e-mail; the
#: full name in a free-text comment is what a reader must never see in a PDF or deck either.
EMAIL = "zz.deck.probe@example.org"
TEAM = "Team Kestrel"


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    from rca.batch.monthly import run_batch
    from rca.sample import generate_sample

    root = tmp_path_factory.mktemp("formats")
    data = root / "data"
    generate_sample(data, months=2, seed=0)
    audits = pd.read_csv(data / "audits.csv", dtype=str, keep_default_na=False)
    here = audits["audit_date"].str.startswith(MONTH) & (audits["team"] == TEAM)
    audits.loc[here, "comment"] = audits.loc[here, "comment"] + f" — write to {EMAIL}"
    audits.to_csv(data / "audits.csv", index=False)
    plan = {
        "reports": [
            {"notebook": "executive"},
            {"notebook": "operations", "each": "team", "only": [TEAM]},
            {"notebook": "policy_product"},
        ],
        "parameters": {"min_n": 30},
    }
    (root / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True))
    result = run_batch(root / "plan.yaml", MONTH, data_dir=data, out_root=root / "out",
                       jobs=2, embedder="fake", log=lambda _m: None)  # fmt: skip
    assert result.ok, [r.reason for r in result.failed]
    return result


@pytest.fixture(scope="module")
def checks(month):
    return check_reports(month.month_dir, texts=True)


def test_every_report_has_its_pdf_and_deck_linked_and_hashed(month):
    folder = month.month_dir
    stems = ["executive", "operations/operations-team-kestrel", "policy-product"]
    for stem in stems:
        assert (folder / f"{stem}.pdf").stat().st_size > 10_000
        assert (folder / f"{stem}.slides.html").exists()
    index = month.index.read_text()
    for stem in stems:
        assert f'href="{stem}.pdf"' in index and f'href="{stem}.slides.html"' in index
    shared = json.loads(month.manifest.read_text())
    for report in shared["reports"]:
        files = report["files"]
        assert set(files) == {"html", "pdf", "deck"}
        for entry in files.values():
            path = folder / entry["path"]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert str(month.work_dir) not in month.manifest.read_text()


def test_decks_and_pdfs_pass_the_checks(checks):
    bad = {c.path.name: c.problems for c in checks if not c.ok}
    assert bad == {}
    decks = [c for c in checks if c.path.name.endswith(".slides.html")]
    pdfs = [c for c in checks if c.path.suffix == ".pdf"]
    assert len(decks) == 3 and len(pdfs) == 3
    assert all(c.charts >= 1 for c in decks)  # charts drawn on their slides


def test_decks_have_a_title_kpis_findings_and_speaker_notes(checks):
    executive = next(c for c in checks if c.path.name == "executive.slides.html")
    assert "Headline figures" in executive.text and "Pass rate" in executive.text
    assert "finding 1 of" in executive.text.lower() and "What to do:" in executive.text
    assert "95 % interval" in executive.text and "finding ids: " in executive.text  # notes
    assert "<li>" not in executive.text
    assert "import " not in executive.text and "Traceback" not in executive.text
    deck = executive.path.read_text(encoding="utf-8")
    assert 'class="jp-InputArea' not in deck and "https://unpkg.com" not in deck  # no code
    assert 'class="notes"' in deck and "Reveal.initialize" in deck


def test_pdfs_hold_the_headline_numbers_on_a_sane_number_of_pages(month):
    pdf = month.month_dir / "executive.pdf"
    html = (month.month_dir / "executive.html").read_text(encoding="utf-8")
    text = pdf_text(pdf)
    for label in ("Audits", "Pass rate"):
        assert label in text
    assert "page 1 of" in text  # page numbers in the footer
    assert 1 <= pdf_pages(pdf) <= MAX_PAGES
    assert "Quality at a glance" in html and "Quality at a glance" in text


def test_redaction_holds_in_pdfs_and_decks(month, checks):
    ops = [c for c in checks if "operations-team-kestrel" in c.path.name]
    assert len(ops) == 3  # the page, its deck, its PDF
    for check in checks:
        if check.path.suffix in (".pdf", ".html"):
            assert EMAIL not in check.text and "zz.deck.probe" not in check.text, check.path
    for path in month.month_dir.rglob("*.slides.html"):
        assert "zz.deck.probe" not in path.read_text(encoding="utf-8")


def test_the_checks_catch_a_pdf_without_the_numbers_and_a_broken_deck(month, tmp_path):
    source = month.month_dir
    shutil.copy(source / "executive.pdf", tmp_path / "executive.pdf")
    html = (source / "executive.html").read_text(encoding="utf-8")
    first = html.index('<div class="v">') + len('<div class="v">')
    (tmp_path / "executive.html").write_text(html[:first] + "987,654" + html[first:])
    problems = check_pdf(PageCheck(tmp_path / "executive.pdf")).problems
    assert any("987,654" in p for p in problems)
    deck = (source / "executive.slides.html").read_text(encoding="utf-8")
    broken = deck.replace("</body>", "<script>throw new Error('planted')</script></body>")
    (tmp_path / "executive.slides.html").write_text(broken)
    (tmp_path / "executive.pdf").unlink()
    (tmp_path / "executive.html").unlink()
    (tmp_path / "index.html").write_text("<p>index</p>")
    (deck_check,) = [c for c in check_reports(tmp_path, screenshots=False) if c.path.suffix
                     != ".html" or c.path.name.endswith(".slides.html")]  # fmt: skip
    assert any("planted" in p for p in deck_check.problems)
