"""A batch's files besides the HTML: each report's PDF and slide deck, as the plan asks.

Run once the reports are built (`rca.batch.monthly.run_batch`): decks from the executed notebooks
kept in the private working area (`rca.batch.deck_export`), PDFs printed from the HTML files by one
headless Chromium (`rca.batch.pdf_export`). Both go beside the HTML in the shared month folder:
``<stem>.pdf`` and ``<stem>.slides.html``. A format that fails is logged and left out; the report
stays ``ok`` (its HTML is there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rca.batch.deck_export import DECK_SUFFIX, export_deck
from rca.batch.notebook_run import ReportResult
from rca.batch.plan import PlannedReport

__all__ = ["FORMAT_NAMES", "write_formats"]

#: The files a report may have, in the order the index links them.
FORMAT_NAMES: tuple[str, ...] = ("html", "pdf", "deck")


def write_formats(
    planned: Sequence[PlannedReport],
    results: Sequence[ReportResult],
    log: Callable[[str], object],
    chromium: str | None = None,
) -> list[dict[str, Path]]:
    """Write the planned PDFs and decks of the built reports.

    Parameters
    ----------
    planned, results
        The plan's reports and their results, in the same order.
    log
        Gets one line per format written and per failure.
    chromium
        Chromium binary for the PDFs (default: found on ``PATH``).

    Returns
    -------
    list of dict
        Per report, ``{"html": path, "pdf": path, "deck": path}`` for the files it has (empty for
        a failed report).
    """
    files: list[dict[str, Path]] = []
    prints: list[tuple[Path, Path, str | None]] = []
    decks = 0
    for p, r in zip(planned, results, strict=True):
        have: dict[str, Path] = {}
        files.append(have)
        if r.status != "ok" or r.html is None:
            continue
        have["html"] = r.html
        if p.deck and r.ipynb is not None:
            try:
                deck = export_deck(r.ipynb, r.html.with_name(r.html.stem + DECK_SUFFIX),
                                   title=r.title)  # fmt: skip
            except Exception as exc:  # a deck that fails never stops the batch
                log(f"deck not built: {p.stem}: {type(exc).__name__}: {exc}"[:300])
                deck = None
            if deck is not None:
                have["deck"], decks = deck, decks + 1
        if p.pdf:
            pdf = r.html.with_suffix(".pdf")
            prints.append((r.html, pdf, r.title))
            have["pdf"] = pdf
    if prints:
        from rca.batch.pdf_export import print_pdfs

        failed = print_pdfs(prints, chromium=chromium, log=log)
        for have in files:
            if have.get("pdf") in failed:
                del have["pdf"]
    log(f"{decks} slide decks, {sum('pdf' in f for f in files)} PDFs")
    return files
