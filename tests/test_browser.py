"""The report checker (`rca.batch.browser_check`): a real headless Chromium, offline, on crafted
pages.

Every check must be able to fail: each bad page below plants one problem a reader would hit.
The month built by the batch is checked in test_demo.py.
"""

from __future__ import annotations

import pytest

from rca.batch.browser_check import check_reports
from rca.core.errors import InputError

pytestmark = pytest.mark.browser

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5Erk"
    "Jggg=="
)
GOOD = f"""<!doctype html><html><head><title>ok</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<h1>Fine &lt;script&gt;alert(1)&lt;/script&gt;</h1>
<img src="data:image/png;base64,{PNG}">
<a href="index.html">back</a></body></html>"""

BAD = {
    "script_runs": "<script>alert('xss')</script>",
    "handler_runs": "<img src=x onerror=\"alert('xss')\">",
    "js_link": '<a href="javascript:alert(1)">click</a>',
    "console_error": "<script>console.error('boom')</script>",
    "page_error": "<script>undefined_function()</script>",
    "network": '<img src="https://cdn.example.com/x.png">',
    "empty_chart": '<div class="js-plotly-plot" style="width:600px;height:400px"></div>',
    "code_cell": '<div class="jp-InputArea">print(1)</div>',
    "traceback": "<pre>Traceback (most recent call last):\n  File x</pre>",
    "broken_link": '<a href="missing.html">gone</a>',
}
EXPECT = {
    "script_runs": "script ran: dialog 'xss'",
    "handler_runs": "script ran: dialog 'xss'",
    "js_link": "live javascript: links",
    "console_error": "console error: boom",
    "page_error": "page error:",
    "network": "network request: https://cdn.example.com/x.png",
    "empty_chart": "chart 1 not drawn",
    "code_cell": "code cells or prompts visible",
    "traceback": "traceback is shown",
    "broken_link": "broken link: missing.html",
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    (folder / "index.html").write_text(GOOD)
    (folder / "sub").mkdir()
    (folder / "sub" / "good.html").write_text(GOOD.replace("index.html", "../index.html"))
    for name, body in BAD.items():
        (folder / "sub" / f"{name}.html").write_text(f"<html><body>{body}</body></html>")
    return folder, {c.path.stem: c for c in check_reports(folder)}


def test_good_pages_pass_and_are_screenshotted(checked):
    folder, checks = checked
    assert next(iter(checks)) == "index"  # the index first
    for name in ("index", "good"):
        assert checks[name].ok, checks[name].problems
        assert checks[name].images == 1
        assert checks[name].screenshot.read_bytes()[:4] == b"\x89PNG"
    assert (folder / "screenshots" / "sub__good.png").exists()


@pytest.mark.parametrize("name", list(BAD))
def test_each_planted_problem_is_reported(checked, name):
    _, checks = checked
    problems = checks[name].problems
    assert any(EXPECT[name] in p for p in problems), problems
    assert not checks[name].ok


def test_a_folder_without_html_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no HTML reports"):
        check_reports(tmp_path)
