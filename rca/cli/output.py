"""What the commands print and the help texts they share, and where private files may go."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from rca.batch.monthly import BatchResult

__all__ = [
    "BATCH_WORK_HELP",
    "DATA_HELP",
    "EMBEDDER_HELP",
    "KIND_HELP",
    "MAPPING_HELP",
    "MERGE_HELP",
    "OUT_HELP",
    "PLAN_HELP",
    "SPLIT_HELP",
    "WORK_HELP",
    "console",
    "out_console",
    "refuse_shared",
    "say",
    "tell_batch",
    "tell_quarantine",
    "work_root",
]

#: Progress and errors (stderr).
console = Console(stderr=True)
#: Results (stdout).
out_console = Console()

KIND_HELP = "Input kind: audits, feedback, calibration or ai_labels."
WORK_HELP = "Private working area, never shared (default: outputs/.work)."
BATCH_WORK_HELP = (
    "Private working area: the month's analysis, executed notebooks and quarantine files go to "
    "WORK/YYYY-MM; never share it (default: OUT/.work)."
)


def work_root(work: Path | None, out: Path = Path("outputs")) -> Path:
    """Return the private working area: ``--work``, else ``<out>/.work``."""
    from rca.batch.month_folder import default_work_root

    return work if work is not None else default_work_root(out)


def refuse_shared(folder: Path, option: str) -> None:
    """Private files are never written inside a shared month folder."""
    from rca.batch.month_folder import shared_month_folder
    from rca.core.errors import ParameterError

    inside = shared_month_folder(folder)
    if inside is not None:
        raise ParameterError(
            f"{option} {folder} is inside the shared month folder {inside}; private files "
            "(every row, quarantined rows) must stay out of it"
        )


def say(text: str) -> None:
    """Print ``text`` to stdout as is (no markup, no highlighting)."""
    out_console.print(text, soft_wrap=True, highlight=False, markup=False)


def tell_quarantine(files: list[Path]) -> None:
    """Say where quarantined rows went: original values, for the analyst only."""
    for path in files:
        say(
            f"Quarantined rows, with their original values (private: fix the export, never "
            f"share): {path.resolve()}"
        )


def tell_batch(result: BatchResult) -> None:
    """Print what may be shared, what stays private, and where each failed report's error is."""
    for report in result.failed:
        kept = report.ipynb is not None and report.ipynb.exists()
        where = f"; executed notebook with the error: {report.ipynb}" if kept else ""
        console.print(
            f"{report.title} failed: {report.reason}{where}", markup=False, soft_wrap=True
        )
    tell_quarantine(result.quarantine)
    say(f"Private working files (never share): {result.work_dir}")
    say(f"Share only this folder: {result.month_dir}")
    say(f"Open the reports: {result.index.resolve()}")


EMBEDDER_HELP = (
    "Embedding backend for themes: auto (MiniLM when the texts are nearly all English, else the "
    "multilingual e5 with each language's mean removed), minilm, e5, static, tfidf, or a local "
    "sentence-transformers folder."
)
MAPPING_HELP = (
    "KIND=FILE: the YAML column mapping of an export in a vendor's format (KIND: audits, "
    "feedback, calibration or ai_labels). Repeat for several kinds."
)
# Defaults resolved at run time from the working folder (rca.core.paths.working_dir).
PLAN_HELP = "Plan of reports (default: parameters/monthly.yaml of the working folder, or shipped)."
DATA_HELP = (
    "Folder with the exports (default: the working folder's data/, else outputs/.work/sample-data)."
)
OUT_HELP = "Outputs folder; a month goes to OUT/YYYY-MM (default: the working folder's outputs/)."
SPLIT_HELP = (
    "Plant a theme split from this month (YYYY-MM, not the first): the audit comments about "
    "tone come in two clearly different sub-variants (calls, written replies). For measuring "
    "theme identity; off by default."
)
MERGE_HELP = (
    "Plant a theme merge from this month (YYYY-MM, not the first): the audit comments about "
    "incomplete notes and about the wrong macro are written one shared way. For measuring theme "
    "identity; off by default."
)
