"""Reports readable on a phone: responsive charts and tables, and the phone-width check.

`rca.batch.phone_check` (run by `rca.batch.browser_check.check_reports`) must pass on real
reports and flag hand-made pages whose content is wider than a phone's screen, naming the element.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

import rca.reports.fragments as rr
from rca.batch.browser_check import check_reports
from rca.batch.phone_check import PHONE, phone_problems
from rca.reports import charts

MONTH = "2026-10"


def _layout_and_config(html: str) -> tuple[dict, dict]:
    """The layout and config plotly's ``newPlot`` call in ``html`` is given."""
    call = html[html.index("Plotly.newPlot(") :]
    decoder = json.JSONDecoder()
    args, rest = [], call[call.index("[") :]
    while len(args) < 3:
        value, end = decoder.raw_decode(rest)
        args.append(value)
        rest = rest[end:].lstrip(" \n,")
    return args[1], args[2]


SHARES = pd.DataFrame(
    {"theme_label": ["a", "b"], "share": [0.2, 0.1], "previous_share": [0.1, 0.2]}
)


@pytest.mark.parametrize(
    "fig",
    [
        go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout={"width": 1200, "height": 300}),
        charts.theme_bars(SHARES, "Themes"),
    ],
    ids=["fixed-width", "theme_bars"],
)
def test_report_charts_are_responsive_with_no_fixed_width(fig):
    rr.setup()
    html = rr.figure(fig).data
    layout, config = _layout_and_config(html)
    assert config["responsive"] is True and config["displaylogo"] is False
    assert "width" not in layout and layout["autosize"] is True
    assert layout["height"] > 0  # heights stay as built
    outer = re.search(r'<div class="rca-figure"><div style="([^"]*)"', html).group(1)
    assert "width:100%" in outer.replace(" ", "")


def test_tables_sit_in_their_own_scroll_box():
    df = pd.DataFrame({"theme": ["a"], "quote": ["word " * 20], "n": [3]})
    html = rr.table(df, formats={"n": "int"}).data
    assert html.startswith('<div class="rca-table-wrap"><table class="rca-table">')
    assert "<td class=long>" in html and "<td class=num>" in html
    assert re.search(r"\.rca-table-wrap\{[^}]*overflow-x:auto", rr.REPORT_CSS)


def test_phone_problems_name_the_element():
    seen = {
        "viewport": 390, "scrollWidth": 1232, "meta": False,
        "wide": [{"what": 'table.rca-table "Theme"', "right": 1212}],
        "charts": [{"n": 2, "title": "Pass rate", "cut": ["title", "title"], "legendOver": True,
                    "toolbarOverTitle": True}],
    }  # fmt: skip
    assert phone_problems(seen) == [
        'phone: no <meta name="viewport" content="width=device-width"> tag',
        "phone: page is 1232 px wide in a 390 px viewport",
        'phone: table.rca-table "Theme" reaches 1212 px, past the 390 px viewport',
        'phone: chart 2 "Pass rate": title cut off at the chart\'s edge',
        'phone: chart 2 "Pass rate": legend covers the plot',
        'phone: chart 2 "Pass rate": toolbar covers the title',
    ]
    fine = {"viewport": 390, "scrollWidth": 390, "meta": True, "wide": [], "charts": []}
    assert phone_problems(fine) == []


HEAD = '<meta name="viewport" content="width=device-width, initial-scale=1">'
ROW = "<tr>" + "".join(f"<td>cell {i}</td>" for i in range(12)) + "</tr>"
PAGES = {
    "fits": f"<p>{'A sentence that wraps. ' * 30}</p><table>{ROW}</table>",
    "wide_div": '<div style="width:1200px">a fixed-width block</div>',
    "wide_table": f'<table style="width:1200px"><tr><td>Theme</td></tr>{ROW}</table>',
    "scrolled_table": '<div style="overflow-x:auto"><table style="width:1200px">'
    + f"{ROW}</table></div>",
    "wide_pre": '<pre style="white-space:pre">' + "x" * 300 + "</pre>",
    "no_viewport": "<p>short</p>",
}
EXPECT = {
    "wide_div": "phone: page is 12",
    "wide_table": 'phone: table "Theme" reaches',
    "wide_pre": "phone: pre",
    "no_viewport": 'phone: no <meta name="viewport"',
}


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("phone-pages")
    for name, body in PAGES.items():
        head = "" if name == "no_viewport" else HEAD
        (folder / f"{name}.html").write_text(f"<html><head>{head}</head><body>{body}</body></html>")
    return folder, {c.path.stem: c for c in check_reports(folder)}


@pytest.mark.browser
@pytest.mark.parametrize("name", list(EXPECT))
def test_content_wider_than_a_phone_fails_the_check(hand_made, name):
    _, checks = hand_made
    assert any(p.startswith(EXPECT[name]) for p in checks[name].problems), checks[name].problems


@pytest.mark.browser
def test_pages_that_fit_pass_and_are_screenshotted_at_phone_width(hand_made):
    folder, checks = hand_made
    for name in ("fits", "scrolled_table"):  # a wide table may scroll inside its own box
        assert checks[name].ok, checks[name].problems
    shot = (folder / "screenshots" / "fits.phone.png").read_bytes()
    assert shot[:4] == b"\x89PNG"
    width = int.from_bytes(shot[16:20], "big")  # PNG header: the image width in pixels
    assert width == PHONE["viewport"]["width"] * PHONE["device_scale_factor"]


@pytest.fixture(scope="module")
def two_reports(sample_analysis, tmp_path_factory):
    """The executive and one team's operations report, built from the sample analysis."""
    from rca.batch.monthly import run_batch

    out = tmp_path_factory.mktemp("phone-batch")
    plan = out / "plan.yaml"
    plan.write_text(
        "reports:\n  - notebook: executive\n  - notebook: operations\n    each: team\n"
        "    only: [Team Orca]\nparameters:\n  min_n: 30\n"
    )
    result = run_batch(
        plan, MONTH, data_dir=sample_analysis.path.parent / "data", out_root=out / "out",
        analysis_dir=sample_analysis.path, jobs=1, log=lambda _m: None,
    )  # fmt: skip
    assert result.ok
    return result.month_dir


@pytest.mark.browser
@pytest.mark.notebook
def test_real_reports_pass_the_phone_check_and_charts_return_when_wide(two_reports):
    checks = [c for c in check_reports(two_reports) if c.path.suffix == ".html"]
    checks = [c for c in checks if not c.path.name.endswith(".slides.html")]  # decks: own check
    assert len(checks) == 3  # index, executive, operations
    for check in checks:
        assert check.ok, (check.path.name, check.problems)
    assert (two_reports / "screenshots" / "executive.phone.png").exists()
    # The phone layout is undone when the screen widens again (a phone turned sideways).
    from playwright.sync_api import sync_playwright

    from rca.batch.browser_check import CHROMIUM_FLAGS, find_chromium

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_FLAGS))
        page = browser.new_context(offline=True, **PHONE).new_page()
        page.goto((two_reports / "executive.html").as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        titles = "() => [...document.querySelectorAll('.gtitle')].map(t => t.textContent)"
        lines = "() => document.querySelectorAll('.gtitle tspan.line').length"
        narrow_titles, narrow_lines = page.evaluate(titles), page.evaluate(lines)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_timeout(600)
        wide_lines = page.evaluate(lines)
        browser.close()
    assert narrow_lines > 0 and wide_lines == 0, (narrow_titles, narrow_lines, wide_lines)
