"""PDFs and slide decks besides the HTML: plan switches, deck cells, index links, slide text.

Fast tests (no browser); the decks and PDFs of a real batch are checked in Chromium and with
pdftotext in test_formats_browser.py.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT
from test_plan import AUDITS

from rca.batch.deck_export import deck_cells, has_slides
from rca.batch.format_check import headline_numbers
from rca.batch.month_index import write_index
from rca.batch.notebook_run import ReportResult, load_notebook
from rca.batch.plan import expand_plan, load_plan
from rca.core.errors import ParameterError

SLIDES = ("executive", "operations", "policy_product")


def _plan(tmp_path, text: str):
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return load_plan(path)


def test_the_shipped_plan_gives_pdfs_and_decks_as_documented():
    plan = load_plan(ROOT / "parameters" / "monthly.yaml")
    got = {e.notebook: (e.formats.pdf, e.formats.deck) for e in plan.entries}
    assert got == {
        "executive": (True, True), "operations": (True, True), "policy_product": (True, True),
        "calibration": (True, False), "ai_labels": (True, False), "explore": (True, False),
        "training": (True, False),
        "agent_feedback": (False, False),  # agents' PDFs: the plan's agent_pdf, off
    }  # fmt: skip
    planned = expand_plan(plan, AUDITS, "2026-10", "ws")
    ops = [p for p in planned if p.notebook == "operations"]
    assert [(p.stem, p.pdf, p.deck) for p in ops] == [
        ("operations-team-kestrel", True, True), ("operations-team-orca", True, True)
    ]  # fmt: skip
    assert all(not p.pdf for p in planned if p.notebook == "agent_feedback")


def test_switches_at_plan_and_entry_level(tmp_path):
    plan = _plan(
        tmp_path,
        "formats:\n  pdf: false\n  agent_pdf: true\nreports:\n"
        "  - notebook: executive\n    formats: {deck: false}\n"
        "  - notebook: calibration\n    formats: {pdf: true}\n"
        "  - notebook: agent_feedback\n    each: agent\n",
    )
    got = [(e.notebook, e.formats.pdf, e.formats.deck) for e in plan.entries]
    assert got == [("executive", False, False), ("calibration", True, False),
                   ("agent_feedback", True, False)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("formats:\n  pdf: yes please\nreports:\n  - notebook: executive\n",
         "key 'formats.pdf': expected true or false"),
        ("formats:\n  slides: true\nreports:\n  - notebook: executive\n",
         "unknown key 'formats.slides'"),
        ("reports:\n  - notebook: executive\n    formats: {agent_pdf: true}\n",
         "unknown key 'reports[0].formats.agent_pdf'"),
        ("reports:\n  - notebook: calibration\n    formats: {deck: true}\n",
         "key 'reports[0].formats.deck': calibration marks no slides"),
        ("formats: [pdf]\nreports:\n  - notebook: executive\n",
         "key 'formats': expected a mapping of pdf, deck, agent_pdf"),
    ],
)  # fmt: skip
def test_bad_format_switches_fail_before_anything_runs(tmp_path, text, says):
    with pytest.raises(ParameterError, match=r"plan\.yaml, line") as info:
        _plan(tmp_path, text)
    assert says in str(info.value)


@pytest.mark.parametrize("name", SLIDES)
def test_the_meeting_notebooks_mark_a_title_kpis_findings_and_notes(name):
    nb = load_notebook(name)
    assert has_slides(nb)
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    sources = [c.source for c, k in zip(nb.cells, kinds, strict=True) if k]
    assert kinds[kinds.index("slide")] == "slide" and "rr.heading(" in sources[0]  # the title
    assert sum("slides.finding_slide(" in s for s in sources) == 4
    assert sum("slides.finding_notes(" in s for s in sources) == 4
    assert kinds.count("notes") >= 4
    for cell, kind in zip(nb.cells, kinds, strict=True):  # the notebooks stay thin
        if "deck-only" in cell.metadata.get("tags", []):
            assert kind and len(cell.source.splitlines()) == 1, cell.source


@pytest.mark.parametrize("name", ["calibration", "ai_labels", "explore", "agent_feedback"])
def test_other_notebooks_mark_no_slides(name):
    assert not has_slides(load_notebook(name))


def _cell(kind, html, tags=(), slide="slide"):
    meta = {"tags": list(tags)}
    if slide:
        meta["slideshow"] = {"slide_type": slide}
    if kind == "markdown":
        return nbformat.v4.new_markdown_cell(html, metadata=meta)
    out = nbformat.v4.new_output(
        "display_data", {"text/html": html, "text/plain": "<IPython.core.display.HTML object>"}
    )
    cell = nbformat.v4.new_code_cell("x()", metadata=meta)
    cell.outputs = [out]
    return cell


def test_deck_cells_keep_marked_cells_and_drop_empty_slides():
    error = nbformat.v4.new_output("error", ename="KeyError", evalue="x", traceback=["Traceback"])
    broken = _cell("code", "<p>kept</p>", slide="-")
    broken.outputs.append(error)
    nb = nbformat.v4.new_notebook(
        cells=[
            _cell("code", "<style></style>", tags=["rca-setup"]),
            _cell("code", "<h1>Title</h1>"),
            _cell("code", "<p>only in the HTML</p>", slide=None),
            broken,
            _cell("code", "", tags=["deck-only"]),  # an empty finding slot
            _cell("code", "<ul><li>notes of the empty slot</li></ul>", slide="notes"),
            _cell("code", "<h2>Finding 1</h2>", tags=["deck-only"]),
            _cell("code", "<ul><li>95 % interval</li></ul>", slide="notes"),
            _cell("code", "<p>skipped</p>", slide="skip"),
        ]
    )
    kept = deck_cells(nb)
    shown = [c.outputs[0]["data"]["text/html"] for c in kept]
    assert shown == ["<h1>Title</h1>", "<p>kept</p>", "<h2>Finding 1</h2>",
                     "<ul><li>95 % interval</li></ul>"]  # fmt: skip
    assert [o["output_type"] for o in kept[1].outputs] == ["display_data"]  # no traceback


def test_headline_numbers_are_the_kpi_values_else_the_title(tmp_path):
    page = tmp_path / "r.html"
    page.write_text(
        '<h1 id="x">Quality · 2026-10<a class="anchor-link" href="#x">¶</a></h1>'
        '<div class="rca-kpi"><div class="l">Audits</div><div class="v">2,070</div>'
        '<div class="d up">+1.0 pts</div></div><div class="rca-kpi"><div class="v">76.6 %</div>'
        "</div>"
    )
    assert headline_numbers(page) == ["2,070", "76.6 %"]
    page.write_text('<h1 id="x">Policies &amp; macros · 2026-10<a href="#x">¶</a></h1><h1>b</h1>')
    assert headline_numbers(page) == ["Policies & macros · 2026-10"]


def test_the_index_links_each_reports_pdf_and_deck(tmp_path):
    html = tmp_path / "executive.html"
    results = [
        ReportResult("executive", "Summary <b>", "Managers", "ok", html, None, 1.0),
        ReportResult("calibration", "Calibration", "QA", "failed", None, None, 1.0, "boom"),
    ]
    files = [
        {"html": html, "pdf": tmp_path / "executive.pdf",
         "deck": tmp_path / "executive.slides.html"},
        {},
    ]  # fmt: skip
    page = write_index(tmp_path, "2026-10", results, files).read_text()
    assert '<a href="executive.html">Summary &lt;b&gt;</a>' in page
    assert '<a class="more" href="executive.pdf">PDF</a>' in page
    assert '<a class="more" href="executive.slides.html">slides</a>' in page
    assert page.count('class="more"') == 2
