"""Executed notebook -> an offline reveal.js slide deck (``<stem>.slides.html``) for meetings.

Slides are marked in the notebook sources with cell metadata (``slideshow: {slide_type: ...}`` in
the py:percent cell headers): only those cells reach the deck, code never does (nbconvert's
slides exporter with ``exclude_input``), and a slide whose cells showed nothing (a finding slot
left empty this month) is dropped. reveal.js 5 with its notes plugin
(``rca/reports/templates/rca_deck/reveal``, MIT), plotly.js and the report styles are inlined:
a deck mailed alone opens offline, and nothing is fetched from a CDN.

Decks are built from the executed notebook kept in the private working area; its text is the
report's (redacted and escaped by the report functions), the deck leaves out hidden cells
(parameters, setup) and error output exactly as the HTML does.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import nbformat

from rca.reports.html_export import HIDDEN_TAGS, reader_outputs

__all__ = ["DECK_SUFFIX", "deck_cells", "export_deck", "has_slides"]

#: A deck's file name ends so: ``executive.slides.html`` beside ``executive.html``.
DECK_SUFFIX = ".slides.html"

_DECK = Path(__file__).resolve().parents[1] / "reports" / "templates"
_REVEAL = _DECK / "rca_deck" / "reveal"
#: Cells that never reach a reader, in a deck as in the HTML (but the deck's own cells).
_HIDDEN = HIDDEN_TAGS - {"deck-only"}


def _slide_type(cell: Any) -> str | None:
    meta = cell.get("metadata", {}).get("slideshow") or {}
    kind = meta.get("slide_type") if isinstance(meta, dict) else None
    return str(kind) if kind else None


def has_slides(notebook: Any) -> bool:
    """Tell whether a notebook marks any cell as a slide (``slide_type`` other than ``skip``)."""
    return any(_slide_type(c) not in (None, "skip") for c in notebook.cells)


def _shown(cell: Any) -> bool:
    """Whether a cell shows anything: markdown text, or an output that is not blank."""
    if cell.cell_type == "markdown":
        return bool(str(cell.source).strip())
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if any(k.startswith("image/") or k == "application/vnd.plotly.v1+json" for k in data):
            return True
        text = data["text/html"] if "text/html" in data else data.get("text/plain")
        text = text if text is not None else output.get("text", "")
        if str("".join(text) if isinstance(text, list) else text).strip():
            return True
    return False


def deck_cells(notebook: Any) -> list[Any]:
    """Return the cells of a deck: the marked ones, without error output or empty slides.

    A cell belongs to the slide started by the last ``slide``/``subslide`` cell before it;
    a slide none of whose non-notes cells shows anything is dropped with its notes.
    """
    slides: list[list[Any]] = []
    for cell in notebook.cells:
        kind = _slide_type(cell)
        tags = set(cell.get("metadata", {}).get("tags", []))
        if kind in (None, "skip") or tags & _HIDDEN:
            continue
        reader_outputs(cell)
        if kind in ("slide", "subslide") or not slides:
            slides.append([])
        slides[-1].append(cell)
    kept = [s for s in slides if any(_shown(c) for c in s if _slide_type(c) != "notes")]
    return [cell for slide in kept for cell in slide]


@functools.cache
def _assets() -> dict[str, str]:
    """Read the inlined reveal.js, its notes plugin and theme, and plotly.js (once)."""
    from plotly.offline import get_plotlyjs

    def read(name: str) -> str:
        return (_REVEAL / name).read_text(encoding="utf-8")

    return {
        "rca_reveal_js": read("reveal.js"),
        "rca_notes_js": read("notes.js"),
        "rca_reveal_css": read("reveal.css"),
        "rca_reveal_theme": read("white.css"),
        "rca_plotly_js": get_plotlyjs(),
    }


@functools.cache
def _exporter() -> Any:
    from nbconvert import SlidesExporter

    return SlidesExporter(
        template_name="rca_deck",
        extra_template_basedirs=[str(_DECK)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def export_deck(notebook: str | Path | Any, deck_path: str | Path, *, title: str) -> Path | None:
    """Write the slide deck of an executed notebook.

    Parameters
    ----------
    notebook
        Path to an executed ``.ipynb`` or a ``NotebookNode`` (not changed).
    deck_path
        Where to write the deck (atomically: a temporary file, then renamed).
    title
        The report's title, shown in the browser tab and the slides' footer.

    Returns
    -------
    Path or None
        ``deck_path``; None when the notebook marks no slide or every slide is empty.
    """
    from rca.core.paths import version
    from rca.reports.fragments import REPORT_CSS

    nb = notebook if not isinstance(notebook, str | Path) else nbformat.read(notebook, as_version=4)
    nb = nbformat.from_dict(nb)
    nb.cells = deck_cells(nb)
    if not nb.cells:
        return None
    nb.metadata["title"] = title
    resources = {
        "metadata": {"name": title},
        "rca_title": title,
        "rca_version": version(),
        "rca_css": REPORT_CSS,
        **_assets(),
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    deck_path = Path(deck_path)
    deck_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = deck_path.with_name(deck_path.name + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(deck_path)
    return deck_path
