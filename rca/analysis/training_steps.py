"""The training step: packs of real, redacted cases for trainers (`rca.stats.training_cases`).

``training_packs`` lists one pack per rubric item below the agreement threshold and per clear
coaching need of the month (a team or new-hire cohort and an error category); ``training_cases``
holds each pack's cases with the answer key (the expert's rating, or the audit's verdict). It
runs after the findings step, whose false-discovery family decides which coaching needs are
clear. Both tables stay in the private working area; the reports show the quiz (no answers) and
the key, and the batch writes a score sheet per pack beside the quiz.
"""

from __future__ import annotations

import pandas as pd

from rca.analysis.context import Context, EmptyTable, Table
from rca.stats.training_cases import (
    CASE_COLUMNS,
    PACK_COLUMNS,
    case_disagreement,
    coaching_packs,
    item_packs,
)

__all__ = ["CASES_PER_PACK", "section_training"]

#: Cases in each training pack.
CASES_PER_PACK = 8


def section_training(ctx: Context) -> dict[str, Table]:
    """Training packs of the month and their cases (answer key included), seeded by ``ctx.seed``."""
    audits = ctx.frame("audits")
    packs: list[pd.DataFrame] = []
    cases: list[pd.DataFrame] = []
    agreement = ctx.tables.get("calibration_agreement")
    spread = None
    if not ctx.absent("calibration") and agreement is not None and len(agreement):
        ratings = ctx.frame("calibration").drop(columns=["month", "week"], errors="ignore")
        spread = case_disagreement(ratings)
        p, c = item_packs(ratings, agreement, audits, n_cases=CASES_PER_PACK, seed=ctx.seed)
        packs.append(p)
        cases.append(c)
    coaching = ctx.tables.get("coaching")
    if coaching is not None and len(coaching):
        p, c = coaching_packs(coaching, audits, month=ctx.month, disagreement=spread,
                              n_cases=CASES_PER_PACK, seed=ctx.seed)  # fmt: skip
        packs.append(p)
        cases.append(c)
    found = [p for p in packs if len(p)]
    if not found:
        reason = (
            f"no rubric item below the agreement threshold and no clear coaching need in "
            f"{ctx.month}: no training pack this month"
        )
        return {"training_packs": EmptyTable(reason, PACK_COLUMNS),
                "training_cases": EmptyTable(reason, CASE_COLUMNS)}  # fmt: skip
    return {
        "training_packs": pd.concat(found, ignore_index=True),
        "training_cases": pd.concat([c for c in cases if len(c)], ignore_index=True),
    }
