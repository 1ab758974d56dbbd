"""Score sheets of the month's training packs, written beside the training quiz.

Each ``training`` report in ``quiz`` mode links one CSV per pack (`rca.stats.training_scores`):
the pack, case numbers and ids, the item and the allowed answers, with an empty
``trainee_answer`` column. The sheets hold no answer, no name and no case text, so they belong in
the shared month folder next to the quiz; the answer key stays in the private analysis
(``training_cases``), where ``rca training score`` finds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rca.batch.plan import PlannedReport
from rca.stats.training_scores import score_sheet, sheet_name

if TYPE_CHECKING:
    from rca.analysis.month import Analysis

__all__ = ["write_score_sheets"]


def write_score_sheets(
    analysis: Analysis, shared: str | Path, planned: Sequence[PlannedReport]
) -> list[Path]:
    """Write the score sheet of every pack shown by a planned training quiz.

    Parameters
    ----------
    analysis
        The month's analysis (its ``training_cases`` table).
    shared
        The shared month folder being built; a quiz in ``<folder>`` gets its sheets there.
    planned
        The month's reports; only ``training`` reports with ``mode: quiz`` get sheets (all
        packs, or the one of their ``pack`` parameter).

    Returns
    -------
    list of Path
        The sheets written (none when the month has no training pack).
    """
    quizzes = [p for p in planned if p.notebook == "training"
               and p.parameters.get("mode", "quiz") == "quiz"]  # fmt: skip
    if not quizzes or "training_cases" not in analysis.info["tables"]:
        return []
    cases = analysis.table("training_cases")
    month = str(analysis.info["month"])
    written: list[Path] = []
    for quiz in quizzes:
        folder = Path(shared) / quiz.folder
        folder.mkdir(parents=True, exist_ok=True)
        only = quiz.parameters.get("pack")
        for pack_id in sorted(set(cases["pack_id"])):
            if only is not None and pack_id != only:
                continue
            path = folder / sheet_name(str(pack_id))
            score_sheet(cases, str(pack_id), month).to_csv(path, index=False)
            written.append(path)
    return written
