"""Open the generated HTML in a real headless Chromium with no network."""

from __future__ import annotations

import shutil

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    if not shutil.which("chromium"):
        pytest.fail("chromium is not installed: run `make system-deps` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def open_offline(browser, path):
    context = browser.new_context(offline=True)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:", "about:"))
            else problems.append(f"network request: {r.url}"))  # fmt: skip
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    return page, problems


def test_executive_report_renders_offline_without_errors(browser, demo_run):
    out, proc = demo_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = out / "2026-10" / "executive.html"
    page, problems = open_offline(browser, report)
    plots = page.locator(".js-plotly-plot")
    assert plots.count() >= 2
    for i in range(plots.count()):
        box = plots.nth(i).locator(".main-svg").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100
        assert plots.nth(i).locator(".trace").count() >= 1  # data drawn, not an empty frame
    assert page.locator(".rca-kpi").count() >= 3
    assert page.locator(".jp-InputArea, .jp-InputPrompt").count() == 0
    assert "Traceback" not in page.inner_text("body")
    page.screenshot(path=str(out / "2026-10" / "executive.png"), full_page=True)
    assert problems == []


def test_index_links_to_the_report(browser, demo_run):
    out, _ = demo_run
    page, problems = open_offline(browser, out / "2026-10" / "index.html")
    page.click("text=Executive summary 2026-10")
    page.wait_for_load_state("load")
    assert page.url.endswith("executive.html")
    assert problems == []
