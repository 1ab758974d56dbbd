"""Check built reports in a real headless Chromium, offline, and screenshot each one.

Readers open the HTML from a mail or a shared drive, often without a network. `check_reports`
opens every ``*.html`` of a month folder the way they would (``file://``, network off) and lists
what a reader would hit: console or page errors, dialogs (an ``alert`` means untrusted text ran
as script), network requests, charts that did not draw, code cells, tracebacks, live
``javascript:`` links or event-handler attributes, and index links to missing files. A full-page
screenshot of each report goes to ``<month>/screenshots/`` for review (and one at phone width,
``<name>.phone.png``, whose layout `rca.batch.phone_check` checks too) and, on request, the page's
visible text beside it (``<name>.txt``), so what a reader sees can be searched before the folder
is mailed (e.g. for a name that should not be there).

Needs Playwright (installed with the ``dev`` extra) and a Chromium binary (``make system-deps``
installs Debian's).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from rca.batch.phone_check import check_phone_layout
from rca.core.errors import InputError, MissingDependencyError

__all__ = ["CHROMIUM_FLAGS", "PageCheck", "check_reports", "find_chromium"]

#: Chromium switches for a quiet, sandbox-free, offline-friendly headless run.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip

# Runs in the page: describes what a reader sees. Charts are plotly divs (drawn when they hold an
# SVG of a sensible size with at least one trace) and images (drawn when they decoded).
_INSPECT = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')].map(p => {
    const svg = p.querySelector('.main-svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const drawn = '.trace, .hm, .heatmaplayer image, .imagelayer image';
    return {width: box.width, height: box.height, traces: p.querySelectorAll(drawn).length};
  });
  const images = [...document.querySelectorAll('img')].map(i => ({
    src: (i.getAttribute('src') || '').slice(0, 40), ok: i.complete && i.naturalWidth > 0}));
  const handlers = [...document.querySelectorAll('*')].flatMap(e =>
    [...e.attributes].filter(a => a.name.startsWith('on'))
      .map(a => e.tagName + '[' + a.name + ']'));
  return {
    plots, images, handlers,
    code: document.querySelectorAll('.jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt').length,
    jsLinks: [...document.querySelectorAll('a[href]')]
      .filter(a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    text: document.body ? document.body.innerText : '',
  };
}"""


@dataclass
class PageCheck:
    """What a reader would hit in one HTML file (``problems`` empty when it is fine)."""

    path: Path
    charts: int = 0
    images: int = 0
    problems: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    #: The page's visible text (``innerText``), e.g. to confirm untrusted text shows as text.
    text: str = field(default="", repr=False)
    #: Where that text was saved (beside the screenshot), when asked for.
    text_file: Path | None = None

    @property
    def ok(self) -> bool:
        """True when nothing is wrong with the page."""
        return not self.problems


def find_chromium() -> str:
    """Return the path of a Chromium binary, or raise `MissingDependencyError`."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise MissingDependencyError(
        "no Chromium found: install it with `make system-deps` (Debian: apt-get install chromium)"
    )


def _inspect_page(page: Any, path: Path, check: PageCheck) -> dict[str, Any]:
    seen: dict[str, Any] = page.evaluate(_INSPECT)
    for i, plot in enumerate(seen["plots"], 1):
        if plot["width"] < 100 or plot["height"] < 100 or plot["traces"] < 1:
            check.problems.append(
                f"chart {i} not drawn ({plot['width']:.0f}x{plot['height']:.0f} px, "
                f"{plot['traces']} traces)"
            )
    for image in seen["images"]:
        if not image["ok"]:
            check.problems.append(f"image not shown: {image['src']}")
    if seen["code"]:
        check.problems.append(f"{seen['code']} code cells or prompts visible")
    if seen["jsLinks"]:
        check.problems.append(f"{seen['jsLinks']} live javascript: links")
    if seen["handlers"]:
        check.problems.append(f"event-handler attributes: {', '.join(seen['handlers'][:3])}")
    if "Traceback (most recent call last)" in seen["text"]:
        check.problems.append("a traceback is shown to readers")
    for link in seen["links"]:
        url = urlparse(link)
        if url.scheme == "file" and not Path(unquote(url.path)).exists():
            check.problems.append(f"broken link: {Path(unquote(url.path)).name}")
    check.charts, check.images, check.text = len(seen["plots"]), len(seen["images"]), seen["text"]
    return seen


def _check_page(
    context: Any, path: Path, month_dir: Path, shots: Path | None, texts: bool
) -> PageCheck:
    check = PageCheck(path)
    page = context.new_page()
    problems = check.problems

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}"[:300])

    def on_dialog(dialog: Any) -> None:  # only script from the data could open one
        problems.append(f"script ran: dialog {dialog.message!r}")
        dialog.dismiss()

    def on_request(request: Any) -> None:
        if not request.url.startswith(("file:", "data:", "blob:", "about:")):
            problems.append(f"network request: {request.url}"[:300])

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"[:300]))
    page.on("dialog", on_dialog)
    page.on("request", on_request)
    try:
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(300)  # plotly draws right after load
        _inspect_page(page, path, check)
        if shots is not None:
            name = "__".join(path.relative_to(month_dir).with_suffix(".png").parts)
            check.screenshot = shots / name
            page.screenshot(path=str(check.screenshot), full_page=True)
            if texts:
                check.text_file = check.screenshot.with_suffix(".txt")
                check.text_file.write_text(check.text, encoding="utf-8")
    finally:
        page.close()
    return check


def check_reports(
    month_dir: str | Path,
    *,
    screenshots: bool = True,
    chromium: str | None = None,
    texts: bool = False,
) -> list[PageCheck]:
    """Open every HTML file of ``month_dir`` offline in headless Chromium and check it.

    Parameters
    ----------
    month_dir
        A month folder written by ``rca batch`` (``index.html`` and the reports), or any folder
        of HTML files.
    screenshots
        Save a full-page PNG of each page to ``<month_dir>/screenshots/``.
    chromium
        Path of the Chromium binary (default: found on ``PATH``).
    texts
        With ``screenshots``, also save each page's visible text (``innerText``, as in
        `PageCheck.text`) beside its screenshot as ``<name>.txt``.

    Returns
    -------
    list of PageCheck
        One per HTML file, index first, then in path order; then one per slide deck and per
        PDF (`rca.batch.format_check.check_formats`: every slide stepped through, each PDF's
        text and pages); ``problems`` says what is wrong.

    Raises
    ------
    InputError
        If ``month_dir`` holds no HTML file.
    MissingDependencyError
        If Playwright or Chromium is missing.
    """
    month_dir = Path(month_dir)
    pages = sorted(
        p
        for p in month_dir.rglob("*.html")
        if "screenshots" not in p.parts and not p.name.endswith(".slides.html")  # decks: below
    )
    pages.sort(key=lambda p: (p.name != "index.html", len(p.relative_to(month_dir).parts), p))
    if not pages:
        raise InputError(month_dir, "no HTML reports in this folder")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise MissingDependencyError(
            "checking reports needs Playwright: pip install playwright (make install does)"
        ) from None
    from rca.batch.format_check import check_formats

    binary = chromium or find_chromium()
    shots = month_dir / "screenshots" if screenshots else None
    if shots is not None:
        shutil.rmtree(shots, ignore_errors=True)
        shots.mkdir(parents=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, args=list(CHROMIUM_FLAGS))
        try:
            context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
            checks = [_check_page(context, path, month_dir, shots, texts) for path in pages]
            check_phone_layout(browser, checks, month_dir, shots)  # also at phone width
            decks = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})
            return checks + check_formats(decks, month_dir, PageCheck, shots, texts)  # decks, PDFs
        finally:
            browser.close()
