"""Check a month's slide decks (in Chromium, offline, slide by slide) and PDFs (their text).

Part of `rca.batch.browser_check.check_reports` (``rca check``). A deck is opened from its file
with the network off and reveal.js is stepped through every slide: each slide must show something,
its charts must have drawn, nothing may run off the bottom of the slide, no code or traceback may
show and the console must stay free of errors. A PDF is read with ``pdftotext`` and ``pdfinfo``
(poppler-utils, ``make system-deps``): its text must hold the headline numbers of the HTML it was
printed from (the KPI cards' values, else the title) and no code or traceback, and its page count
must be between 1 and `MAX_PAGES`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rca.batch.deck_export import DECK_SUFFIX
from rca.core.errors import MissingDependencyError

__all__ = [
    "MAX_PAGES",
    "check_deck",
    "check_formats",
    "check_pdf",
    "headline_numbers",
    "pdf_pages",
    "pdf_text",
]

#: A report printed on more pages than this is broken (e.g. a table printed a row a page).
MAX_PAGES = 60

# Lines that only code or a Python error would print.
_CODE = re.compile(
    r"Traceback \(most recent call last\)|^\s*(import \w|from [\w.]+ import |def \w+\(|"
    r"[A-Za-z]\w*Error: |rr\.\w+\(|P\[\")",
    re.M,
)

# Runs in the deck: every slide's indices, then per slide what it shows.
_SLIDES = "() => Reveal.getSlides().map(s => Reveal.getIndices(s))"
_SLIDE = """() => {
  const slide = Reveal.getCurrentSlide();
  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
  const plots = [...slide.querySelectorAll('.js-plotly-plot')].map(p => {
    const svg = p.querySelector('.main-svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const drawn = '.trace, .hm, .heatmaplayer image, .imagelayer image';
    return {width: box.width, height: box.height, traces: p.querySelectorAll(drawn).length};
  });
  const shown = [...slide.querySelectorAll('*')].filter(e => !e.closest('aside.notes'));
  const bottom = Math.max(0, ...shown.map(e => e.getBoundingClientRect().bottom));
  return {
    plots, text: slide.innerText || '',
    notes: [...slide.querySelectorAll('aside.notes li, aside.notes p')]
      .map(e => e.textContent.trim()).join(' | '),
    over: bottom - frame.bottom,
    code: slide.querySelectorAll('.jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt').length,
  };
}"""


class _Headline(HTMLParser):
    """Collect the KPI card values (``div.v`` in ``div.rca-kpi``) and the first ``h1``."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []
        self.title = ""
        self._in: str | None = None
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._in is not None:
            self._depth += 1
        elif tag == "div" and classes == ["v"]:
            self._in, self._depth, self._text = "v", 1, []
        elif tag == "h1" and not self.title:
            self._in, self._depth, self._text = "h1", 1, []

    def handle_endtag(self, tag: str) -> None:
        if self._in is None:
            return
        self._depth -= 1
        if self._depth == 0:
            text = " ".join("".join(self._text).split())
            if self._in == "v" and text:
                self.values.append(text)
            elif self._in == "h1":
                self.title = text.rstrip("¶").strip()
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._text.append(data)


def headline_numbers(html_path: str | Path) -> list[str]:
    """Return a report's headline figures: its KPI cards' values, else its title (``h1``)."""
    parser = _Headline()
    parser.feed(Path(html_path).read_text(encoding="utf-8"))
    return parser.values or ([parser.title] if parser.title else [])


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise MissingDependencyError(
            f"checking PDFs needs {tool}: install poppler-utils (`make system-deps`)"
        )
    return found


def pdf_text(pdf: str | Path) -> str:
    """Return a PDF's text (``pdftotext``, reading order)."""
    proc = subprocess.run([_poppler("pdftotext"), str(pdf), "-"], capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    return proc.stdout


def pdf_pages(pdf: str | Path) -> int:
    """Return a PDF's page count (``pdfinfo``)."""
    proc = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    found = re.search(r"^Pages:\s+(\d+)", proc.stdout, re.M)
    return int(found.group(1)) if found else 0


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("\u00a0", "")


def check_pdf(check: Any, max_pages: int = MAX_PAGES) -> Any:
    """Check one PDF (``check.path``) against the HTML it was printed from (``<stem>.html``).

    ``check`` is a `rca.batch.browser_check.PageCheck` of the PDF; it gets the PDF's text and,
    in ``problems``, any missing headline figure, code or traceback, and a page count out of
    1 .. ``max_pages``. Returns ``check``.
    """
    pdf = check.path
    try:
        check.text, pages = pdf_text(pdf), pdf_pages(pdf)
    except subprocess.SubprocessError as exc:
        check.problems.append(f"PDF not readable: {exc}"[:300])
        return check
    if not 1 <= pages <= max_pages:
        check.problems.append(f"{pages} pages (expected 1 to {max_pages})")
    source = pdf.with_suffix(".html")
    if not source.exists():
        check.problems.append(f"no {source.name} beside the PDF")
    else:
        text = _squeeze(check.text)
        missing = [v for v in headline_numbers(source) if _squeeze(v) not in text]
        if missing:
            check.problems.append(f"headline figures missing from the PDF: {', '.join(missing)}")
    code = _CODE.search(check.text)
    if code:
        check.problems.append(f"code or a traceback in the PDF: {code.group(0).strip()!r}")
    return check


def check_deck(context: Any, check: Any, shots: Path | None = None, stem: str = "") -> Any:
    """Open a deck (``check.path``) offline in a Playwright ``context``; step through its slides.

    ``check`` is a `rca.batch.browser_check.PageCheck` of the deck; it gets ``charts`` (drawn
    over all slides), ``text`` (every slide's text and notes) and ``problems``. With ``shots``,
    each slide is saved there as ``<stem>__slide-NN.png``. Returns ``check``.
    """
    deck: Path = check.path
    problems = check.problems
    page = context.new_page()

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}"[:300])

    def on_request(request: Any) -> None:
        if not request.url.startswith(("file:", "data:", "blob:", "about:")):
            problems.append(f"network request: {request.url}"[:300])

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"[:300]))
    page.on("request", on_request)
    texts: list[str] = []
    try:
        page.goto(deck.resolve().as_uri(), wait_until="load", timeout=120_000)  # 5 MB inline
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        for number, where in enumerate(page.evaluate(_SLIDES), 1):
            page.evaluate(f"() => Reveal.slide({int(where['h'])}, {int(where['v'] or 0)})")
            page.wait_for_timeout(150)  # charts resize to the shown slide
            seen = page.evaluate(_SLIDE)
            texts.append(f"{seen['text']}\n{seen['notes']}")
            _slide_problems(number, seen, problems)
            check.charts += len(seen["plots"])
            if shots is not None:
                name = f"{stem or deck.name.removesuffix(DECK_SUFFIX)}__slide-{number:02d}.png"
                check.screenshot = shots / name
                page.screenshot(path=str(check.screenshot))
        if not texts:
            problems.append("no slides")
    finally:
        page.close()
    check.text = "\n".join(texts)
    return check


def _slide_problems(number: int, seen: dict[str, Any], problems: list[str]) -> None:
    if not seen["text"].strip() and not seen["plots"]:
        problems.append(f"slide {number} is empty")
    for i, plot in enumerate(seen["plots"], 1):
        if plot["width"] < 100 or plot["height"] < 100 or plot["traces"] < 1:
            size = f"{plot['width']:.0f}x{plot['height']:.0f} px, {plot['traces']} traces"
            problems.append(f"slide {number}: chart {i} not drawn ({size})")
    if seen["over"] > 4:
        problems.append(f"slide {number} runs {seen['over']:.0f} px off the bottom")
    if seen["code"] or _CODE.search(seen["text"]) or _CODE.search(seen["notes"]):
        problems.append(f"slide {number} shows code or a traceback")


def check_formats(
    context: Any,
    month_dir: Path,
    new_check: Callable[[Path], Any],
    shots: Path | None = None,
    texts: bool = False,
) -> list[Any]:
    """Check every slide deck (in ``context``) and every PDF of ``month_dir``, decks first.

    ``new_check(path)`` makes the `rca.batch.browser_check.PageCheck` each file's result goes
    in. With ``shots``, slides are saved there, and each PDF's first page; with ``texts`` too,
    each file's text beside them (``<name>.txt``), to search before the folder is mailed.
    """
    checks = []
    decks = sorted(month_dir.rglob(f"*{DECK_SUFFIX}"))
    pdfs = sorted(p for p in month_dir.rglob("*.pdf") if "screenshots" not in p.parts)
    for path in [*decks, *pdfs]:
        name = "__".join(path.relative_to(month_dir).parts)
        check = new_check(path)
        try:
            if path in decks:
                check_deck(context, check, shots, name.removesuffix(DECK_SUFFIX))
            else:
                check_pdf(check)
                if shots is not None:
                    check.screenshot = _first_page(path, shots / name)
        except Exception as exc:  # e.g. a deck that never loads: a problem, not a crash
            first = (str(exc).splitlines() or [""])[0]
            check.problems.append(f"could not be checked: {type(exc).__name__}: {first}"[:300])
        if shots is not None and texts:
            check.text_file = shots / f"{name}.txt"
            check.text_file.write_text(check.text, encoding="utf-8")
        checks.append(check)
    return checks


def _first_page(pdf: Path, stem: Path) -> Path | None:
    """Save a PDF's first page as ``<stem>.png`` (``pdftoppm``); None when it cannot."""
    try:
        subprocess.run([_poppler("pdftoppm"), "-png", "-r", "60", "-singlefile", "-f", "1",
                        "-l", "1", str(pdf), str(stem)], check=True, timeout=120,
                       capture_output=True)  # fmt: skip
    except subprocess.SubprocessError:
        return None
    return stem.with_name(stem.name + ".png")
