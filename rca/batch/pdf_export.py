"""Print reports to PDF: the same HTML, opened offline in the installed Chromium, printed.

nbconvert's ``WebPDFExporter`` launches Playwright's own downloaded browser and has no setting for
another binary (``chromium.launch`` without ``executable_path``), and no browser may be fetched
here; so this does what it does with the Debian Chromium (`rca.batch.browser_check.find_chromium`):
open the report's HTML file (``file://``, network off, as `rca.batch.browser_check` does), wait
until every plotly chart has drawn, add print rules and print with Playwright's ``page.pdf``.
Printing the HTML file itself means the PDF holds exactly the reader's report: its numbers, its
redaction and its escaping.

Print rules (`PRINT_CSS`): charts, KPI cards, findings and table rows are never cut across pages
(``break-inside: avoid``), headings stay with the block after them, table headers repeat, and
every page has the report's title and "page N of M" (Playwright's header and footer templates).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rca.batch.browser_check import CHROMIUM_FLAGS, find_chromium
from rca.core.errors import MissingDependencyError

__all__ = ["PAGE", "PRINT_CSS", "print_pdf", "print_pdfs"]

#: Paper, margins and the layout width (CSS px at 96 dpi) the page is drawn at before printing:
#: A4 minus the margins, so charts are laid out at the width they are printed at.
PAGE: dict[str, Any] = {
    "format": "A4",
    "margin": {"top": "16mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
    "width": 703,
}

#: Print rules added to the page before printing (the HTML file itself is not changed).
PRINT_CSS = """
@page { size: A4; }
html, body { background: #fff !important; }
body.jp-Notebook { max-width: none !important; margin: 0 !important; padding: 0 4px !important; }
.jp-OutputArea-child { break-inside: auto !important; }  /* lab's rule: a whole output a page */
.rca-figure, .js-plotly-plot, .rca-kpis, .rca-kpi, .rca-callout, figure, img, svg,
table.rca-table tr, li, .rca-cases, .rca-recommendations li, .jp-OutputArea-output pre {
  break-inside: avoid; page-break-inside: avoid;
}
h1, h2, h3, h4, h5 { break-after: avoid; page-break-after: avoid; }
table.rca-table thead { display: table-header-group; }
.modebar, .modebar-container { display: none !important; }
a { color: inherit; text-decoration: none; }
"""

_HEADER = '<div style="font-size:8px;width:100%;padding:0 12mm;color:#57606a">{title}</div>'
_FOOTER = (
    '<div style="font-size:8px;width:100%;padding:0 12mm;color:#57606a;text-align:right">'
    'page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)
# Every plotly chart has drawn (an SVG of a real size), or there is none.
_CHARTS_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')].every(p => {
  const svg = p.querySelector('.main-svg'); return svg && svg.getBoundingClientRect().width > 50;
})"""


def _offline(route: Any) -> None:
    """Let only local files through: nothing is fetched while printing."""
    if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
        route.continue_()
    else:
        route.abort()


def print_pdf(context: Any, html_path: Path, pdf_path: Path, title: str | None = None) -> Path:
    """Print one HTML report to ``pdf_path`` in an open Playwright browser ``context``.

    The page is printed once its charts have drawn (a failure after 30 s); the title in the page
    header is ``title`` or the page's own, escaped. Written atomically.
    """
    page = context.new_page()
    try:
        page.route("**/*", _offline)
        page.goto(Path(html_path).resolve().as_uri(), wait_until="load", timeout=120_000)
        page.wait_for_function(_CHARTS_DRAWN, timeout=30_000)
        page.emulate_media(media="print")
        page.add_style_tag(content=PRINT_CSS)
        page.evaluate("() => window.dispatchEvent(new Event('resize'))")  # charts to page width
        page.wait_for_timeout(200)
        name = html.escape(title or page.title() or Path(html_path).stem)
        tmp = pdf_path.with_name(pdf_path.name + ".tmp")
        page.pdf(
            path=str(tmp),
            format=PAGE["format"],
            margin=PAGE["margin"],
            print_background=True,
            display_header_footer=True,
            header_template=_HEADER.format(title=name),
            footer_template=_FOOTER,
        )
        tmp.replace(pdf_path)
    finally:
        page.close()
    return pdf_path


def print_pdfs(
    jobs: Sequence[tuple[Path, Path, str | None]],
    *,
    chromium: str | None = None,
    log: Callable[[str], object] | None = None,
) -> dict[Path, str]:
    """Print each ``(html, pdf, title)`` of ``jobs`` with one headless Chromium, offline.

    Parameters
    ----------
    jobs
        HTML file to print, PDF file to write, title for the page header (None: the page's).
    chromium
        Chromium binary (default: `rca.batch.browser_check.find_chromium`).
    log
        Called with one line per PDF that could not be printed.

    Returns
    -------
    dict
        ``{pdf path: one-line reason}`` for the PDFs that failed (empty when all were printed);
        a failure never stops the others.

    Raises
    ------
    MissingDependencyError
        If Playwright or Chromium is missing.
    """
    if not jobs:
        return {}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise MissingDependencyError(
            "PDFs need Playwright: pip install playwright (make install does)"
        ) from None
    binary = chromium or find_chromium()
    failed: dict[Path, str] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=binary, args=list(CHROMIUM_FLAGS))
        try:
            size = {"width": int(PAGE["width"]), "height": 1000}
            context = browser.new_context(offline=True, viewport=size)  # type: ignore[arg-type]
            for html_path, pdf_path, title in jobs:
                try:
                    print_pdf(context, html_path, pdf_path, title)
                except Exception as exc:  # one report's PDF never stops the others
                    failed[pdf_path] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                    if log is not None:
                        log(f"PDF not printed: {pdf_path.name}: {failed[pdf_path]}")
        finally:
            browser.close()
    return failed
