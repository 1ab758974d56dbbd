"""Executed notebook -> one self-contained HTML file for readers.

No code, no parameter cells, no tracebacks, nothing fetched from a network: charts carry plotly.js
inline and images are embedded, so the file opens from an email or a shared drive offline.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import nbformat

__all__ = ["HIDDEN_TAGS", "export_html", "reader_outputs", "slim_executed_notebook"]

#: Cells with these tags never reach a reader of the HTML (``deck-only``: a slide deck's cells).
HIDDEN_TAGS: frozenset[str] = frozenset(
    {"injected-parameters", "parameters", "rca-setup", "rca-validate", "remove-cell", "deck-only"}
)

_TEMPLATES = Path(__file__).resolve().parent / "templates"


def reader_outputs(cell: Any) -> Any:
    """Drop a code cell's error outputs and stderr streams (readers see no tracebacks)."""
    if cell.cell_type == "code":
        cell.outputs = [
            o
            for o in cell.get("outputs", [])
            if o.get("output_type") != "error"
            and not (o.get("output_type") == "stream" and o.get("name") == "stderr")
        ]
    return cell


def _strip_for_readers(nb: Any) -> Any:
    """Drop hidden cells, error outputs and stderr streams (readers see no tracebacks)."""
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            continue
        cells.append(reader_outputs(cell))
    nb.cells = cells
    return nb


@functools.cache
def _exporter() -> Any:
    """Build the reader-facing HTML exporter, once per process.

    Building one compiles its Jinja templates: about 0.25 s, most of an export's time.
    """
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="rca_report",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def export_html(
    notebook: str | Path | Any,
    html_path: str | Path,
    *,
    title: str | None = None,
    generated: str | None = None,
) -> Path:
    """Export an executed notebook to a reader-facing HTML file.

    Parameters
    ----------
    notebook
        Path to an executed ``.ipynb`` or a ``NotebookNode``.
    html_path
        Where to write the HTML (written atomically: a temporary file, then renamed).
    title
        Page title (defaults to the notebook name).
    generated
        A "generated on" note for the footer (kept out by default for reproducible output).

    Returns
    -------
    Path
        ``html_path``.
    """
    from rca.core.paths import version
    from rca.reports.fragments import REPORT_CSS

    nb = notebook if not isinstance(notebook, str | Path) else nbformat.read(notebook, as_version=4)
    nb = _strip_for_readers(nbformat.from_dict(nb))
    html_path = Path(html_path)
    if title:
        nb.metadata["title"] = title
    resources = {
        "metadata": {"name": title or html_path.stem},
        "rca_version": version(),
        "rca_generated": generated or "",
        "rca_css": REPORT_CSS,
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = html_path.with_name(html_path.name + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(html_path)
    return html_path


_PLOTLYJS = re.compile(r"<script[^>]*>\s*/\*\*\s*\*\s*plotly\.js v.*?</script>", re.S)
_PLOTLYJS_NOTE = "<script>/* plotly.js left out of the kept notebook: see the HTML */</script>"


def slim_executed_notebook(path: str | Path, nb: Any = None) -> int:
    """Drop the inline plotly.js from an executed notebook's outputs once its HTML is written.

    The HTML keeps its own copy; without this every kept notebook would carry the same 5 MB
    library again. Charts in the kept notebook then draw only where plotly.js is already loaded
    (the HTML report is what readers open). ``nb`` is the notebook as executed (what papermill
    returns), if at hand, to save reading the file again; it is changed in place. Returns the
    bytes saved.
    """
    path = Path(path)
    size = path.stat().st_size
    if nb is None:
        nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if isinstance(html, str) and "plotly.js v" in html:
                output["data"]["text/html"] = _PLOTLYJS.sub(_PLOTLYJS_NOTE, html)
    slim = nbformat.writes(nb).encode("utf-8")
    if len(slim) < size:
        path.write_bytes(slim)
    return max(size - len(slim), 0)
